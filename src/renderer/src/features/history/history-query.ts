// The engine's metrics and equity curve for the trades a history filter keeps (command queryHistory).
// Asked again whenever the filter or the closed trades change; a late answer to an older question is
// dropped, so the strip never shows the metrics of a filter no longer selected.
import { useEffect, useRef, useState } from 'react';
import type { HistoryQueryResult } from '../../../../shared/contract.ts';
import { invoke } from '../../api/client.ts';
import { plainError } from '../../lib/errors.ts';
import { useTerminal } from '../../store/store.ts';
import { type HistoryFilter, queryArgs } from './filters.ts';

export interface HistoryQueryState {
  /** The answer for the current filter (null until it arrives). */
  result: HistoryQueryResult | null;
  /** Why the last question was refused, in plain words. */
  error: string | null;
}

interface Answer extends HistoryQueryState {
  /** The filter the answer is for. */
  key: string;
}

export function useHistoryQuery(filter: HistoryFilter): HistoryQueryState {
  const trades = useTerminal((s) => s.trades);
  const loaded = useTerminal((s) => s.loaded);
  const [answer, setAnswer] = useState<Answer>({ key: '', result: null, error: null });
  const seq = useRef(0);
  const { symbol, side, outcome, reason } = filter;
  const key = `${symbol}|${side}|${outcome}|${reason}`;

  useEffect(() => {
    if (!loaded) return;
    void trades; // a dependency on purpose: a newly closed trade (or a fresh snapshot) asks again
    const mine = ++seq.current;
    void invoke('queryHistory', queryArgs({ symbol, side, outcome, reason })).then((r) => {
      if (mine !== seq.current) return;
      setAnswer((prev) =>
        r.ok
          ? { key, result: r.value, error: null }
          : { key, result: prev.key === key ? prev.result : null, error: plainError(r.error) },
      );
    });
  }, [loaded, trades, key, symbol, side, outcome, reason]);

  // Until the answer for this filter arrives, the old filter's figures are not shown.
  return answer.key === key ? answer : { result: null, error: null };
}
