// The engine's parts, as each module sees the others. The facade (engine.ts) builds them once; a module
// reaches another only through here, at call time, so the order they are built in does not matter.
import type { BraidConfig } from '../../shared/domain/config.ts';
import type { Clock } from './clock.ts';
import type { Brackets } from './contingency/brackets.ts';
import type { HeldExits } from './contingency/held-exits.ts';
import type { Trailing } from './contingency/trailing.ts';
import type { CuratorWeightBook } from './curators/weights.ts';
import type { EventSink } from './events.ts';
import type { LearningBook } from './learning/learning-book.ts';
import type { OrderRouter } from './orders/order-router.ts';
import type { PlanLifecycle } from './plans/lifecycle.ts';
import type { PlanBook } from './plans/plan-book.ts';
import type { FillBooking } from './portfolio/fill-booking.ts';
import type { Portfolio } from './portfolio/portfolio.ts';
import type { RiskGate } from './risk/risk-gate.ts';
import type { Store } from './store/store.ts';
import type { Views } from './views/snapshot.ts';

export interface EngineParts {
  readonly config: BraidConfig;
  readonly clock: Clock;
  readonly events: EventSink;
  readonly store: Store;
  readonly portfolio: Portfolio;
  readonly plans: PlanBook;
  readonly gate: RiskGate;
  readonly router: OrderRouter;
  readonly lifecycle: PlanLifecycle;
  readonly booking: FillBooking;
  readonly brackets: Brackets;
  readonly heldExits: HeldExits;
  readonly trailing: Trailing;
  readonly views: Views;
  /** The learning loop; null without a `learning` config (nothing measured, nothing journaled). */
  readonly learning: LearningBook | null;
  /** The curators' weights: from the config, moved only by lessons (each move logged). */
  readonly curators: CuratorWeightBook;
  /** Symbols with market data or configured. */
  readonly symbols: Set<string>;
  /** Moves engine time to `now`; a new exchange day fixes the day's starting equity. */
  advance(now: number): void;
}
