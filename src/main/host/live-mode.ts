// PAPER / LIVE mode behind a PIN. The app always starts in PAPER; arming LIVE needs the PIN, and repeated
// wrong PINs lock arming for a while (a PIN of 4 digits is guessable otherwise).
import { err, ok, type Result } from '../../shared/result.ts';
import { hashPin, verifyPin } from './pin.ts';

export const PIN_SETTING = 'host.pinHash';
const MAX_FAILURES = 5;
const LOCKOUT_MS = 60_000;

export interface Settings {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface LiveMode {
  mode(): 'PAPER' | 'LIVE';
  pinSet(): boolean;
  setPin(pin: string, currentPin: string | undefined): Promise<Result<null>>;
  arm(pin: string): Promise<Result<null>>;
  disarm(): Result<null>;
}

/** `wallNow` is the wall clock: a lockout lasts real seconds, whatever the engine's replay time. */
export function createLiveMode(settings: Settings, wallNow: () => number): LiveMode {
  let mode: 'PAPER' | 'LIVE' = 'PAPER';
  let failures = 0;
  let lockedUntil = 0;

  const stored = () => settings.get(PIN_SETTING);

  const check = async (pin: string): Promise<Result<null>> => {
    const hash = stored();
    if (hash === undefined) return err('pin_not_set', 'Set a PIN before arming LIVE mode.');
    const now = wallNow();
    if (now < lockedUntil) {
      return err(
        'pin_locked',
        `Too many wrong PINs: try again in ${Math.ceil((lockedUntil - now) / 1000)} s.`,
      );
    }
    if (await verifyPin(pin, hash)) {
      failures = 0;
      return ok(null);
    }
    failures += 1;
    if (failures >= MAX_FAILURES) {
      failures = 0;
      lockedUntil = now + LOCKOUT_MS;
    }
    return err('wrong_pin', 'Wrong PIN.');
  };

  return {
    mode: () => mode,
    pinSet: () => stored() !== undefined,
    async setPin(pin, currentPin) {
      if (stored() !== undefined) {
        if (currentPin === undefined) return err('pin_required', 'Changing the PIN needs the current PIN.');
        const verified = await check(currentPin);
        if (!verified.ok) return verified;
      }
      settings.set(PIN_SETTING, await hashPin(pin));
      return ok(null);
    },
    async arm(pin) {
      const verified = await check(pin);
      if (!verified.ok) return verified;
      mode = 'LIVE';
      return ok(null);
    },
    disarm() {
      mode = 'PAPER';
      return ok(null);
    },
  };
}
