// Market data in: a bar (replay, the demo feed, a live venue's candles) or a live quote (a live venue's
// ticker). Either moves marks, equity, entry conditions and trailing stops; the paper venue fills on it;
// a quote also triggers take-profits the engine holds (contingency/held-exits.ts).
import { dec } from '../../shared/domain/decimal.ts';
import type { Bar } from '../../shared/domain/instrument.ts';
import type { EngineParts } from './parts.ts';
import type { Quote } from './port.ts';
import type { CheckpointedVenue } from './venues/venue.ts';

/** A venue that also fills on live quotes (the paper venue in PAPER mode with live market data). */
type QuoteFilled = CheckpointedVenue & { onQuote?(quote: Quote): void };

export class MarketData {
  private readonly p: EngineParts;

  constructor(parts: EngineParts) {
    this.p = parts;
  }

  /** Applies a bar: (1) fills of orders working before it, (2) at its close: brackets, trailing stops,
   *  expiry, entry conditions, marks. */
  onBar(bar: Bar): void {
    this.p.advance(bar.time);
    if (!this.p.symbols.has(bar.symbol)) this.p.symbols.add(bar.symbol);
    this.p.router.paper.onBar?.(bar);
    this.p.portfolio.lastClose.set(bar.symbol, bar.close);
    const book = this.p.portfolio.positions.get(bar.symbol);
    if (book) {
      this.p.brackets.sync(book);
      this.p.trailing.trail(book, dec(bar.close));
    }
    this.p.lifecycle.expirePlans();
    this.p.lifecycle.triggerConditions(bar.symbol, bar.close);
    this.p.portfolio.curve.mark(bar.time, this.p.portfolio.equity());
    if (this.p.events.listening) {
      this.p.events.emit({ type: 'bar', bar });
      if (book) this.p.views.emitPosition(bar.symbol);
      this.p.events.emit({ type: 'account', account: this.p.portfolio.account() });
    }
  }

  /** A live quote (a live venue's ticker): marks, equity, entry conditions and trailing stops move on its
   *  last price, and the paper venue fills on it (venues.md "Modes") without any bar. */
  onQuote(quote: Quote): void {
    this.p.advance(quote.time);
    if (!this.p.symbols.has(quote.symbol)) this.p.symbols.add(quote.symbol);
    (this.p.router.paper as QuoteFilled).onQuote?.(quote);
    this.p.portfolio.lastClose.set(quote.symbol, quote.last);
    const last = dec(quote.last);
    const book = this.p.portfolio.positions.get(quote.symbol);
    if (book) {
      this.p.brackets.sync(book);
      this.p.trailing.trail(book, last);
      // A take-profit the engine holds triggers on the bid (a long's) or the ask (a short's).
      this.p.heldExits.onQuote(book, quote);
    }
    this.p.lifecycle.expirePlans();
    this.p.lifecycle.triggerConditions(quote.symbol, last);
    this.p.portfolio.curve.mark(quote.time, this.p.portfolio.equity());
    if (this.p.events.listening) {
      if (book) this.p.views.emitPosition(quote.symbol);
      this.p.events.emit({ type: 'account', account: this.p.portfolio.account() });
    }
  }
}
