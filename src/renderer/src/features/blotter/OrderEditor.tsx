// The Orders row of an order being changed: quantity and price become fields holding the current values,
// Enter sends the change (only what differs), Esc leaves the order as it was. A problem shows beside
// the field it is about, the engine's refusals included; the editor closes once the engine took it.
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { OrderRecord } from '../../../../shared/domain/order.ts';
import { plainError } from '../../lib/errors.ts';
import * as fmt from '../../lib/format.ts';
import { useLot, useTick } from '../../lib/view-hooks.ts';
import { ask } from '../../store/actions.ts';
import { useTradingBlock } from '../../store/trading-block.ts';
import { editOrder } from '../../store/ui.ts';
import { Cell } from './DataGrid.tsx';
import { checkModify, draftOf, fieldOfError, type ModifyDraft, type ModifyField } from './modify.ts';

export function OrderEditor(props: {
  order: OrderRecord;
  label: string;
  head: ReactNode;
  status: ReactNode;
  venueId: ReactNode;
}) {
  const { order: o, label } = props;
  const tick = useTick(o.symbol);
  const lot = useLot(o.symbol);
  const block = useTradingBlock();
  const [draft, setDraft] = useState<ModifyDraft>(() => draftOf(o, tick));
  const [problems, setProblems] = useState<Partial<Record<ModifyField, string>>>({});
  const [sending, setSending] = useState(false);
  const priceRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  useEffect(() => {
    priceRef.current?.focus();
    priceRef.current?.select();
  }, []);

  const close = (): void => editOrder(null);
  const send = async (): Promise<void> => {
    if (sending || block.blocked) return;
    const checked = checkModify(o, draft, tick, lot);
    if (!checked.ok) {
      setProblems(checked.problems);
      return;
    }
    setProblems({});
    if (checked.change === null) {
      close();
      return;
    }
    setSending(true);
    const result = await ask('modifyOrder', { orderId: o.id, ...checked.change });
    setSending(false);
    if (result.ok) close();
    else setProblems({ [fieldOfError(result.error.code)]: plainError(result.error) });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  };
  const field = (name: ModifyField, title: string, ref?: typeof priceRef) => (
    <input
      ref={ref}
      className={`cell-edit${problems[name] !== undefined ? ' invalid' : ''}`}
      aria-label={`${title} of ${label}`}
      aria-invalid={problems[name] !== undefined}
      aria-describedby={problems[name] !== undefined ? `${errorId}-${name}` : undefined}
      inputMode="decimal"
      autoComplete="off"
      spellCheck={false}
      value={draft[name]}
      disabled={sending}
      onChange={(e) => {
        const value = e.target.value;
        setDraft((d) => ({ ...d, [name]: value }));
        setProblems((p) => ({ ...p, [name]: undefined }));
      }}
      onKeyDown={onKeyDown}
    />
  );
  const shown = (['quantity', 'price'] as const).filter((name) => problems[name] !== undefined);
  return (
    <>
      {/* First, so the actions cell stays the row's last child (pinned); drawn just above the row. */}
      {shown.length > 0 && (
        <span className="edit-errors">
          {shown.map((name) => (
            <span key={name} id={`${errorId}-${name}`} role="alert" title={problems[name]}>
              {problems[name]}
            </span>
          ))}
        </span>
      )}
      {props.head}
      <Cell align="right" className="edit">
        {field('quantity', 'Quantity')}
      </Cell>
      <Cell align="right" className="whole">
        {fmt.qty(o.filledQuantity)}
      </Cell>
      <Cell align="right" className="edit">
        {field('price', 'Price', priceRef)}
      </Cell>
      {props.status}
      {props.venueId}
      <Cell align="center" className="actions">
        <button
          type="button"
          className="btn mini approve"
          disabled={sending || block.blocked}
          title={block.why ?? `Send the change of ${label} (Enter)`}
          onClick={() => void send()}
        >
          Send
        </button>
        <button type="button" className="btn mini" title="Leave the order as it was (Esc)" onClick={close}>
          Discard
        </button>
      </Cell>
    </>
  );
}
