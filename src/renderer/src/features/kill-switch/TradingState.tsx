// The trading state as text, always on screen: ACTIVE, REDUCING or HALTED.
import { useTerminal } from '../../store/store.ts';

export function TradingStateBadge() {
  const state = useTerminal((s) => s.tradingState);
  const reason = useTerminal((s) => s.tradingReason);
  return (
    <span
      className={`badge state-${state.toLowerCase()}`}
      role="status"
      title={reason || undefined}
      aria-label="Trading state"
    >
      {state}
    </span>
  );
}
