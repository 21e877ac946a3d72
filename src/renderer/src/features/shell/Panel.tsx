// A titled region of the terminal. The title is the region's accessible name (tests and screen readers
// find "Positions", "Approval queue" ... by it).
import type { ReactNode } from 'react';

export function Panel(props: {
  title: string;
  meta?: ReactNode;
  tools?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section aria-label={props.title} className={`panel ${props.className ?? ''}`}>
      <header className="panel-head">
        <h2>{props.title}</h2>
        {props.meta !== undefined && <span className="panel-meta">{props.meta}</span>}
        {props.tools !== undefined && <div className="panel-tools">{props.tools}</div>}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
