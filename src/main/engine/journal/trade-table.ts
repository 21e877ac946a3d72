// The journal's closed-trade table (migration 4) and the reads that let a hosted engine hold only its live
// records and the most recent finished plans: a page of the trade history filtered and sorted in SQL, and
// every record of one plan (its plan, orders, fills and trades) read back by the events' (kind, ref) index
// when something asks for a plan it let go (a late fee, a late fill). The journal runs the writes inside
// its checkpoint transaction; nothing here opens one.
import type Database from 'better-sqlite3';
import { dec } from '../../../shared/domain/decimal.ts';
import type { FillRecord, OrderRecord } from '../../../shared/domain/order.ts';
import type { PlanRecord } from '../../../shared/domain/plan.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';
import type { TradeSortKey } from '../../../shared/schemas.ts';
import { DEFAULT_SORT, type TradeFilter, type TradePage, type TradeQuery } from '../history/trade-query.ts';
import { JournalRecordDamaged } from './errors.ts';

/** Every record of one plan as the journal holds it last (a correction replaces its record). */
export interface PlanRecords {
  plan: PlanRecord | undefined;
  orders: OrderRecord[];
  fills: FillRecord[];
  trades: TradeRecord[];
}

const SORT_COLUMN: Record<TradeSortKey, string> = {
  closed: 'exit_time',
  symbol: 'symbol',
  side: 'side',
  reason: 'exit_reason',
  // Doubles order decimals exactly except between values equal to 15 significant digits (then by seq).
  // The columns a trader sorts by now and then are read from the record (a scan and a sort: ~0.1 s over
  // 100,000 trades) rather than kept in columns and indexes every trade pays for.
  qty: "CAST(json_extract(body, '$.quantity') AS REAL)",
  entry: "CAST(json_extract(body, '$.entryPrice') AS REAL)",
  exit: "CAST(json_extract(body, '$.exitPrice') AS REAL)",
  pnl: 'pnl',
  pnlPct: 'pnl_pct',
  fees: "CAST(json_extract(body, '$.fees') AS REAL)",
};

const DEFAULT_LIMIT = 100;

/** The WHERE clause of a filter, with named parameters (only those it uses). */
function whereOf(f: TradeFilter): { sql: string; params: Record<string, string | number> } {
  const terms: string[] = [];
  const params: Record<string, string | number> = {};
  if (f.symbol !== undefined) {
    terms.push('symbol = @symbol');
    params.symbol = f.symbol;
  }
  if (f.side !== undefined) {
    terms.push('side = @side');
    params.side = f.side;
  }
  if (f.reason !== undefined) {
    terms.push('exit_reason = @reason');
    params.reason = f.reason;
  }
  if (f.outcome !== undefined) terms.push(f.outcome === 'win' ? 'outcome = 1' : 'outcome = -1');
  return { sql: terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`, params };
}

function parseTrade(body: string): TradeRecord {
  try {
    return JSON.parse(body) as TradeRecord;
  } catch (e) {
    throw new JournalRecordDamaged('trade record', e instanceof Error ? e.message : String(e));
  }
}

export class TradeTable {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly planRecord: Database.Statement;
  private readonly refsUnder: Database.Statement;
  private readonly tradesOfPlan: Database.Statement;
  private readonly recentTrades: Database.Statement;
  private readonly allTrades: Database.Statement;
  private readonly symbolList: Database.Statement;
  private readonly fillOfTrade: Database.Statement;
  /** Statements of each filter and order asked so far (a handful: the UI's filters). */
  private readonly cache = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.db = db;
    this.upsert = db.prepare(
      `INSERT INTO trades (seq, plan_id, exit_time, symbol, side, exit_reason, outcome, pnl, pnl_pct, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (plan_id, exit_time) DO UPDATE SET outcome = excluded.outcome, pnl = excluded.pnl,
         pnl_pct = excluded.pnl_pct, body = excluded.body`,
    );
    this.planRecord = db.prepare(
      "SELECT body FROM events WHERE kind = 'plan' AND ref = ? ORDER BY seq DESC LIMIT 1",
    );
    // A plan's orders and fills have ids under the plan's (`PLAN:E1`, `PLAN:E1#1`): one index range.
    this.refsUnder = db.prepare(
      'SELECT ref, body FROM events WHERE kind = ? AND ref >= ? AND ref < ? ORDER BY seq',
    );
    this.tradesOfPlan = db.prepare('SELECT body FROM trades WHERE plan_id = ? ORDER BY seq');
    this.recentTrades = db.prepare('SELECT body FROM trades ORDER BY seq DESC LIMIT ?');
    this.allTrades = db.prepare('SELECT body FROM trades ORDER BY seq');
    this.symbolList = db.prepare('SELECT DISTINCT symbol FROM trades ORDER BY symbol');
    this.fillOfTrade = db.prepare(
      `SELECT json_extract(body, '$.fill.planId') AS planId FROM events
       WHERE kind = 'fill' AND json_extract(body, '$.fill.tradeId') = ? AND json_extract(body, '$.fill.venue') = ?
       LIMIT 1`,
    );
  }

  /** A trade event being committed: its row written, or replaced by its correction. */
  write(seq: number, body: string): void {
    const t = (JSON.parse(body) as { trade: TradeRecord }).trade;
    const pnl = dec(t.pnl);
    const outcome = pnl.gt(0) ? 1 : pnl.lt(0) ? -1 : 0;
    this.upsert.run(
      seq,
      t.planId,
      t.exitTime,
      t.symbol,
      t.side,
      t.exitReason,
      outcome,
      Number(t.pnl),
      Number(t.pnlPct),
      JSON.stringify(t),
    );
  }

  private statement(key: string, sql: string): Database.Statement {
    let s = this.cache.get(key);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(key, s);
    }
    return s;
  }

  /** One page: the filter and the order in SQL; ties in the order the trades were recorded. */
  page(q: TradeQuery): TradePage {
    const { sql, params } = whereOf(q);
    const sort = q.sort ?? DEFAULT_SORT;
    const order = `${SORT_COLUMN[sort.key]} ${sort.dir === 'asc' ? 'ASC' : 'DESC'}, seq ASC`;
    const offset = q.offset ?? 0;
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = this.statement(
      `page ${sql} ${order}`,
      `SELECT body FROM trades ${sql} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit, offset }) as { body: string }[];
    const total = (
      this.statement(`count ${sql}`, `SELECT COUNT(*) AS n FROM trades ${sql}`).get(params) as { n: number }
    ).n;
    return {
      total,
      offset,
      trades: rows.map((r) => parseTrade(r.body)),
      symbols: (this.symbolList.all() as { symbol: string }[]).map((r) => r.symbol),
    };
  }

  /** The trades a filter keeps in exit order, ties in the order recorded, `limit` from `offset` (the
   *  history's metrics and curve, read a slice at a time: the exit index skips the offset). */
  byExit(f: TradeFilter, offset: number, limit: number): TradeRecord[] {
    const { sql, params } = whereOf(f);
    const rows = this.statement(
      `byExit ${sql}`,
      `SELECT body FROM trades ${sql} ORDER BY exit_time, seq LIMIT @limit OFFSET @offset`,
    ).all({ ...params, limit, offset }) as { body: string }[];
    return rows.map((r) => parseTrade(r.body));
  }

  /** Every trade, oldest first (the export). */
  all(): TradeRecord[] {
    return (this.allTrades.all() as { body: string }[]).map((r) => parseTrade(r.body));
  }

  /** The last `n` trades recorded, oldest first. */
  recent(n: number): TradeRecord[] {
    const rows = this.recentTrades.all(n) as { body: string }[];
    return rows.reverse().map((r) => parseTrade(r.body));
  }

  /** The plan, orders, fills and trades of one plan, each as last journaled; JournalRecordDamaged when
   *  one of them does not parse. */
  planRecords(planId: string): PlanRecords {
    try {
      return this.readPlanRecords(planId);
    } catch (e) {
      if (e instanceof SyntaxError) throw new JournalRecordDamaged(`record of plan ${planId}`, e.message);
      throw e;
    }
  }

  private readPlanRecords(planId: string): PlanRecords {
    const planRow = this.planRecord.get(planId) as { body: string } | undefined;
    const lo = `${planId}:`;
    const hi = `${planId};`;
    const latest = <T>(kind: string, pick: (event: Record<string, unknown>) => T): T[] => {
      const byRef = new Map<string, T>();
      for (const r of this.refsUnder.all(kind, lo, hi) as { ref: string; body: string }[])
        byRef.set(r.ref, pick(JSON.parse(r.body) as Record<string, unknown>));
      return [...byRef.values()];
    };
    return {
      plan: planRow ? (JSON.parse(planRow.body) as { plan: PlanRecord }).plan : undefined,
      orders: latest('order', (e) => e.order as OrderRecord),
      fills: latest('fill', (e) => e.fill as FillRecord),
      trades: (this.tradesOfPlan.all(planId) as { body: string }[]).map((r) => parseTrade(r.body)),
    };
  }

  /** The plan whose fill carries this venue trade id (a late fee for a plan no longer held). */
  planOfTrade(venue: string, tradeId: string): string | null {
    const row = this.fillOfTrade.get(tradeId, venue) as { planId: string | null } | undefined;
    return row?.planId ?? null;
  }
}
