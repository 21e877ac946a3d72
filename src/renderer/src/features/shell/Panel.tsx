// A titled region of the terminal. The title is the region's accessible name (tests and screen readers
// find "Positions", "Approval queue" ... by it). Every panel can be collapsed to its header (remembered in
// the layout settings) and says so itself when the engine link is down: what it shows is stale.
import { type ReactNode, useId } from 'react';
import { DISCONNECTED_TEXT, useConnection } from '../../store/connection.ts';
import { setPanelCollapsed, useSettings } from '../../store/settings.ts';

export function Panel(props: {
  title: string;
  meta?: ReactNode;
  tools?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  const { title } = props;
  const bodyId = useId();
  const collapsed = useSettings((s) => s.layout.collapsed[title] === true);
  const stale = useConnection((s) => s.status === 'reconnecting');
  const classes = ['panel', props.className, collapsed && 'collapsed', stale && 'stale'].filter(Boolean);
  return (
    <section aria-label={title} className={classes.join(' ')}>
      <header className="panel-head">
        <button
          type="button"
          className="panel-toggle"
          aria-expanded={!collapsed}
          aria-controls={bodyId}
          aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${title}`}
          title={collapsed ? 'Show this panel' : 'Fold this panel to its title'}
          onClick={() => setPanelCollapsed(title, !collapsed)}
        >
          <span aria-hidden="true">{collapsed ? '\u25b8' : '\u25be'}</span>
        </button>
        <h2>{title}</h2>
        {props.meta !== undefined && <span className="panel-meta">{props.meta}</span>}
        {props.tools !== undefined && !collapsed && <div className="panel-tools">{props.tools}</div>}
      </header>
      {stale && !collapsed && <div className="panel-stale">{DISCONNECTED_TEXT}: figures below are stale</div>}
      <div className="panel-body" id={bodyId} hidden={collapsed}>
        {props.children}
      </div>
    </section>
  );
}
