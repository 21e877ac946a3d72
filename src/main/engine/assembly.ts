// Builds the engine's parts and wires them to one another (the facade, engine.ts, holds the result).
import { Clock } from './clock.ts';
import { Brackets } from './contingency/brackets.ts';
import { HeldExits } from './contingency/held-exits.ts';
import { Trailing } from './contingency/trailing.ts';
import { venueWeightForLessons, weightMoveText } from './curators/lesson-weights.ts';
import { createCuratorWeights } from './curators/weights.ts';
import type { EngineOptions } from './engine.ts';
import { EventSink } from './events.ts';
import type { Journal } from './journal/journal.ts';
import { LearningBook } from './learning/learning-book.ts';
import { OrderRouter } from './orders/order-router.ts';
import { isWorking } from './orders/order-state.ts';
import { VenueReports } from './orders/venue-reports.ts';
import type { EngineParts } from './parts.ts';
import { PlanLifecycle } from './plans/lifecycle.ts';
import { PlanBook } from './plans/plan-book.ts';
import { FillBooking } from './portfolio/fill-booking.ts';
import { Portfolio } from './portfolio/portfolio.ts';
import { RiskGate } from './risk/risk-gate.ts';
import { Store } from './store/store.ts';
import { PaperVenue } from './venues/paper/paper-venue.ts';
import { Views } from './views/snapshot.ts';

/** The config's paper venue, carrying the other paper venues of the config (learning.md "Venues and
 *  candidates"): one checkpointed venue, several names. */
function paperVenues(config: EngineOptions['config'], lotOf: (symbol: string) => string): PaperVenue {
  const paper = new PaperVenue({ ...config.venues.paper, lotOf });
  for (const [name, fill] of Object.entries(config.paperVenues ?? {}))
    paper.adopt(new PaperVenue({ ...fill, lotOf, name }));
  return paper;
}

export function assemble(
  options: EngineOptions,
  journal: Journal | null,
): { parts: EngineParts; reports: VenueReports } {
  const config = options.config;
  const clock = new Clock(config.pdt.timezone);
  const events = new EventSink(journal, clock);
  const store = new Store();
  const symbols = new Set<string>([...(options.symbols ?? []), ...Object.keys(config.instruments)]);
  const plans = new PlanBook(store, events, clock);
  // A position shows its stop while the stop order works.
  const portfolio = new Portfolio(config.account.cash, config.account.currency, (book) => {
    const ex = plans.execIfAny(book.planId);
    const stop = ex?.stopOrderId ? store.orders.get(ex.stopOrderId) : undefined;
    return stop && isWorking(stop.status) ? (stop.price ?? null) : null;
  });
  const curators = createCuratorWeights(config.curators?.weights, config.curators?.bounds);
  const learning = config.learning
    ? new LearningBook(
        config.learning,
        {
          journal: (kind, ref, body) => events.record(kind, ref, body),
          changed: (strand) => {
            if (strand && events.listening) events.emit({ type: 'strand', strand });
            parts.views.emitLearning();
          },
        },
        store,
        {
          // Lessons move the venue curator's weight, each move journaled with its lesson and said.
          changed: (lessons, lesson, time) => {
            const move = venueWeightForLessons(curators, lessons, lesson, time);
            if (move) events.notice('info', 'curator_weight', weightMoveText(move));
            return move;
          },
          restored: (move) => {
            curators.restore(move.after);
          },
          // The trader hears of a new lesson (a desktop notification in the app): it may change orders.
          newLesson: (lesson) =>
            events.notice(
              'info',
              'lesson_proposed',
              lesson.state === 'active'
                ? `New lesson, active: ${lesson.text}`
                : `New lesson, waiting for your switch: ${lesson.text}`,
            ),
        },
      )
    : null;
  const router = new OrderRouter(
    config,
    { store, events, clock, journal },
    {
      paper: options.venue ?? paperVenues(config, (symbol) => parts.gate.lotOf(symbol)),
      live: options.venues ?? [],
      learning,
      ...(options.onIntentCommitted ? { onIntentCommitted: options.onIntentCommitted } : {}),
    },
  );
  const gate = new RiskGate(config, { events, clock, portfolio, plans }, (input) => {
    const route = router.entryRoute(input);
    return route.ok ? null : route.problem;
  });
  const later = undefined as never;
  const parts: EngineParts = {
    config,
    clock,
    events,
    store,
    portfolio,
    plans,
    gate,
    router,
    symbols,
    learning,
    curators,
    lifecycle: later,
    booking: later,
    brackets: later,
    heldExits: later,
    trailing: later,
    views: later,
    advance: (now) => {
      if (clock.advance(now)) portfolio.startDay();
    },
  };
  // The parts that reach the others through `parts` come after it.
  Object.assign(parts, {
    lifecycle: new PlanLifecycle(parts),
    booking: new FillBooking(parts),
    brackets: new Brackets(parts),
    heldExits: new HeldExits(parts),
    trailing: new Trailing(parts),
    views: new Views(parts),
  });
  plans.hooks = {
    ended: (id) => {
      router.planEnded(id);
      learning?.planEnded(id);
    },
    reopened: (id) => router.planReopened(id),
  };
  router.hooks = { rejected: (order, reason) => parts.lifecycle.orderRejected(order, reason) };
  const reports = new VenueReports(
    router,
    { store, events },
    {
      advance: parts.advance,
      filled: (order, qty, value, fee, time) => parts.booking.bookFill(order, qty, value, fee, time),
      rejected: (order, reason) => parts.lifecycle.orderRejected(order, reason),
      ended: (order, as, asked) => parts.lifecycle.orderEnded(order, as, asked),
      reported: (order, report) => parts.brackets.followReport(order, report),
      funding: (venue, payment) => parts.booking.bookFunding(venue, payment),
      lateFee: (fill, fee) => parts.booking.bookLateFee(fill, fee),
    },
  );
  return { parts, reports };
}
