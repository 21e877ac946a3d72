// Manual order ticket: the operator's own plan. Before anything is sent it shows what the engine would do
// with it (size, notional, risk: previewPlan, asked as the trader types) and checks the fields inline.
// A typed ticket goes to the venue at once, unless "confirm my own tickets" is on (then it waits in the
// approval queue). Left blank, the quantity is sized by the risk rule.
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PlanPreview } from '../../../../shared/contract.ts';
import { dec } from '../../../../shared/domain/decimal.ts';
import { invoke } from '../../api/client.ts';
import { plainError, plainProblem } from '../../lib/errors.ts';
import * as fmt from '../../lib/format.ts';
import { knownSymbols, lotOf, planLabelNow, tickOf } from '../../lib/view-hooks.ts';
import { command } from '../../store/actions.ts';
import { useSettings } from '../../store/settings.ts';
import { pushToast, useTerminal } from '../../store/store.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { Panel } from '../shell/Panel.tsx';
import {
  checkTicket,
  EMPTY_TICKET,
  type EntryType,
  type TicketField,
  type TicketFields,
  type TicketPlan,
  type TicketProblems,
  ticketFieldOf,
} from './ticket-checks.ts';
import './ticket.css';

/** How long typing pauses before the engine is asked for a preview. */
export const PREVIEW_DEBOUNCE_MS = 250;

interface PreviewState {
  /** The plan (as JSON) the answer is for. */
  key: string;
  preview: PlanPreview | null;
  error: string | null;
}

/** A market ticket is sized at the last price: while prices move it is asked again at most this often. */
export const PREVIEW_REFRESH_MS = 1000;

/** The engine's preview of `plan`, asked once typing pauses; stale answers are dropped. */
function usePlanPreview(plan: TicketPlan | null): PreviewState | null {
  const key = plan === null ? '' : JSON.stringify(plan);
  const [state, setState] = useState<PreviewState | null>(null);
  const seq = useRef(0);
  const loaded = useTerminal((s) => s.loaded);
  const symbol = plan?.entry.type === 'market' ? plan.symbol : null;
  const marketLast = useTerminal((s) => (symbol === null ? undefined : s.lastPrices[symbol]));
  // `key` stands for the plan (same key, same plan): the effects read the plan through a ref.
  const planRef = useRef(plan);
  planRef.current = plan;

  const ask = useCallback((forKey: string): void => {
    const plan = planRef.current;
    if (plan === null || forKey === '') return;
    const mine = ++seq.current;
    void invoke('previewPlan', { plan }).then((r) => {
      if (mine !== seq.current) return;
      setState(
        r.ok
          ? { key: forKey, preview: r.value, error: null }
          : { key: forKey, preview: null, error: plainError(r.error) },
      );
    });
  }, []);

  // Typing: ask once the fields have been still for PREVIEW_DEBOUNCE_MS.
  useEffect(() => {
    seq.current += 1; // an answer still on its way is for other fields
    if (key === '' || !loaded) return;
    const timer = setTimeout(() => ask(key), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, loaded, ask]);

  // Prices moving: a market ticket is re-sized, throttled (a timer that new prices do not push back).
  const refresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  const keyRef = useRef(key);
  keyRef.current = key;
  useEffect(() => {
    if (marketLast === undefined || refresh.current !== null) return;
    refresh.current = setTimeout(() => {
      refresh.current = null;
      ask(keyRef.current);
    }, PREVIEW_REFRESH_MS);
  }, [marketLast, ask]);
  useEffect(
    () => () => {
      if (refresh.current !== null) clearTimeout(refresh.current);
    },
    [],
  );

  return state !== null && state.key === key && plan !== null ? state : null;
}

/** Engine problems by ticket field, leaving out fields the inline checks already flag. */
function engineProblems(preview: PreviewState | null, local: TicketProblems): TicketProblems {
  const out: TicketProblems = {};
  if (preview === null) return out;
  if (preview.error !== null) {
    out.plan = preview.error;
    return out;
  }
  for (const p of preview.preview?.problems ?? []) {
    const field = ticketFieldOf(p.field);
    if (local[field] !== undefined || out[field] !== undefined) continue;
    out[field] = plainProblem(p);
  }
  return out;
}

function riskPct(risk: string | null | undefined, equity: string | undefined): string | null {
  if (risk == null || equity === undefined) return null;
  try {
    const e = dec(equity);
    return e.lte(0) ? null : dec(risk).div(e).times(100).toString();
  } catch {
    return null;
  }
}

export function OrderTicket() {
  const [fields, setFields] = useState<TicketFields>(EMPTY_TICKET);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<TicketFields>): void => {
    setFields((f) => ({ ...f, ...patch }));
    setError(null);
  };

  const symbols = useTerminal(useShallow(knownSymbols));
  const loaded = useTerminal((s) => s.loaded);
  const known = useMemo(() => (loaded ? new Set(symbols) : null), [loaded, symbols]);
  const symbol = fields.symbol.trim().toUpperCase();
  const last = useTerminal((s) => s.lastPrices[symbol]);
  const tick = useTerminal((s) => tickOf(s, symbol));
  const lot = useTerminal((s) => lotOf(s, symbol));
  const equity = useTerminal((s) => s.account?.equity);
  const review = useSettings((s) => s.confirmOwnTickets);
  const block = useTradingBlock();

  const check = useMemo(
    () => checkTicket(fields, { known, last, tick, lot }),
    [fields, known, last, tick, lot],
  );
  const previewState = usePlanPreview(check.plan);
  // While blocked the reason stands under Send already: a failed preview would only repeat it.
  const fromEngine = block.blocked ? {} : engineProblems(previewState, check.problems);
  const problems: TicketProblems = { ...fromEngine, ...check.problems };
  const preview = previewState?.preview ?? null;
  const hasProblems = Object.keys(problems).length > 0;

  const why = block.blocked
    ? block.why
    : symbol === ''
      ? 'Enter a symbol'
      : hasProblems
        ? 'Fix the fields marked above'
        : null;
  const canSend = !sending && why === null && check.plan !== null;

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!canSend || check.plan === null) return;
    setError(null);
    setSending(true);
    const plan = check.plan;
    const result = await command('submitPlan', review ? { plan, review: true } : { plan });
    setSending(false);
    if (result.ok) {
      pushToast(
        'info',
        'plan_submitted',
        `${plan.side.toUpperCase()} ${plan.symbol}: ${
          review ? 'waiting in the approval queue' : 'sent to the venue'
        } (plan ${planLabelNow(useTerminal.getState(), result.value.planId)})`,
      );
      set({ price: '', quantity: '', stopLoss: '', takeProfit: '', trail: '' });
    } else setError(plainError(result.error));
  };

  const pctOfEquity = riskPct(preview?.risk, equity);
  return (
    <Panel
      title="Order ticket"
      className="ticket"
      meta={last ? <span className="num">last {fmt.price(last, tick)}</span> : undefined}
    >
      <form className="ticket-form" onSubmit={(e) => void submit(e)} aria-label="Order ticket" noValidate>
        <div className="field wide">
          <label htmlFor="ticket-symbol">
            <span>Symbol</span>
          </label>
          <input
            id="ticket-symbol"
            list="ticket-symbols"
            value={fields.symbol}
            onChange={(e) => set({ symbol: e.target.value })}
            placeholder="AAPL"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problems.symbol !== undefined}
            aria-describedby={problems.symbol !== undefined ? 'ticket-symbol-problem' : undefined}
          />
          <datalist id="ticket-symbols">
            {symbols.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
          <FieldProblem id="ticket-symbol-problem" text={problems.symbol} />
        </div>
        <div className="field">
          <span>Side</span>
          <fieldset className="segmented" aria-label="Side">
            {(['buy', 'sell'] as const).map((value) => (
              <label key={value} className={fields.side === value ? `on ${value}` : ''}>
                <input
                  type="radio"
                  name="ticket-side"
                  value={value}
                  checked={fields.side === value}
                  onChange={() => set({ side: value })}
                />
                {value === 'buy' ? 'Buy' : 'Sell'}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="field">
          <label htmlFor="ticket-entry">
            <span>Entry</span>
          </label>
          <select
            id="ticket-entry"
            value={fields.type}
            onChange={(e) => set({ type: e.target.value as EntryType })}
          >
            <option value="market">Market</option>
            <option value="limit">Limit</option>
            <option value="stop">Stop</option>
          </select>
        </div>
        <DecimalField
          label="Price"
          field="price"
          value={fields.type === 'market' ? '' : fields.price}
          disabled={fields.type === 'market'}
          placeholder={fields.type === 'market' ? 'MKT' : ''}
          problem={problems.price}
          onChange={(price) => set({ price })}
        />
        <DecimalField
          label="Qty"
          field="quantity"
          value={fields.quantity}
          placeholder="auto"
          problem={problems.quantity}
          onChange={(quantity) => set({ quantity })}
        />
        <DecimalField
          label="Trail %"
          field="trail"
          value={fields.trail}
          placeholder="off"
          problem={problems.trail}
          onChange={(trail) => set({ trail })}
        />
        <DecimalField
          label="Stop loss"
          field="stopLoss"
          value={fields.stopLoss}
          problem={problems.stopLoss}
          onChange={(stopLoss) => set({ stopLoss })}
        />
        <DecimalField
          label="Take profit"
          field="takeProfit"
          value={fields.takeProfit}
          problem={problems.takeProfit}
          onChange={(takeProfit) => set({ takeProfit })}
        />
        <output className="ticket-preview wide" aria-label="Ticket preview" htmlFor="ticket-symbol">
          <span className="label">Size</span>
          <span className="num value" data-preview="size">
            {fmt.qty(preview?.quantity)}
          </span>
          <span className="label">Notional</span>
          <span className="num value" data-preview="notional">
            {fmt.money(preview?.notional)}
          </span>
          <span className="label">Risk</span>
          <span className="num value" data-preview="risk">
            {fmt.money(preview?.risk)}
            {pctOfEquity !== null && <span className="dim"> ({fmt.pct(pctOfEquity)} of equity)</span>}
          </span>
        </output>
        {problems.plan !== undefined && (
          <p className="form-error wide" role="alert">
            {problems.plan}
          </p>
        )}
        {error !== null && (
          <p className="form-error wide" role="alert">
            {error}
          </p>
        )}
        <button
          type="submit"
          className={`btn wide submit ${fields.side}`}
          disabled={!canSend}
          aria-describedby={why !== null ? 'ticket-why' : undefined}
        >
          {fields.side === 'buy' ? 'Send buy plan' : 'Send sell plan'}
        </button>
        <p id="ticket-why" className={`ticket-why wide${block.blocked ? ' blocked' : ''}`}>
          {why ??
            (review
              ? 'Confirm my own tickets is on: the plan waits in the approval queue'
              : 'Goes to the venue at once')}
        </p>
      </form>
    </Panel>
  );
}

function FieldProblem(props: { id: string; text: string | undefined }) {
  if (props.text === undefined) return null;
  return (
    <em id={props.id} className="field-problem">
      {props.text}
    </em>
  );
}

/** A labelled decimal input of the ticket, with its problem (if any) under it. */
function DecimalField(props: {
  label: string;
  field: TicketField;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  disabled?: boolean;
  problem: string | undefined;
}) {
  const id = `ticket-${props.field}`;
  const problemId = `${id}-problem`;
  return (
    <div className="field">
      <label htmlFor={id}>
        <span>{props.label}</span>
      </label>
      <input
        id={id}
        inputMode="decimal"
        autoComplete="off"
        value={props.value}
        disabled={props.disabled}
        placeholder={props.placeholder}
        aria-invalid={props.problem !== undefined}
        aria-describedby={props.problem !== undefined ? problemId : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <FieldProblem id={problemId} text={props.problem} />
    </div>
  );
}
