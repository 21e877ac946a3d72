// What the engine learned from its own executions; each lesson can be switched off.
import { setLessonState } from '../../store/actions.ts';
import { useTerminal } from '../../store/store.ts';
import { Panel } from '../shell/Panel.tsx';

export function Lessons() {
  const lessons = useTerminal((s) => s.host?.lessons ?? null);
  return (
    <Panel title="Lessons" className="lessons" meta={lessons ? <span>{lessons.length}</span> : undefined}>
      {!lessons || lessons.length === 0 ? (
        <div className="empty">
          No lessons yet. When the learning loop runs, what the engine learns from its own fills shows here,
          and you can switch each lesson on or off.
        </div>
      ) : (
        <ul className="lesson-list">
          {lessons.map((l) => (
            <li key={l.id} className={l.enabled ? '' : 'off'}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={l.enabled}
                  onChange={(e) => void setLessonState(l.id, e.target.checked)}
                />
                <span className="lesson-text">{l.text}</span>
              </label>
              <div className="lesson-evidence dim">{l.evidence}</div>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
