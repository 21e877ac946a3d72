// Serves the built renderer (out/renderer) read-only: no directory listing, no path outside the root,
// unknown routes fall back to index.html (client-side views).
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  status: number;
  type: string;
  body: Buffer | string;
  cache: string;
}

/** Resolves a URL path to a file under root; null when it escapes the root or is malformed. */
export function resolveUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const full = resolve(base, `.${sep}${normalize(decoded)}`);
  return full === base || full.startsWith(base + sep) ? full : null;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function loadStatic(root: string, urlPath: string): Promise<StaticFile> {
  const index = join(resolve(root), 'index.html');
  if (!(await isFile(index))) {
    return {
      status: 503,
      type: TYPES['.txt']!,
      body: 'The Braid UI is not built yet: run `npm run build` (it writes out/renderer), then start again.\n',
      cache: 'no-store',
    };
  }
  const path = resolveUnder(root, urlPath === '/' ? '/index.html' : urlPath);
  if (path === null) return { status: 400, type: TYPES['.txt']!, body: 'Bad path\n', cache: 'no-store' };
  if (await isFile(path)) {
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    const isIndex = path === index;
    // Vite's assets have content hashes in their names; index.html must always be fresh.
    return {
      status: 200,
      type,
      body: await readFile(path),
      cache: isIndex ? 'no-store' : 'public, max-age=3600',
    };
  }
  if (extname(path) !== '')
    return { status: 404, type: TYPES['.txt']!, body: 'Not found\n', cache: 'no-store' };
  return { status: 200, type: TYPES['.html']!, body: await readFile(index), cache: 'no-store' };
}
