// PAPER / LIVE, and in LIVE the venues that are live. Arming LIVE asks for the PIN (and sets one first
// if none exists); disarming does not.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { plainError } from '../../lib/errors.ts';
import { command } from '../../store/actions.ts';
import { useTerminal } from '../../store/store.ts';
import { liveVenuesText } from '../venues/venue-view.ts';

function ArmLiveDialog(props: { pinSet: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    // StrictMode runs effects twice in development: open once.
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, []);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    if (!props.pinSet && pin !== repeat) {
      setError('The two PINs differ');
      return;
    }
    setSending(true);
    if (!props.pinSet) {
      const set = await command('setPin', { pin });
      if (!set.ok) {
        setSending(false);
        setError(plainError(set.error));
        return;
      }
    }
    const armed = await command('armLive', { pin });
    setSending(false);
    if (armed.ok) props.onClose();
    else setError(plainError(armed.error));
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label="Arm LIVE trading"
      onClose={props.onClose}
      onCancel={props.onClose}
    >
      <form onSubmit={(e) => void submit(e)}>
        <h3>Arm LIVE trading</h3>
        <p>
          {props.pinSet
            ? 'Orders will go to real venues. Enter your PIN.'
            : 'Choose a PIN (4 to 12 digits) to protect LIVE mode.'}
        </p>
        <label className="field">
          <span>{props.pinSet ? 'PIN' : 'New PIN'}</span>
          <input
            type="password"
            inputMode="numeric"
            autoComplete="off"
            autoFocus
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </label>
        {!props.pinSet && (
          <label className="field">
            <span>Repeat PIN</span>
            <input
              type="password"
              inputMode="numeric"
              autoComplete="off"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
            />
          </label>
        )}
        {error !== null && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={props.onClose}>
            Stay in PAPER
          </button>
          <button type="submit" className="btn live" disabled={sending || pin.length === 0}>
            Arm LIVE
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** In LIVE, the venues orders go to (the host's VenueView.live), or that none is live. */
function LiveVenues() {
  const text = useTerminal((s) => liveVenuesText(s.host));
  if (text === null) return null;
  const none = text === 'no live venue';
  return (
    <span
      role="status"
      className={`live-venues${none ? ' warn' : ''}`}
      aria-label="Live venues"
      title={
        none
          ? 'LIVE is armed but no live venue is connected and reconciled: orders for one are refused'
          : 'LIVE orders go to these venues'
      }
    >
      {text}
    </span>
  );
}

export function ModeControl() {
  const mode = useTerminal((s) => s.host?.mode ?? 'PAPER');
  const pinSet = useTerminal((s) => s.host?.pinSet ?? false);
  const loaded = useTerminal((s) => s.loaded);
  const [arming, setArming] = useState(false);
  return (
    <div className="mode-group">
      <span role="status" className={`badge mode-${mode.toLowerCase()}`} aria-label="Mode">
        {mode}
      </span>
      <LiveVenues />
      {mode === 'PAPER' ? (
        <button type="button" className="btn ghost" disabled={!loaded} onClick={() => setArming(true)}>
          Arm LIVE…
        </button>
      ) : (
        <button type="button" className="btn ghost" onClick={() => void command('disarmLive', {})}>
          Back to PAPER
        </button>
      )}
      {arming && <ArmLiveDialog pinSet={pinSet} onClose={() => setArming(false)} />}
    </div>
  );
}
