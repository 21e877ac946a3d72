// The trade history as pages from the engine (command tradeHistory): the engine filters and sorts every
// closed trade it has, journal included, and the grid asks only for the pages its visible rows fall in.
// A newly closed trade or a late fee's correction asks again for the pages on hand; a late answer to an
// older question (another filter, sort or history) is dropped, so rows never mix two questions.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TradeRecord } from '../../../../shared/domain/portfolio.ts';
import { invoke } from '../../api/client.ts';
import { plainError } from '../../lib/errors.ts';
import { useTerminal } from '../../store/store.ts';
import type { SortState } from '../blotter/sorting.ts';
import type { HistoryFilter } from './filters.ts';
import { PAGE_SIZE, pageArgs } from './page-args.ts';

/** Pages kept on hand (the farthest from the last one asked for go first). */
const PAGES_KEPT = 8;

export interface TradePages {
  /** Trades the filter keeps; null until the engine first answers. */
  total: number | null;
  /** Every symbol with a closed trade (the symbol filter's choices). */
  symbols: readonly string[];
  /** The trade at a display position (0-based), or undefined while its page is on its way. */
  at(position: number): TradeRecord | undefined;
  /** Asks for the page of a display position (a drawn row without its trade). */
  want(position: number): void;
  /** Why the engine refused the last question, in plain words. */
  error: string | null;
}

interface Answer {
  question: string;
  total: number | null;
  symbols: readonly string[];
  pages: ReadonlyMap<number, readonly TradeRecord[]>;
  error: string | null;
}

const NONE: Answer = { question: '', total: null, symbols: [], pages: new Map(), error: null };

export function useTradePages(filter: HistoryFilter, sort: SortState): TradePages {
  // Any trade event (a close, a correction) or a fresh snapshot replaces this array: ask again.
  const trades = useTerminal((s) => s.trades);
  const loaded = useTerminal((s) => s.loaded);
  const [answer, setAnswer] = useState<Answer>(NONE);
  const question = JSON.stringify(pageArgs(filter, sort, 0));
  // Bumped at every new question or history: answers to an older generation are dropped.
  const generation = useRef(0);
  /** Pages asked for in this generation and not answered yet. */
  const asked = useRef(new Set<number>());
  const onHand = useRef(answer);
  onHand.current = answer;
  const current = useRef({ filter, sort });
  current.current = { filter, sort };

  const fetchPage = useCallback(async (page: number) => {
    const { filter: f, sort: s } = current.current;
    return invoke('tradeHistory', pageArgs(f, s, page));
  }, []);

  useEffect(() => {
    if (!loaded) return;
    void trades; // a dependency on purpose: the history changed, the pages on hand are asked again
    const mine = ++generation.current;
    asked.current = new Set();
    const same = onHand.current.question === question;
    const pages = same ? [...onHand.current.pages.keys()] : [];
    if (!pages.includes(0)) pages.unshift(0);
    void Promise.all(pages.map(fetchPage)).then((results) => {
      if (mine !== generation.current) return;
      const refused = results.find((r) => !r.ok);
      if (refused && !refused.ok) {
        setAnswer((prev) => ({ ...prev, error: plainError(refused.error) }));
        return;
      }
      const fresh = new Map<number, readonly TradeRecord[]>();
      let total = 0;
      let symbols: readonly string[] = [];
      results.forEach((r, i) => {
        if (!r.ok) return;
        fresh.set(pages[i]!, r.value.trades);
        total = r.value.total;
        symbols = r.value.symbols;
      });
      setAnswer({ question, total, symbols, pages: fresh, error: null });
    });
  }, [loaded, trades, question, fetchPage]);

  const want = useCallback(
    (position: number) => {
      const page = Math.floor(position / PAGE_SIZE);
      if (onHand.current.pages.has(page) || asked.current.has(page)) return;
      const mine = generation.current;
      asked.current.add(page);
      void fetchPage(page).then((r) => {
        if (mine !== generation.current) return;
        asked.current.delete(page);
        setAnswer((prev) => {
          if (!r.ok) return { ...prev, error: plainError(r.error) };
          const pages = new Map(prev.pages);
          pages.set(page, r.value.trades);
          // Bounded: the pages farthest from this one are let go (asked again if scrolled back to).
          const far = [...pages.keys()].sort((a, b) => Math.abs(b - page) - Math.abs(a - page));
          for (const p of far.slice(0, Math.max(0, pages.size - PAGES_KEPT))) pages.delete(p);
          return { ...prev, pages, total: r.value.total, symbols: r.value.symbols, error: null };
        });
      });
    },
    [fetchPage],
  );

  return useMemo(
    () => ({
      total: answer.total,
      symbols: answer.symbols,
      at: (position: number) => answer.pages.get(Math.floor(position / PAGE_SIZE))?.[position % PAGE_SIZE],
      want,
      error: answer.error,
    }),
    [answer, want],
  );
}
