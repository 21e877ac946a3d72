// Events out: every state change is an event; the durable ones (plans, orders, fills, trades, trading state,
// notices) are appended to the journal as they happen, and listeners (the host, transports) see them all.
import type { EngineEvent, Notice } from '../../shared/domain/engine-view.ts';
import type { Clock } from './clock.ts';
import type { Journal } from './journal/journal.ts';
import type { Disposer } from './port.ts';

const JOURNALED: ReadonlySet<EngineEvent['type']> = new Set([
  'plan',
  'order',
  'fill',
  'trade',
  'tradingState',
  'notice',
]);

export class EventSink {
  private listeners: Array<(event: EngineEvent) => void> = [];
  private readonly journal: Journal | null;
  private readonly clock: Clock;

  constructor(journal: Journal | null, clock: Clock) {
    this.journal = journal;
    this.clock = clock;
  }

  subscribe(listener: (event: EngineEvent) => void): Disposer {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Someone listens: views (positions, account, metrics) are worth building. */
  get listening(): boolean {
    return this.listeners.length > 0;
  }

  emit(event: EngineEvent): void {
    if (this.journal && JOURNALED.has(event.type)) {
      this.journal.append(this.clock.time, event.type, refOf(event), JSON.stringify(event));
    }
    for (const l of this.listeners) l(event);
  }

  /** A record only the journal keeps (the learning loop's strands and lessons): the same append path
   *  as every event, read back on restart; listeners see the views built from them instead. */
  record(kind: string, ref: string, body: unknown): void {
    this.journal?.append(this.clock.time, kind, ref, JSON.stringify(body));
  }

  notice(level: Notice['level'], code: string, message: string, planId?: string): void {
    this.emit({
      type: 'notice',
      notice: { level, code, message, time: this.clock.time, ...(planId !== undefined ? { planId } : {}) },
    });
  }
}

function refOf(event: EngineEvent): string {
  switch (event.type) {
    case 'plan':
      return event.plan.id;
    case 'order':
      return event.order.id;
    case 'fill':
      return event.fill.id;
    case 'trade':
      return event.trade.planId;
    case 'notice':
      return event.notice.planId ?? '';
    default:
      return '';
  }
}
