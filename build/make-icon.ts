// Draws Braid's icon (three braided strands on a dark rounded square) as PNG files, with no image
// library and no download: `node build/make-icon.ts`. Run once; the PNGs are committed.
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // supersampling per axis, for smooth edges
const BG = [15, 17, 21];
const STRANDS = [
  { color: [45, 212, 191], phase: 0 },
  { color: [245, 158, 11], phase: (2 * Math.PI) / 3 },
  { color: [96, 165, 250], phase: (4 * Math.PI) / 3 },
];

function insideRoundedSquare(x: number, y: number): boolean {
  const r = 104;
  const m = 16;
  const cx = Math.min(Math.max(x, m + r), SIZE - m - r);
  const cy = Math.min(Math.max(y, m + r), SIZE - m - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= m && x <= SIZE - m && y >= m && y <= SIZE - m;
}

/** The colour of one sample point: the strand in front wins where strands cross. */
function sample(x: number, y: number): [number, number, number, number] {
  if (!insideRoundedSquare(x, y)) return [0, 0, 0, 0];
  const t = (y - 96) / (SIZE - 192); // strands run top to bottom
  if (t >= 0 && t <= 1) {
    let best: { depth: number; color: number[] } | null = null;
    for (const s of STRANDS) {
      const angle = t * 2 * Math.PI * 1.5 + s.phase;
      const sx = SIZE / 2 + 110 * Math.sin(angle);
      const depth = Math.cos(angle); // the strand nearer the viewer is drawn on top
      const width = 30 + 8 * depth;
      if (Math.abs(x - sx) <= width && (best === null || depth > best.depth))
        best = { depth, color: s.color };
    }
    if (best) return [best.color[0]!, best.color[1]!, best.color[2]!, 255];
  }
  return [BG[0]!, BG[1]!, BG[2]!, 255];
}

function render(size: number): Buffer {
  const scale = SIZE / size;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let py = 0; py < size; py++) {
    raw[py * (size * 4 + 1)] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = sample((px + (sx + 0.5) / SAMPLES) * scale, (py + (sy + 0.5) / SAMPLES) * scale);
          // Premultiplied sums, so transparent samples do not darken the edges.
          for (let k = 0; k < 3; k++) acc[k]! += (c[k]! * c[3]!) / 255;
          acc[3]! += c[3]!;
        }
      }
      const n = SAMPLES * SAMPLES;
      const a = acc[3]! / n;
      const o = py * (size * 4 + 1) + 1 + px * 4;
      for (let k = 0; k < 3; k++) raw[o + k] = a === 0 ? 0 : Math.round(((acc[k]! / n) * 255) / a);
      raw[o + 3] = Math.round(a);
    }
  }
  return raw;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(render(size), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const root = (p: string) => new URL(`../${p}`, import.meta.url);
const icon = png(512);
writeFileSync(root('build/icon.png'), icon);
writeFileSync(root('resources/icon.png'), icon);
process.stdout.write('wrote build/icon.png and resources/icon.png (512x512)\n');
