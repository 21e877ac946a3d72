// Manual order ticket: the operator's own plan. Left blank, the quantity is sized by the risk rule.
import { type FormEvent, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { dec } from '../../../../shared/domain/decimal.ts';
import { command } from '../../store/actions.ts';
import { pushToast, useTerminal } from '../../store/store.ts';
import { Panel } from '../shell/Panel.tsx';

type EntryType = 'market' | 'limit' | 'stop';

const blankToUndefined = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

/** The ticket takes a trail in percent; the contract wants a fraction (2 -> 0.02). */
function trailFraction(percent: string): string | undefined {
  const v = blankToUndefined(percent);
  if (v === undefined) return undefined;
  try {
    return dec(v).div(100).toString();
  } catch {
    return v;
  }
}

export function OrderTicket() {
  const symbols = useTerminal(useShallow((s) => Object.keys(s.lastPrices).sort()));
  const [symbol, setSymbol] = useState('');
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [type, setType] = useState<EntryType>('market');
  const [price, setPrice] = useState('');
  const [quantity, setQuantity] = useState('');
  const [stopLoss, setStopLoss] = useState('');
  const [takeProfit, setTakeProfit] = useState('');
  const [trail, setTrail] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const last = useTerminal((s) => s.lastPrices[symbol.trim().toUpperCase()]);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setSending(true);
    const entryPrice = type === 'market' ? undefined : blankToUndefined(price);
    const result = await command('submitPlan', {
      plan: {
        symbol: symbol.trim().toUpperCase(),
        side,
        entry: entryPrice === undefined ? { type } : { type, price: entryPrice },
        quantity: blankToUndefined(quantity),
        stopLoss: blankToUndefined(stopLoss),
        takeProfit: blankToUndefined(takeProfit),
        trailPct: trailFraction(trail),
      },
    });
    setSending(false);
    if (result.ok) {
      pushToast(
        'info',
        'plan_submitted',
        `${side.toUpperCase()} ${symbol.toUpperCase()}: plan ${result.value.planId} sent`,
      );
      setPrice('');
      setQuantity('');
      setStopLoss('');
      setTakeProfit('');
      setTrail('');
    } else setError(result.error.message);
  };

  return (
    <Panel
      title="Order ticket"
      className="ticket"
      meta={last ? <span className="num">last {last}</span> : undefined}
    >
      <form className="ticket-form" onSubmit={(e) => void submit(e)} aria-label="Order ticket">
        <label className="field wide">
          <span>Symbol</span>
          <input
            list="ticket-symbols"
            value={symbol}
            onChange={(e) => setSymbol(e.target.value)}
            placeholder="AAPL"
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id="ticket-symbols">
            {symbols.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <div className="field">
          <span>Side</span>
          <fieldset className="segmented" aria-label="Side">
            {(['buy', 'sell'] as const).map((value) => (
              <label key={value} className={side === value ? `on ${value}` : ''}>
                <input
                  type="radio"
                  name="ticket-side"
                  value={value}
                  checked={side === value}
                  onChange={() => setSide(value)}
                />
                {value === 'buy' ? 'Buy' : 'Sell'}
              </label>
            ))}
          </fieldset>
        </div>
        <label className="field">
          <span>Entry</span>
          <select value={type} onChange={(e) => setType(e.target.value as EntryType)}>
            <option value="market">Market</option>
            <option value="limit">Limit</option>
            <option value="stop">Stop</option>
          </select>
        </label>
        <DecimalField
          label="Price"
          value={type === 'market' ? '' : price}
          disabled={type === 'market'}
          placeholder={type === 'market' ? 'MKT' : ''}
          onChange={setPrice}
        />
        <DecimalField label="Qty" value={quantity} placeholder="auto" onChange={setQuantity} />
        <DecimalField label="Trail %" value={trail} placeholder="off" onChange={setTrail} />
        <DecimalField label="Stop loss" value={stopLoss} onChange={setStopLoss} />
        <DecimalField label="Take profit" value={takeProfit} onChange={setTakeProfit} />
        {error !== null && (
          <p className="form-error wide" role="alert">
            {error}
          </p>
        )}
        <button
          type="submit"
          className={`btn wide submit ${side}`}
          disabled={sending || symbol.trim() === ''}
        >
          {side === 'buy' ? 'Send buy plan' : 'Send sell plan'}
        </button>
      </form>
    </Panel>
  );
}

/** A labelled decimal input of the ticket (the text is validated when the plan is sent). */
function DecimalField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  disabled?: boolean;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        inputMode="decimal"
        value={props.value}
        disabled={props.disabled}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}
