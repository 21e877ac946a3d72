// Whether trading buttons (Approve, the ticket's send, Close, Cancel ...) may act now, and why not.
//
//   useTradingBlock()   { blocked, why }: blocked while the engine link is down or not yet up, or while
//                       the trading state is HALTED; `why` is the sentence to show beside the button
//   tradingBlock(...)   the same as a pure function (tests, non-React code)
//   TradingBlock        the result type
//
// Kill switch and Resume trading are never blocked by HALTED (they are how one enters and leaves it).
import { useMemo } from 'react';
import type { TradingState } from '../../../shared/domain/portfolio.ts';
import { type ConnectionStatus, DISCONNECTED_TEXT, useConnection } from './connection.ts';
import { useTerminal } from './store.ts';

export interface TradingBlock {
  blocked: boolean;
  why: string | null;
}

export const HALTED_TEXT = 'Trading is HALTED: press Resume trading first';
export const CONNECTING_TEXT = 'Connecting to the engine\u2026';

const OPEN: TradingBlock = { blocked: false, why: null };
const BLOCKED_DISCONNECTED: TradingBlock = { blocked: true, why: DISCONNECTED_TEXT };
const BLOCKED_CONNECTING: TradingBlock = { blocked: true, why: CONNECTING_TEXT };
const BLOCKED_HALTED: TradingBlock = { blocked: true, why: HALTED_TEXT };

/** Pure; returns one of four shared objects, so a component comparing results re-renders only on change. */
export function tradingBlock(connection: ConnectionStatus, tradingState: TradingState): TradingBlock {
  if (connection === 'reconnecting') return BLOCKED_DISCONNECTED;
  if (connection === 'connecting') return BLOCKED_CONNECTING;
  if (tradingState === 'HALTED') return BLOCKED_HALTED;
  return OPEN;
}

export function useTradingBlock(): TradingBlock {
  const connection = useConnection((s) => s.status);
  const state = useTerminal((s) => s.tradingState);
  return useMemo(() => tradingBlock(connection, state), [connection, state]);
}
