// Pattern-day-trader policy (replay.md "Pattern day trader policy"), one counter per account.
// Kept apart from the other risk checks because it is per account and switchable: FINRA approved
// replacing the PDT rule on 2026-04-14 (phased in by 2027-10-20), and brokers drop it one by one.

import type { Dec, DecStr } from '../../../shared/domain/decimal.ts';
import { dec, isDecimalText } from '../../../shared/domain/decimal.ts';
import type { BrokerDayTrades, DayTradesView } from '../../../shared/domain/engine-view.ts';
import type { DayTrade } from '../../../shared/domain/portfolio.ts';
import { businessWindow, lastBusinessDayOnOrBefore, localDate, nextBusinessDay } from './calendar.ts';

export interface DayTradePolicyConfig {
  enabled: boolean;
  accountType: 'margin' | 'cash';
  /** Day-start equity at or above this frees the account from the limit. */
  minEquity: DecStr;
  maxDayTrades: number;
  /** IANA zone whose calendar dates define a trading day. */
  timezone: string;
  method: 'round_trips';
}

export interface DayTradeState {
  /** Symbol -> date ('YYYY-MM-DD', exchange zone) on which its current position was opened. */
  open: Record<string, string>;
  /** The day trades recorded, oldest first: every one, or those of the days kept (see keepDays). */
  dayTrades: DayTrade[];
}

/** Business days in the rolling window: the current one and the four before it. */
export const WINDOW_BUSINESS_DAYS = 5;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(date: unknown, what: string): string {
  if (typeof date !== 'string' || !DATE_RE.test(date)) throw new RangeError(`${what}: not a YYYY-MM-DD date`);
  return date;
}

export class DayTradeCounter {
  private readonly config: DayTradePolicyConfig;
  private readonly minEquity: Dec;
  private readonly openDates = new Map<string, string>();
  private readonly trades: DayTrade[] = [];
  // The window start is asked for on every entry check; recompute only when the date changes.
  private memoToday = '';
  private memoStart = '';
  /** The broker's own count, when one reports it: the limit follows it (it knows trades Braid did not
   *  make). Not checkpointed: it is read again at every start and reconnect. */
  private broker: BrokerDayTrades | null = null;
  /** Business days of day trades kept (a hosted engine runs for months), or null: every one (a replay
   *  reports them all). */
  private readonly keepDays: number | null;
  private memoKeepDate = '';
  private memoKeepStart = '';

  constructor(config: DayTradePolicyConfig, state?: DayTradeState, keepDays: number | null = null) {
    if (config.method !== 'round_trips') throw new RangeError(`unknown day-trade method: ${config.method}`);
    if (!Number.isInteger(config.maxDayTrades) || config.maxDayTrades < 0) {
      throw new RangeError(`maxDayTrades must be a whole number >= 0: ${config.maxDayTrades}`);
    }
    if (!isDecimalText(config.minEquity))
      throw new RangeError(`minEquity is not a decimal: ${config.minEquity}`);
    localDate(0, config.timezone); // fail now on an unknown zone, not at the first fill
    if (keepDays !== null && (!Number.isInteger(keepDays) || keepDays < WINDOW_BUSINESS_DAYS))
      throw new RangeError(`keepDays must be a whole number >= ${WINDOW_BUSINESS_DAYS}: ${keepDays}`);
    this.keepDays = keepDays;
    this.config = { ...config };
    this.minEquity = dec(config.minEquity);
    if (state !== undefined) {
      for (const [symbol, date] of Object.entries(state.open)) {
        this.openDates.set(symbol, checkDate(date, `open ${symbol}`));
      }
      for (const t of state.dayTrades) {
        this.insert({ date: checkDate(t.date, `day trade ${t.symbol}`), symbol: t.symbol });
      }
    }
  }

  /** The position in `symbol` went from flat to non-flat. A repeat call keeps the first open date. */
  positionOpened(symbol: string, time: number): void {
    if (this.openDates.has(symbol)) return;
    this.openDates.set(symbol, localDate(time, this.config.timezone));
  }

  /**
   * The position in `symbol` went back to flat. Returns the day trade recorded when it had been
   * opened on the same exchange date, else null (also when no open was recorded).
   * A reversal through flat is positionFlat then positionOpened.
   */
  positionFlat(symbol: string, time: number): DayTrade | null {
    const opened = this.openDates.get(symbol);
    if (opened === undefined) return null;
    this.openDates.delete(symbol);
    const date = localDate(time, this.config.timezone);
    if (date !== opened) return null;
    const trade: DayTrade = { date, symbol };
    this.insert(trade);
    return { ...trade };
  }

  /** The day trades recorded (every one, or those of the days kept), oldest first. */
  dayTrades(): DayTrade[] {
    return this.trades.map((t) => ({ ...t }));
  }

  /** Day trades counted at `now`: dated from the window's first business day through today. */
  inWindow(now: number): number {
    return this.counted(now).length;
  }

  remaining(now: number): number {
    return Math.max(0, this.config.maxDayTrades - this.inWindow(now));
  }

  /** What the broker says now (IB's account summary); null forgets it (the venue went away). */
  setBroker(report: BrokerDayTrades | null): void {
    this.broker = report === null ? null : { ...report };
  }

  brokerReport(): BrokerDayTrades | null {
    return this.broker === null ? null : { ...this.broker };
  }

  /** The limit binds: policy on, margin account, equity below the minimum (the broker's equity when it
   *  says one, else the day-start equity Braid books). */
  applies(dayStartEquity: DecStr): boolean {
    const equity = this.broker?.equity ?? dayStartEquity;
    return this.config.enabled && this.config.accountType === 'margin' && dec(equity).lt(this.minEquity);
  }

  /** An entry that opens a position is refused (`pdt_limit`). Exits are never blocked. With a broker's
   *  count, its remaining day trades decide: at 0 the broker would refuse or flag the account. */
  blocksEntry(now: number, dayStartEquity: DecStr): boolean {
    if (!this.applies(dayStartEquity)) return false;
    const brokerLeft = this.broker?.remaining;
    if (brokerLeft !== undefined && brokerLeft !== null) return brokerLeft <= 0;
    return this.inWindow(now) >= this.config.maxDayTrades;
  }

  /** The first business day on which the oldest counted day trade is out of the window, or null. */
  oldestLeavesOn(now: number): string | null {
    const oldest = this.counted(now)[0];
    if (oldest === undefined) return null;
    // A trade dated D stays in while D's business day (D itself, or the one before a weekend or
    // holiday date) is among the last five, so it leaves on the fifth business day after that.
    let day = lastBusinessDayOnOrBefore(oldest.date);
    for (let i = 0; i < WINDOW_BUSINESS_DAYS; i++) day = nextBusinessDay(day);
    return day;
  }

  view(now: number, dayStartEquity: DecStr): DayTradesView {
    const counted = this.counted(now);
    return {
      enabled: this.config.enabled,
      applies: this.applies(dayStartEquity),
      used: counted.length,
      remaining: Math.max(0, this.config.maxDayTrades - counted.length),
      max: this.config.maxDayTrades,
      oldestLeavesOn: this.oldestLeavesOn(now),
      dayTrades: counted.map((t) => ({ ...t })),
      ...(this.broker !== null ? { broker: { ...this.broker } } : {}),
    };
  }

  /** Plain JSON for the journal's checkpoint; the constructor takes it back. */
  state(): DayTradeState {
    // fromEntries defines own properties, so even a '__proto__' symbol survives.
    return { open: Object.fromEntries(this.openDates), dayTrades: this.dayTrades() };
  }

  /**
   * The day trades in the window at `now`, oldest first. The range runs to today rather than to
   * the window's last business day so that a trade dated on a weekend or holiday (24/7 venues)
   * counts from the moment it is made.
   */
  private counted(now: number): DayTrade[] {
    const today = localDate(now, this.config.timezone);
    if (today !== this.memoToday) {
      this.memoToday = today;
      this.memoStart = businessWindow(today, WINDOW_BUSINESS_DAYS)[0]!;
    }
    const start = this.memoStart;
    let hi = this.trades.length;
    while (hi > 0 && this.trades[hi - 1]!.date > today) hi--;
    let lo = hi;
    while (lo > 0 && this.trades[lo - 1]!.date >= start) lo--;
    return this.trades.slice(lo, hi);
  }

  /** Keeps trades sorted by date; equal dates stay in recording order. With keepDays, the trades dated
   *  before the kept days (counted back from the newest trade) are let go: they can never count again. */
  private insert(trade: DayTrade): void {
    let i = this.trades.length;
    while (i > 0 && this.trades[i - 1]!.date > trade.date) i--;
    this.trades.splice(i, 0, trade);
    if (this.keepDays === null) return;
    const newest = this.trades[this.trades.length - 1]!.date;
    if (newest !== this.memoKeepDate) {
      this.memoKeepDate = newest;
      this.memoKeepStart = businessWindow(newest, this.keepDays)[0]!;
    }
    let drop = 0;
    while (drop < this.trades.length && this.trades[drop]!.date < this.memoKeepStart) drop++;
    if (drop > 0) this.trades.splice(0, drop);
  }
}
