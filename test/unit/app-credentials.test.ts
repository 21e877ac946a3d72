// The desktop app's credentials path without Electron: the engine host in its worker thread, a vault over
// a stand-in safeStorage in "main" (this thread), the Kraken simulator. setVenueCredentials from the
// command path is sealed into the vault file (never in clear), the running Kraken venue then signs with
// the new key (the simulator's request log shows it), and a vault that fails is a clear error while the
// old key keeps trading. The worker-side request/answer pair is also driven by hand (timeout, closing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCredentialVault, type SafeStorageLike } from '../../src/main/credential-vault.ts';
import { credentialRequests, type FromHost } from '../../src/main/host/protocol.ts';
import { startHostWorker, type WorkerHost } from '../../src/main/host/worker-client.ts';
import type { AppSnapshot } from '../../src/shared/contract.ts';
import { err, ok } from '../../src/shared/result.ts';
import { manualTimers } from '../helpers/timers.ts';
import { waitFor } from '../helpers/wait.ts';
import { type KrakenSim, startKrakenSim } from '../venues/kraken/simulator.ts';

const WORKER = new URL('../../src/main/host/worker.ts', import.meta.url);

/** safeStorage's stand-in: reverses and tags the bytes, so sealed text never shows the clear text. */
function stubStorage(options: { available?: boolean } = {}): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    encryptStringAsync: async (text) => Buffer.concat([Buffer.from('SEALED:'), Buffer.from(text).reverse()]),
    decryptStringAsync: async (b) => ({ result: Buffer.from(b.subarray(7)).reverse().toString('utf8') }),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  };
}

// ------------------------------------------------------------------------------ the request/answer pair

describe('the host asks main to store credentials', () => {
  function asker(post: (m: FromHost) => void = () => {}) {
    const manual = manualTimers();
    const sent: FromHost[] = [];
    const requests = credentialRequests({
      post: (m) => {
        sent.push(m);
        post(m);
      },
      timeoutMs: 30_000,
      timers: manual.timers,
    });
    return { manual, sent, requests };
  }

  it('each answer settles its own request, whatever the order', async () => {
    const { manual, sent, requests } = asker();
    const first = requests.set('kraken', 'K1', 'S1');
    const second = requests.set('kraken', 'K2', 'S2');
    expect(sent).toEqual([
      { kind: 'storeCredentials', id: 1, venue: 'kraken', apiKey: 'K1', apiSecret: 'S1' },
      { kind: 'storeCredentials', id: 2, venue: 'kraken', apiKey: 'K2', apiSecret: 'S2' },
    ]);
    requests.answered(2, err('no_secure_storage', 'no keyring'));
    requests.answered(1, ok(null));
    expect(await first).toEqual({ ok: true, value: null });
    expect(await second).toEqual({ ok: false, error: { code: 'no_secure_storage', message: 'no keyring' } });
    expect(requests.pending()).toBe(0);
    expect(manual.pending()).toBe(0);
  });

  it('no answer in time: an error result, and the late answer is dropped', async () => {
    const { manual, requests } = asker();
    const asked = requests.set('kraken', 'K1', 'S1');
    manual.advance(29_999);
    expect(requests.pending()).toBe(1);
    manual.advance(1);
    const result = await asked;
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'credentials_not_stored',
        message: 'the credential vault did not answer within 30 s: they may not be stored; enter them again',
      },
    });
    requests.answered(1, ok(null));
    expect(requests.pending()).toBe(0);
  });

  it('the channel closing answers every waiting request, and later ones at once', async () => {
    const { manual, requests } = asker();
    const asked = requests.set('kraken', 'K1', 'S1');
    requests.close();
    expect(await asked).toMatchObject({ ok: false, error: { code: 'credentials_not_stored' } });
    expect(await requests.set('kraken', 'K2', 'S2')).toMatchObject({
      ok: false,
      error: { code: 'credentials_not_stored' },
    });
    expect(manual.pending()).toBe(0);
  });

  it('a message that cannot be posted is an error result that does not quote the secret', async () => {
    const { requests } = asker(() => {
      throw new Error('DataCloneError: S3CRET-VALUE');
    });
    const result = await requests.set('kraken', 'KEY-VALUE', 'S3CRET-VALUE');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('S3CRET-VALUE');
    expect(requests.pending()).toBe(0);
  });
});

// ------------------------------------------------------------------------------ the app, in a worker

/** Kraken's pro tier, as the simulator is set to (the host is told BRAID_KRAKEN_TIER=pro). */
const PRO_TIER = {
  callCounterMax: 20,
  callCounterDecay: 1,
  matchingCounterMax: 180,
  matchingCounterDecay: 3.75,
};

let dir = '';
let sim: KrakenSim | null = null;
let host: WorkerHost | null = null;

afterEach(async () => {
  await host?.close();
  host = null;
  await sim?.close();
  sim = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

async function startApp(options: {
  storage?: SafeStorageLike;
  /** The key the host starts with (from the vault at start, in the app); none: missing. */
  startKey?: { apiKey: string; apiSecret: string } | null;
  /** false: a host with no keeper for credentials (`braid serve`). */
  keeper?: boolean;
}) {
  dir = mkdtempSync(join(tmpdir(), 'braid-app-credentials-'));
  sim = await startKrakenSim({ ...PRO_TIER, balances: { ZUSD: 100_000 } });
  const vaultPath = join(dir, 'venue-credentials.json');
  const vault = createCredentialVault({
    path: vaultPath,
    safeStorage: options.storage ?? stubStorage(),
    platform: 'linux',
  });
  const startKey = options.startKey === undefined ? sim : options.startKey;
  const started = await startHostWorker(
    WORKER,
    {
      config: {
        account: { cash: '100000', type: 'cash' },
        venues: { kraken: { url: sim.url, deadManSeconds: 60, pollMs: 2000 } },
        instruments: { 'BTC/USD': { lot: '0.0001', tick: '0.1' } },
      },
      journalPath: join(dir, 'braid.sqlite'),
      env: {
        BRAID_KRAKEN_TIER: 'pro',
        ...(startKey
          ? { BRAID_KRAKEN_API_KEY: startKey.apiKey, BRAID_KRAKEN_API_SECRET: startKey.apiSecret }
          : {}),
      },
      keyLockDir: join(dir, 'locks'),
    },
    options.keeper === false
      ? {}
      : { storeCredentials: (venue, credentials) => vault.set(venue, credentials) },
  );
  if (!started.ok) throw new Error(started.error.message);
  host = started.value;
  return { sim, host, vault, vaultPath };
}

const snapshotOf = async (h: WorkerHost): Promise<AppSnapshot> => {
  const s = await h.invoke('getSnapshot', {});
  if (!s.ok) throw new Error(s.error.message);
  return s.value as AppSnapshot;
};
const krakenView = async (h: WorkerHost) =>
  (await snapshotOf(h)).host.venues.find((v) => v.name === 'kraken')!;
const krakenReady = (h: WorkerHost) =>
  waitFor('kraken connected and reconciled', async () => {
    const k = await krakenView(h);
    return k.state === 'connected' && !k.reconciling && k.lastReconciledAt !== null ? k : null;
  });
const privateBy = (s: KrakenSim, apiKey: string) =>
  s.requests().filter((r) => r.api === 'private' && r.apiKey === apiKey);

describe('credentials from the Venues panel, in the desktop app', () => {
  it('are sealed into the vault and the running Kraken venue signs with the new key from its next call', async () => {
    const app = await startApp({});
    const old = { apiKey: app.sim.apiKey, apiSecret: app.sim.apiSecret };
    await krakenReady(app.host);
    const fresh = app.sim.addKey();

    const set = await app.host.invoke('setVenueCredentials', { venue: 'kraken', ...fresh });
    expect(set).toEqual({ ok: true, value: null });

    // In the vault file sealed, never in clear; the vault gives them back.
    const bytes = readFileSync(app.vaultPath);
    expect(bytes.includes(fresh.apiSecret)).toBe(false);
    expect(bytes.includes(fresh.apiKey)).toBe(false);
    expect(await app.vault.get('kraken')).toEqual({ ok: true, value: fresh });

    // The next private call is signed with the new key, and the venue is reconciled again on it.
    await waitFor('a private call with the new key', () => privateBy(app.sim, fresh.apiKey).length > 0);
    expect(privateBy(app.sim, fresh.apiKey).every((r) => r.authenticated === true)).toBe(true);
    const view = await krakenReady(app.host);
    expect(view).toMatchObject({ credentials: 'set', deadMan: { state: 'armed' } });
    // The old key's switch was disarmed as it went (its last arming says 0); once the new key signs, the
    // old one signs nothing more.
    const calls = app.sim.requests().filter((r) => r.api === 'private');
    const oldArms = calls.filter((r) => r.apiKey === old.apiKey && r.path === 'CancelAllOrdersAfter');
    expect(oldArms.at(-1)?.params.timeout).toBe('0');
    expect(oldArms.slice(0, -1).every((r) => r.params.timeout === '60')).toBe(true);
    const firstNew = calls.findIndex((r) => r.apiKey === fresh.apiKey);
    expect(calls.slice(firstNew).filter((r) => r.apiKey !== fresh.apiKey)).toEqual([]);
    // The new key arms the switch again.
    expect(privateBy(app.sim, fresh.apiKey).some((r) => r.path === 'CancelAllOrdersAfter')).toBe(true);

    // The Venues panel learns "set", never the values.
    const shown = JSON.stringify(await snapshotOf(app.host));
    expect(shown).not.toContain(fresh.apiSecret);
    expect(shown).not.toContain(fresh.apiKey);
  });

  it('take a venue that started without credentials to connected', async () => {
    const app = await startApp({ startKey: null });
    expect(await krakenView(app.host)).toMatchObject({ credentials: 'missing', state: 'failed' });
    const fresh = app.sim.addKey();
    expect(await app.host.invoke('setVenueCredentials', { venue: 'kraken', ...fresh })).toEqual({
      ok: true,
      value: null,
    });
    const view = await krakenReady(app.host);
    expect(view.credentials).toBe('set');
    expect(privateBy(app.sim, fresh.apiKey).length).toBeGreaterThan(0);
  });

  it('a vault that cannot store them: a clear error, and the old key keeps trading', async () => {
    const app = await startApp({ storage: stubStorage({ available: false }) });
    const oldKey = app.sim.apiKey;
    await krakenReady(app.host);
    const fresh = app.sim.addKey();

    const set = await app.host.invoke('setVenueCredentials', { venue: 'kraken', ...fresh });
    expect(set).toEqual({
      ok: false,
      error: { code: 'no_secure_storage', message: 'this system offers no secure storage for credentials' },
    });
    expect(app.vault.venues()).toEqual([]);
    // Still connected and reconciled on the old key: a test round trip signs with it.
    const before = privateBy(app.sim, oldKey).length;
    expect(await app.host.invoke('testVenue', { venue: 'kraken' })).toMatchObject({ ok: true });
    expect(privateBy(app.sim, oldKey).length).toBeGreaterThan(before);
    expect(await krakenView(app.host)).toMatchObject({ state: 'connected', reconciling: false });
    expect(privateBy(app.sim, fresh.apiKey)).toEqual([]);
  });

  it('malformed ones are refused before the vault is asked, without quoting them', async () => {
    const app = await startApp({});
    await krakenReady(app.host);
    const secret = 'not base64 at all!';
    const set = await app.host.invoke('setVenueCredentials', {
      venue: 'kraken',
      apiKey: 'SOMEKEY',
      apiSecret: secret,
    });
    expect(set).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(set)).not.toContain(secret);
    expect(app.vault.venues()).toEqual([]);
  });
});

describe('braid serve (no keeper in main)', () => {
  it('refuses setVenueCredentials and keeps to the environment', async () => {
    const app = await startApp({ keeper: false });
    await krakenReady(app.host);
    const fresh = app.sim.addKey();
    const set = await app.host.invoke('setVenueCredentials', { venue: 'kraken', ...fresh });
    expect(set).toMatchObject({ ok: false, error: { code: 'credentials_from_environment' } });
    expect(set.ok ? '' : set.error.message).toContain('BRAID_KRAKEN_API_KEY');
    expect(privateBy(app.sim, fresh.apiKey)).toEqual([]);
  });
});
