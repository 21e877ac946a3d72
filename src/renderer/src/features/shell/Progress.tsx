// One progress indicator for long work: loading the first snapshot, the host's busy task, an export.
import { useTerminal } from '../../store/store.ts';
import { useUi } from '../../store/ui.ts';

export function Progress() {
  const loaded = useTerminal((s) => s.loaded);
  const busy = useTerminal((s) => s.host?.busy ?? null);
  const task = useUi((s) => s.tasks[0] ?? null);
  const label = !loaded ? 'Loading' : (busy?.task ?? task);
  if (label === null) return null;
  const progress = busy?.progress ?? null;
  const percent = progress === null ? undefined : Math.round(Math.min(1, Math.max(0, progress)) * 100);
  return (
    <div
      className={`progress${percent === undefined ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress-bar" style={percent === undefined ? undefined : { width: `${percent}%` }} />
      <span className="progress-label">{label}…</span>
    </div>
  );
}
