// What the engine learned from its own executions, and whether it helps. At the top, advised orders
// against the holdout; then either the lessons (sentence, evidence, effect, the trader's switch) or the
// execution quality per venue and order type, with its chart.
import { useState } from 'react';
import type { LearningView, LessonView } from '../../../../shared/domain/learning.ts';
import { setLessonState } from '../../store/actions.ts';
import { useTerminal } from '../../store/store.ts';
import { Panel } from '../shell/Panel.tsx';
import {
  effectText,
  evaluationView,
  evidenceText,
  lessonActions,
  QUALITY_COLUMNS,
  qualityCells,
  STATE_LABEL,
} from './lesson-view.ts';
import { QualityChart } from './QualityChart.tsx';

type Tab = 'lessons' | 'quality';

export function Lessons() {
  const learning = useTerminal((s) => s.learning);
  const [tab, setTab] = useState<Tab>('lessons');
  const active = learning?.lessons.filter((l) => l.state === 'active').length ?? 0;
  return (
    <Panel
      title="Lessons"
      className="lessons"
      meta={
        learning ? (
          <span className="dim">
            {learning.enabled ? `${active} active of ${learning.lessons.length}` : 'learning off'}
          </span>
        ) : undefined
      }
    >
      {!learning ? (
        <div className="empty">
          No lessons yet. When the learning loop runs, what the engine learns from its own fills shows here,
          and you can apply or dismiss each lesson.
        </div>
      ) : (
        <div className="learning">
          <Evaluation learning={learning} />
          <div className="tabs" role="tablist" aria-label="Learning">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'lessons'}
              className={tab === 'lessons' ? 'tab on' : 'tab'}
              onClick={() => setTab('lessons')}
            >
              Lessons
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'quality'}
              className={tab === 'quality' ? 'tab on' : 'tab'}
              onClick={() => setTab('quality')}
            >
              Execution quality
            </button>
          </div>
          {tab === 'lessons' ? <LessonList lessons={learning.lessons} /> : <Quality learning={learning} />}
        </div>
      )}
    </Panel>
  );
}

function Evaluation({ learning }: { learning: LearningView }) {
  const ev = evaluationView(learning.evaluation);
  return (
    <section className={`learning-eval tone-${ev.tone}`} aria-label="Advised against holdout">
      <div className="learning-eval-head">{ev.headline}</div>
      <div className="learning-eval-detail dim">{ev.detail}</div>
      {ev.guardrailBreached && (
        <div className="banner warning" role="alert">
          A guardrail is breached: advised orders fill or mark out more than 10 % worse than the holdout.
        </div>
      )}
    </section>
  );
}

function LessonList({ lessons }: { lessons: readonly LessonView[] }) {
  if (lessons.length === 0)
    return <div className="empty">No lesson yet: a braid needs enough strands and a clear difference.</div>;
  return (
    <ul className="lesson-list">
      {lessons.map((l) => (
        <li key={l.id} className={`lesson ${l.state}`} data-lesson={l.id}>
          <div className="lesson-head">
            <span className={`tag lesson-state ${l.state}`}>{STATE_LABEL[l.state]}</span>
            <span className="lesson-text">{l.text}</span>
          </div>
          <div className="lesson-effect">{effectText(l.effect)}</div>
          <div className="lesson-evidence dim">{evidenceText(l.evidence)}</div>
          <div className="lesson-actions">
            {lessonActions(l.state).map((a) => (
              <button
                key={a.to}
                type="button"
                className="btn mini"
                title={`${a.label}: ${l.text}`}
                onClick={() => void setLessonState(l.id, a.to)}
              >
                {a.label}
              </button>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

function Quality({ learning }: { learning: LearningView }) {
  const rows = learning.quality;
  if (rows.length === 0) return <div className="empty">No finished executions yet.</div>;
  return (
    <div className="quality">
      <QualityChart rows={rows} />
      <table className="quality-table" aria-label="Execution quality by venue and order type">
        <thead>
          <tr>
            {QUALITY_COLUMNS.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.venue}|${r.orderType}`}>
              {qualityCells(r).map((cell, i) => (
                <td key={QUALITY_COLUMNS[i]} className={i >= 2 ? 'num' : undefined}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
