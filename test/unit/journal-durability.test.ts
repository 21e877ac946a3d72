// What a journal's commit survives: every journal a venue order can go through flushes each commit to the
// disk (synchronous FULL); a replay's, whose venue is a simulator in the same process, survives kill -9
// (the write-ahead log) without a flush per order intent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Journal } from '../../src/main/engine/journal/journal.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'braid-durability-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('flushes every commit unless told the process is all it must survive', () => {
  const app = Journal.open(join(dir, 'app.db'), { kind: 'app' });
  expect(app.durability).toBe('power-loss');
  app.close();
  const replay = Journal.open(join(dir, 'replay.db'), { kind: 'replay', durability: 'process-crash' });
  expect(replay.durability).toBe('process-crash');
  replay.close();
  // The setting is the opener's, not the file's: the same file opened by the app flushes again.
  const reopened = Journal.open(join(dir, 'replay.db'));
  expect(reopened.durability).toBe('power-loss');
  reopened.close();
});
