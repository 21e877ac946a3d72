// Engine notices and refused commands, newest at the bottom; each fades after a few seconds.
import { useEffect } from 'react';
import * as fmt from '../../lib/format.ts';
import type { Toast } from '../../store/state.ts';
import { dismissToast, useTerminal } from '../../store/store.ts';

const VISIBLE = 4;
const LIFETIME_MS = { info: 5_000, warning: 8_000, error: 12_000 } as const;

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const timer = setTimeout(() => dismissToast(toast.seq), LIFETIME_MS[toast.level]);
    return () => clearTimeout(timer);
  }, [toast.seq, toast.level]);
  return (
    <div className={`toast ${toast.level}`} role={toast.level === 'error' ? 'alert' : 'status'}>
      <div className="toast-head">
        <span className="toast-code">{toast.code}</span>
        {toast.time !== null && <span className="dim num">{fmt.clock(toast.time)}</span>}
        <button
          type="button"
          className="toast-close"
          aria-label="Dismiss"
          onClick={() => dismissToast(toast.seq)}
        >
          ×
        </button>
      </div>
      <div className="toast-body">{toast.message}</div>
    </div>
  );
}

export function Toasts() {
  const toasts = useTerminal((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.slice(-VISIBLE).map((t) => (
        <ToastItem key={t.seq} toast={t} />
      ))}
    </div>
  );
}
