// Close asks first (unless the operator switched that off in the settings): how much of the position to
// close at market, the whole of it by default.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { plainError } from '../../lib/errors.ts';
import * as fmt from '../../lib/format.ts';
import { lotOf } from '../../lib/view-hooks.ts';
import { closePosition } from '../../store/actions.ts';
import { useSettings } from '../../store/settings.ts';
import { useTerminal } from '../../store/store.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { closeQuantity } from './close.ts';

/** The position whose Close was pressed (one dialog for the whole blotter). */
const useClosing = create<{ symbol: string | null }>()(() => ({ symbol: null }));

/** Close pressed on a row: ask, or close the whole position at once when confirmation is off. */
export function requestClose(symbol: string): void {
  if (useSettings.getState().confirmClose) useClosing.setState({ symbol });
  else void closePosition(symbol);
}

export function ClosePositionDialog() {
  const symbol = useClosing((s) => s.symbol);
  if (symbol === null) return null;
  return <CloseDialog key={symbol} symbol={symbol} onDone={() => useClosing.setState({ symbol: null })} />;
}

function CloseDialog(props: { symbol: string; onDone: () => void }) {
  const { symbol, onDone } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const position = useTerminal((s) => s.positions.byId[symbol]);
  const lot = useTerminal((s) => lotOf(s, symbol));
  const block = useTradingBlock();
  const [text, setText] = useState(() => position?.quantity ?? '');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    // StrictMode runs effects twice in development: open once.
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, []);
  // The position closed meanwhile (a stop, a target): nothing left to ask about.
  useEffect(() => {
    if (!position) onDone();
  }, [position, onDone]);
  if (!position) return null;

  const checked = closeQuantity(text, position.quantity, lot);
  const exitSide = position.side === 'long' ? 'Sell' : 'Buy';
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!checked.ok || block.blocked) return;
    setSending(true);
    setError(null);
    const result = await closePosition(symbol, checked.quantity);
    setSending(false);
    if (result.ok) onDone();
    else setError(plainError(result.error));
  };

  return (
    <dialog ref={ref} className="dialog" aria-label="Close position" onClose={onDone} onCancel={onDone}>
      <form onSubmit={(e) => void submit(e)}>
        <h3>Close {symbol}</h3>
        <p>
          {position.side === 'long' ? 'Long' : 'Short'} {fmt.qty(position.quantity)} {symbol}. {exitSide} at
          market:
        </p>
        <label className="field">
          <span>Quantity to close</span>
          <input
            inputMode="decimal"
            autoComplete="off"
            autoFocus
            value={text}
            aria-invalid={!checked.ok}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <p className="dim close-hint">
          {checked.ok
            ? checked.quantity === undefined
              ? 'The whole position'
              : `Part of it: ${fmt.qty(position.quantity)} open, lot ${lot}`
            : checked.problem}
        </p>
        {block.blocked && <p className="form-error">{block.why}</p>}
        {error !== null && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onDone}>
            Keep position
          </button>
          <button type="submit" className="btn kill" disabled={sending || !checked.ok || block.blocked}>
            Close at market
          </button>
        </div>
      </form>
    </dialog>
  );
}
