// An engine host in this process, serving the built renderer and the API as `braid serve` does, on bars
// of the test's own: one symbol, flat at 100, so a market order's arrival slippage is exactly its paper
// venue's slipBps and the demo signal source (an SMA cross) never fires: every plan is the test's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootHost } from '../../src/main/host/boot.ts';
import { hostDoor } from '../../src/main/intake/plan-door.ts';
import { startServer } from '../../src/main/serve/server.ts';
import { ROOT, type Served } from './harness.ts';

export const SYMBOL = 'AAA';

/** Two sessions of half-hourly bars (09:30 to 15:30 in New York, winter); the feed plays them again
 *  on the following trading days, so engine time crosses a new UTC day every 13 bars. */
function flatBars(): string {
  const lines = ['time,symbol,open,high,low,close,volume'];
  for (const day of ['2024-01-08', '2024-01-09']) {
    for (let i = 0; i < 13; i++) {
      const t = Date.parse(`${day}T14:30:00Z`) + i * 30 * 60_000;
      lines.push(`${new Date(t).toISOString().replace('.000', '')},${SYMBOL},100,100,100,100,1000000`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface LessonsServed extends Served {
  close(): Promise<void>;
}

/** Boots the host on `config` (bars every `stepMs`) and serves it on 127.0.0.1, a free port. */
export async function startLessonsHost(config: unknown, stepMs: number): Promise<LessonsServed> {
  const dir = mkdtempSync(join(tmpdir(), 'braid-e2e-lessons-'));
  const pricesPath = join(dir, 'prices.csv');
  writeFileSync(pricesPath, flatBars());
  const logs: string[] = [];
  const booted = await bootHost({
    config,
    journalPath: join(dir, 'state.sqlite'),
    demo: { pricesPath, stepMs },
    serveToken: 'keep',
  });
  if (!booted.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the host did not boot: ${booted.error.message}`);
  }
  const { host, info } = booted.value;
  const token = info.token!;
  const server = await startServer({
    host,
    token,
    port: 0,
    staticRoot: join(ROOT, 'out/renderer'),
    log: (line) => logs.push(line),
    door: hostDoor(host),
  });
  if (!server.ok) {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the server did not start: ${server.error.message}`);
  }
  const url = server.value.url;
  const origin = new URL(url).origin;
  const close = async () => {
    await server.value.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url,
    origin,
    token,
    port: Number(new URL(url).port),
    stop: close,
    close,
    log: () => logs.join('\n'),
  };
}
