// Venue credentials in the desktop app (venues.md "Credentials"): encrypted with Electron's safeStorage
// (its asynchronous API) into one file in the user-data folder. Never in SQLite, never in a log, never
// sent to the renderer: the renderer only learns whether a venue's credentials are set. On Linux the
// `basic_text` backend (a hard-coded key: no protection at all) is refused, with a message that says so.
// safeStorage comes in as an interface, so this module runs (and is tested) without Electron.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { err, ok, type Result } from '../shared/result.ts';

/** The part of Electron's safeStorage the vault uses. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt?: boolean }>;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?(): string;
}

export interface VenueCredentials {
  apiKey: string;
  apiSecret: string;
}

export interface CredentialVault {
  /** Which venues have credentials stored (what the Venues panel may know). */
  venues(): string[];
  set(venue: string, credentials: VenueCredentials): Promise<Result<null>>;
  get(venue: string): Promise<Result<VenueCredentials | null>>;
  remove(venue: string): Result<null>;
}

type VaultFile = Record<string, string>;

export function createCredentialVault(options: {
  path: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
}): CredentialVault {
  const { path, safeStorage } = options;
  const platform = options.platform ?? process.platform;

  const read = (): VaultFile => {
    if (!existsSync(path)) return {};
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      const out: VaultFile = {};
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch {
      return {};
    }
  };
  const write = (file: VaultFile): void => {
    // Written whole to a side file, then renamed over: a crash never leaves half a vault.
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 });
    renameSync(tmp, path);
  };

  const usable = async (): Promise<Result<null>> => {
    if (!(await safeStorage.isAsyncEncryptionAvailable()))
      return err('no_secure_storage', 'this system offers no secure storage for credentials');
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text')
      return err(
        'no_secure_storage',
        'no keyring (GNOME Keyring or KWallet) is running: credentials would be stored with a fixed key, so Braid refuses; start a keyring, or run `braid serve` with the credentials in the environment',
      );
    return ok(null);
  };

  return {
    venues: () => Object.keys(read()).sort(),
    async set(venue, credentials) {
      const can = await usable();
      if (!can.ok) return can;
      const sealed = await safeStorage.encryptStringAsync(JSON.stringify(credentials));
      write({ ...read(), [venue]: sealed.toString('base64') });
      return ok(null);
    },
    async get(venue) {
      const sealed = read()[venue];
      if (sealed === undefined) return ok(null);
      const can = await usable();
      if (!can.ok) return can;
      try {
        const { result } = await safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'));
        const parsed = JSON.parse(result) as Partial<VenueCredentials>;
        if (typeof parsed.apiKey !== 'string' || typeof parsed.apiSecret !== 'string')
          return err(
            'credentials_unreadable',
            `the stored ${venue} credentials are not readable: enter them again`,
          );
        return ok({ apiKey: parsed.apiKey, apiSecret: parsed.apiSecret });
      } catch {
        return err(
          'credentials_unreadable',
          `the stored ${venue} credentials are not readable: enter them again`,
        );
      }
    },
    remove(venue) {
      const file = read();
      delete file[venue];
      write(file);
      return ok(null);
    },
  };
}

/** The venues whose credentials the vault holds, and the environment names the engine reads them from
 *  (venues.md "Credentials"; the Venues panel's two fields are apiKey and apiSecret whatever the venue). */
export const VAULT_ENV: ReadonlyArray<readonly [venue: string, key: string, secret: string]> = [
  ['kraken', 'BRAID_KRAKEN_API_KEY', 'BRAID_KRAKEN_API_SECRET'],
  ['hyperliquid', 'BRAID_HYPERLIQUID_ACCOUNT', 'BRAID_HYPERLIQUID_PRIVATE_KEY'],
];

/** The stored pairs as the engine host's environment at start; a venue the vault cannot read is said in
 *  `problems` (never with its values) and left out. */
export async function credentialEnv(
  vault: Pick<CredentialVault, 'get'>,
): Promise<{ env: Record<string, string>; problems: string[] }> {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const [venue, keyName, secretName] of VAULT_ENV) {
    const stored = await vault.get(venue);
    if (!stored.ok) problems.push(`${venue} credentials: ${stored.error.message}`);
    else if (stored.value) {
      env[keyName] = stored.value.apiKey;
      env[secretName] = stored.value.apiSecret;
    }
  }
  return { env, problems };
}
