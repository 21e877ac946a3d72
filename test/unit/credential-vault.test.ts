// The desktop app's credential vault: sealed by safeStorage, never in clear on disk, basic_text refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createCredentialVault,
  credentialEnv,
  type SafeStorageLike,
} from '../../src/main/credential-vault.ts';
import { err, ok } from '../../src/shared/result.ts';

/** A stand-in for safeStorage: reverses and tags the bytes, so sealed text never equals the clear text. */
function stubStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike & { sealed: number } {
  const s = {
    sealed: 0,
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (text: string) => {
      s.sealed++;
      return Buffer.concat([Buffer.from('SEALED:'), Buffer.from(text, 'utf8').reverse()]);
    },
    decryptStringAsync: async (b: Buffer) => {
      if (!b.subarray(0, 7).equals(Buffer.from('SEALED:'))) throw new Error('bad blob');
      return { result: Buffer.from(b.subarray(7)).reverse().toString('utf8') };
    },
    getSelectedStorageBackend: () => backend,
  };
  return s;
}

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});
const vaultPath = () => {
  dir = mkdtempSync(join(tmpdir(), 'braid-vault-'));
  return join(dir, 'venue-credentials.json');
};

describe('the credential vault', () => {
  it('stores credentials sealed, reads them back, and lists only venue names', async () => {
    const path = vaultPath();
    const storage = stubStorage();
    const vault = createCredentialVault({ path, safeStorage: storage, platform: 'linux' });
    const creds = { apiKey: 'key-abc-123', apiSecret: 'c2VjcmV0LXZhbHVl' };
    expect(await vault.set('kraken', creds)).toEqual({ ok: true, value: null });
    expect(storage.sealed).toBe(1);
    const onDisk = readFileSync(path, 'utf8');
    expect(onDisk).not.toContain('key-abc-123');
    expect(onDisk).not.toContain('c2VjcmV0LXZhbHVl');
    expect(vault.venues()).toEqual(['kraken']);
    // A new vault on the same file (an app restart) reads them back.
    const again = createCredentialVault({ path, safeStorage: storage, platform: 'linux' });
    expect(await again.get('kraken')).toEqual({ ok: true, value: creds });
    expect(await again.get('hyperliquid')).toEqual({ ok: true, value: null });
    expect(again.remove('kraken').ok).toBe(true);
    expect(again.venues()).toEqual([]);
  });

  it("refuses Linux's basic_text backend and a system without secure storage, storing nothing", async () => {
    const path = vaultPath();
    const plain = createCredentialVault({ path, safeStorage: stubStorage('basic_text'), platform: 'linux' });
    const r = await plain.set('kraken', { apiKey: 'k', apiSecret: 's' });
    expect(r.ok ? null : r.error.code).toBe('no_secure_storage');
    expect(r.ok ? '' : r.error.message).toMatch(/keyring/);
    expect(plain.venues()).toEqual([]);
    const none = createCredentialVault({
      path,
      safeStorage: stubStorage('unknown', false),
      platform: 'darwin',
    });
    const n = await none.set('kraken', { apiKey: 'k', apiSecret: 's' });
    expect(n.ok ? null : n.error.code).toBe('no_secure_storage');
  });

  it('a blob it cannot open is an error that asks for the credentials again, not a crash', async () => {
    const path = vaultPath();
    const storage = stubStorage();
    const vault = createCredentialVault({ path, safeStorage: storage, platform: 'linux' });
    await vault.set('kraken', { apiKey: 'k', apiSecret: 's' });
    const other = createCredentialVault({
      path,
      safeStorage: { ...storage, decryptStringAsync: async () => ({ result: 'not json' }) },
      platform: 'linux',
    });
    const r = await other.get('kraken');
    expect(r.ok ? null : r.error.code).toBe('credentials_unreadable');
  });
});

describe("the vault at the app's start", () => {
  it("gives the engine every stored venue under the names it reads, Hyperliquid's as account and key", async () => {
    const env = await credentialEnv({
      get: async (venue) =>
        venue === 'kraken'
          ? ok({ apiKey: 'K-KEY', apiSecret: 'K-SECRET' })
          : ok({ apiKey: '0xabc', apiSecret: '0xprivate' }),
    });
    expect(env).toEqual({
      env: {
        BRAID_KRAKEN_API_KEY: 'K-KEY',
        BRAID_KRAKEN_API_SECRET: 'K-SECRET',
        BRAID_HYPERLIQUID_ACCOUNT: '0xabc',
        BRAID_HYPERLIQUID_PRIVATE_KEY: '0xprivate',
      },
      problems: [],
    });
  });

  it('leaves out a venue with none stored, and says which one it cannot read without its values', async () => {
    const env = await credentialEnv({
      get: async (venue) =>
        venue === 'kraken' ? ok(null) : err('vault_unreadable', 'the vault cannot be decrypted'),
    });
    expect(env).toEqual({
      env: {},
      problems: ['hyperliquid credentials: the vault cannot be decrypted'],
    });
  });
});
