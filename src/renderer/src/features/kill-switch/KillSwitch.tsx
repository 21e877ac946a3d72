// Kill switch: asks first (cancel every order, flatten every position, halt). Resume trading and the
// REDUCING toggle sit next to it so the way back is where the way out was.
import { useEffect, useRef, useState } from 'react';
import { killSwitch, resumeTrading, setReducing } from '../../store/actions.ts';
import { DISCONNECTED_TEXT, useIsConnected } from '../../store/connection.ts';
import { useTerminal } from '../../store/store.ts';
import { isWorking } from '../blotter/order-status.ts';

function ConfirmKill(props: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [sending, setSending] = useState(false);
  const positions = useTerminal((s) => s.positions.ids.length);
  const working = useTerminal((s) => {
    let n = 0;
    for (const id of s.orders.ids) {
      const o = s.orders.byId[id];
      // Everything the kill cancels: pending cancels and changes, unknowns and held exits included.
      if (o && isWorking(o)) n++;
    }
    return n;
  });
  useEffect(() => {
    // StrictMode runs effects twice in development: open once.
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, []);
  const confirm = async (): Promise<void> => {
    setSending(true);
    await killSwitch();
    props.onClose();
  };
  return (
    <dialog
      ref={ref}
      className="dialog danger"
      aria-label="Confirm kill switch"
      onClose={props.onClose}
      onCancel={props.onClose}
    >
      <h3>Kill switch</h3>
      <p>
        Cancel <b className="num">{working}</b> working order{working === 1 ? '' : 's'}, flatten{' '}
        <b className="num">{positions}</b> position{positions === 1 ? '' : 's'} at market and halt trading.
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onClose}>
          Keep trading
        </button>
        <button type="button" className="btn kill" disabled={sending} onClick={() => void confirm()}>
          Confirm
        </button>
      </div>
    </dialog>
  );
}

export function KillSwitch() {
  const [asking, setAsking] = useState(false);
  const state = useTerminal((s) => s.tradingState);
  // A command cannot reach the engine while the link is down: say so instead of failing with a toast.
  const loaded = useTerminal((s) => s.loaded);
  const connected = useIsConnected();
  const ready = loaded && connected;
  const why = ready ? undefined : DISCONNECTED_TEXT;
  return (
    <div className="kill-group">
      {state === 'ACTIVE' && (
        <button
          type="button"
          className="btn"
          disabled={!ready}
          onClick={() => void setReducing(true)}
          title={why ?? 'Exits only'}
        >
          Reduce only
        </button>
      )}
      {state !== 'ACTIVE' && (
        <button
          type="button"
          className="btn resume"
          disabled={!ready}
          title={why}
          onClick={() => void resumeTrading()}
        >
          Resume trading
        </button>
      )}
      <button
        type="button"
        className="btn kill"
        disabled={!ready}
        title={why}
        onClick={() => setAsking(true)}
      >
        Kill switch
      </button>
      {asking && <ConfirmKill onClose={() => setAsking(false)} />}
    </div>
  );
}
