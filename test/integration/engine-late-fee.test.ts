// A fee that comes after its fill (IB's commissionReport later than commissionWaitMs): booked once per
// trade id out of cash and into the open position's fees or the closed trade's P&L, the fill record
// corrected under its own id; a second fee for the trade and a fee for no known trade are notices only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/engine/config.ts';
import { Engine } from '../../src/main/engine/engine.ts';
import { readExecutionHistory } from '../../src/main/engine/journal/journal.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import type { EnginePort } from '../../src/main/engine/port.ts';
import { StubVenue, T } from '../helpers/stub-venue.ts';

const SYMBOL = 'AAPL';

function setup() {
  const ib = new StubVenue('ib', true);
  const engine = new Engine({
    config: parseConfig({
      account: { cash: '100000' },
      pdt: { enabled: false },
      defaultVenue: 'ib',
      instruments: { [SYMBOL]: { lot: 1, tick: 0.01 } },
    }),
    symbols: [SYMBOL],
    venues: [ib],
  });
  engine.onBar({ time: T, symbol: SYMBOL, open: '180', high: '180', low: '180', close: '180', volume: '10' });
  expect(engine.setRouting(['ib'], T).ok).toBe(true);
  const codes: string[] = [];
  engine.subscribe((e) => {
    if (e.type === 'notice') codes.push(e.notice.code);
  });
  return { engine, ib, codes };
}

const fee = (clientOrderId: string, tradeId: string, amount: string) =>
  ({ type: 'fee', clientOrderId, tradeId, fee: amount, time: T + 40 }) as const;

describe('late fees', () => {
  it('booked once per trade id: cash, position fees, then the closed trade; duplicates and unknowns are notices', () => {
    const { engine, ib, codes } = setup();
    engine.submitPlan(
      { id: 'p1', symbol: SYMBOL, side: 'buy', quantity: 10, entry: { type: 'limit', price: 180 } },
      T + 1,
    );
    ib.accept('p1:E1');
    ib.fill('p1:E1', '10', '180', 'x1', T + 20, '0');
    // 100000 - 10 x 180 = 98200
    expect(engine.snapshot().account.cash).toBe('98200');
    ib.report(fee('p1:E1', 'x1', '1.25'));
    expect(engine.snapshot().account.cash).toBe('98198.75');
    expect(engine.snapshot().fills).toEqual([
      expect.objectContaining({ id: 'p1:E1#1', tradeId: 'x1', fee: '1.25', feeLate: true }),
    ]);
    ib.report(fee('p1:E1', 'x1', '1.25'));
    ib.report(fee('p1:E1', 'nope', '3'));
    expect(codes).toEqual(expect.arrayContaining(['fee_duplicate', 'fee_unknown_trade']));
    expect(engine.snapshot().account.cash).toBe('98198.75');

    expect(engine.closePosition(SYMBOL, T + 30).ok).toBe(true);
    ib.accept('p1:X1');
    ib.fill('p1:X1', '10', '190', 'x2', T + 35, '0');
    // (190 - 180) x 10 - 1.25 = 98.75; cash 98198.75 + 1900 = 100098.75
    expect(engine.trades()).toEqual([expect.objectContaining({ pnl: '98.75', fees: '1.25' })]);
    expect(engine.snapshot().account.cash).toBe('100098.75');
    ib.report(fee('p1:X1', 'x2', '0.75'));
    // 98.75 - 0.75 = 98 (= 98 / 1800 x 100 %); cash 100098.75 - 0.75 = 100098
    expect(engine.trades()).toEqual([expect.objectContaining({ pnl: '98', fees: '2' })]);
    expect(engine.trades()[0]!.pnlPct.startsWith('5.444')).toBe(true);
    expect(engine.snapshot().account).toMatchObject({ cash: '100098', realizedPnl: '98' });
    expect(engine.snapshot().fills.map((f) => `${f.id} ${f.fee}`)).toEqual(['p1:E1#1 1.25', 'p1:X1#1 0.75']);
  });

  describe('restart', () => {
    let dir = '';
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = '';
    });
    const CONFIG = {
      account: { cash: '100000' },
      pdt: { enabled: false },
      defaultVenue: 'ib',
      instruments: { [SYMBOL]: { lot: 1, tick: 0.01 } },
    };
    function open(path: string, venue: StubVenue): EnginePort {
      const r = createEngine({ config: CONFIG, journalPath: path, symbols: [SYMBOL], venues: [venue] });
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    }

    it('rebuilds the corrected fills, cash, position fees and trade P&L; a fee again after it is a duplicate', () => {
      dir = mkdtempSync(join(tmpdir(), 'braid-fee-'));
      const path = join(dir, 'journal.sqlite');
      const first = new StubVenue('ib', true);
      let engine = open(path, first);
      engine.onBar({
        time: T,
        symbol: SYMBOL,
        open: '180',
        high: '180',
        low: '180',
        close: '180',
        volume: '1',
      });
      engine.setRouting(['ib'], T);
      engine.submitPlan(
        { id: 'p1', symbol: SYMBOL, side: 'buy', quantity: 10, entry: { type: 'limit', price: 180 } },
        T + 1,
      );
      first.accept('p1:E1');
      first.fill('p1:E1', '10', '180', 'x1', T + 20, '0');
      first.report(fee('p1:E1', 'x1', '1.25'));
      engine.close();

      // Open position: fees 1.25 in it after the restart; cash 100000 - 1800 - 1.25.
      const second = new StubVenue('ib', true);
      engine = open(path, second);
      expect(engine.snapshot().account.cash).toBe('98198.75');
      expect(engine.snapshot().fills.map((f) => `${f.id} ${f.fee}`)).toEqual(['p1:E1#1 1.25']);
      const codes: string[] = [];
      engine.subscribe((e) => {
        if (e.type === 'notice') codes.push(e.notice.code);
      });
      second.report(fee('p1:E1', 'x1', '1.25'));
      expect(codes).toContain('fee_duplicate');
      expect(engine.snapshot().account.cash).toBe('98198.75');
      engine.setRouting(['ib'], T + 30);
      expect(engine.closePosition(SYMBOL, T + 30).ok).toBe(true);
      second.accept('p1:X1');
      second.fill('p1:X1', '10', '190', 'x2', T + 35, '0');
      second.report(fee('p1:X1', 'x2', '0.75'));
      engine.close();

      const third = new StubVenue('ib', true);
      engine = open(path, third);
      expect(engine.trades()).toEqual([expect.objectContaining({ planId: 'p1', pnl: '98', fees: '2' })]);
      expect(engine.snapshot().account).toMatchObject({ cash: '100098', realizedPnl: '98' });
      expect(engine.snapshot().fills.map((f) => `${f.id} ${f.fee}`)).toEqual([
        'p1:E1#1 1.25',
        'p1:X1#1 0.75',
      ]);
      engine.close();
      // `braid export --db` reads the journal alone: the corrected trade once, as the engine has it.
      expect(readExecutionHistory(path).trades).toEqual([
        expect.objectContaining({ planId: 'p1', pnl: '98', fees: '2' }),
      ]);
    });
  });
});
