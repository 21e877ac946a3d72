// The curators (execution, venue, risk, position), their weighted score, the weight book's bounded,
// logged moves and the auto-approval threshold, with hand-computed figures.
import { describe, expect, it } from 'vitest';
import { type ArrivalFacts, arrivalInputs } from '../../src/main/engine/curators/arrival.ts';
import { executionCurator } from '../../src/main/engine/curators/execution.ts';
import { positionCurator } from '../../src/main/engine/curators/position.ts';
import { riskCurator } from '../../src/main/engine/curators/risk.ts';
import {
  autoApprovalReason,
  autoApproves,
  type CuratorInputs,
  normaliseWeights,
  scorePlan,
} from '../../src/main/engine/curators/score.ts';
import { venueCurator } from '../../src/main/engine/curators/venue.ts';
import { createCuratorWeights } from '../../src/main/engine/curators/weights.ts';

const flat = {
  symbol: 'AAPL',
  symbolNotional: '0',
  symbolLimit: '5000',
  openPositions: 0,
  maxOpenPositions: 10,
};

describe('the execution curator reads the plan’s confidence', () => {
  it('0 and 1 at the edges, the confidence itself between, neutral when absent or not a number', () => {
    expect(executionCurator({ confidence: 0 }).value).toBe(0);
    expect(executionCurator({ confidence: 1 }).value).toBe(1);
    expect(executionCurator({ confidence: 0.7 })).toEqual({
      value: 0.7,
      why: 'the plan’s confidence is 0.70',
    });
    expect(executionCurator({})).toEqual({ value: 0.5, why: 'the plan gives no confidence: neutral' });
    expect(executionCurator({ confidence: Number.NaN }).value).toBe(0.5);
    expect(executionCurator(undefined).value).toBe(0.5);
  });
});

describe('the venue curator reads the venue’s measured quality', () => {
  const q = (meanSlippageBps: number, fillRatio: number, n = 151) => ({ n, meanSlippageBps, fillRatio });
  it('(1 - slippage / 20 bps) x fill ratio: 0 bps filled is 1, 20 bps is 0, 10 bps is 0.5', () => {
    expect(venueCurator('paper', 'market', q(0, 1)).value).toBe(1);
    expect(venueCurator('paper', 'market', q(-3, 1)).value).toBe(1); // price improvement is not above 1
    expect(venueCurator('paper', 'market', q(20, 1)).value).toBe(0);
    expect(venueCurator('paper', 'market', q(35, 1)).value).toBe(0);
    expect(venueCurator('paper', 'market', q(10, 1)).value).toBe(0.5);
    // 5 bps: 0.75, filled 80 %: 0.75 x 0.8 = 0.6.
    expect(venueCurator('paper-b', 'market', q(5, 0.8))).toEqual({
      value: 0.6,
      why: 'market on paper-b slipped 5.0 bps on average and filled 80 % (n = 151)',
    });
  });
  it('unknown, too few strands or not numbers: neutral with its reason', () => {
    expect(venueCurator('paper', 'limit', null)).toEqual({
      value: 0.5,
      why: 'no measured quality yet for limit on paper: neutral',
    });
    expect(venueCurator('paper', 'market', q(0, 1, 19))).toEqual({
      value: 0.5,
      why: 'only 19 strands for market on paper, fewer than 20: neutral',
    });
    expect(venueCurator('paper', 'market', q(0, 1, 20)).value).toBe(1);
    expect(venueCurator('paper', 'market', q(0, 1, 5), 5).value).toBe(1);
    expect(venueCurator('paper', 'market', q(Number.NaN, 1)).value).toBe(0.5);
  });
});

describe('the risk curator reads the risk used against the budget', () => {
  it('1 - share / 2: nothing at risk 1, half the budget 0.75, the full budget 0.5, twice or more 0', () => {
    expect(riskCurator({ amount: '0', budget: '1000' }).value).toBe(1);
    expect(riskCurator({ amount: '500', budget: '1000' }).value).toBe(0.75);
    expect(riskCurator({ amount: '1000', budget: '1000' })).toEqual({
      value: 0.5,
      why: 'risks 1000.00, 100 % of the 1000.00 risk budget',
    });
    expect(riskCurator({ amount: '2000', budget: '1000' }).value).toBe(0);
    expect(riskCurator({ amount: '3000.5', budget: '1000' }).value).toBe(0);
    // Exact decimals: 0.1 + 0.2 of a budget of 0.3 is the full budget.
    expect(riskCurator({ amount: '0.3', budget: '0.3' }).value).toBe(0.5);
  });
  it('no stop, no budget or not decimals: neutral with its reason', () => {
    expect(riskCurator({ amount: null, budget: '1000' })).toEqual({
      value: 0.5,
      why: 'no stop loss, so the risk is not measured: neutral',
    });
    expect(riskCurator({ amount: '100', budget: '0' }).why).toBe('the account has no risk budget: neutral');
    expect(riskCurator({ amount: 'lots', budget: '1000' }).value).toBe(0.5);
    expect(riskCurator(null).value).toBe(0.5);
  });
});

describe('the position curator reads the exposure against the limits', () => {
  it('1 - the tighter share: flat 1, half the book 0.5, half the symbol limit 0.5, full 0', () => {
    expect(positionCurator(flat)).toEqual({
      value: 1,
      why: 'AAPL holds 0 % of its limit (0 of 10 positions open)',
    });
    expect(positionCurator({ ...flat, openPositions: 5 })).toEqual({
      value: 0.5,
      why: '5 of 10 positions open (AAPL holds 0 % of its limit)',
    });
    expect(positionCurator({ ...flat, symbolNotional: '2500', openPositions: 2 })).toEqual({
      value: 0.5,
      why: 'AAPL holds 50 % of its limit (2 of 10 positions open)',
    });
    expect(positionCurator({ ...flat, openPositions: 10 }).value).toBe(0);
    expect(positionCurator({ ...flat, symbolNotional: '7000' }).value).toBe(0);
    expect(positionCurator({ ...flat, maxOpenPositions: 0 }).value).toBe(0);
  });
  it('bad inputs: neutral with its reason', () => {
    expect(positionCurator({ ...flat, symbolNotional: 'x' }).why).toBe(
      'the exposure in AAPL is not a decimal: neutral',
    );
    expect(positionCurator({ ...flat, openPositions: Number.NaN }).value).toBe(0.5);
    expect(positionCurator(undefined).value).toBe(0.5);
  });
});

describe('the score is the weighted sum', () => {
  const inputs: CuratorInputs = {
    plan: { confidence: 0.7, entry: { type: 'market' } },
    venue: 'paper-b',
    quality: { n: 151, meanSlippageBps: 5, fillRatio: 0.8 }, // 0.6
    risk: { amount: '1000', budget: '1000' }, // 0.5
    exposure: { ...flat, openPositions: 2 }, // 0.8
  };
  it('equal weights by default: (0.7 + 0.6 + 0.5 + 0.8) / 4 = 0.65, each part with its weight and why', () => {
    const s = scorePlan(inputs);
    expect(s.total).toBe(0.65);
    expect(s.parts.map((p) => [p.curator, p.value, p.weight])).toEqual([
      ['execution', 0.7, 0.25],
      ['venue', 0.6, 0.25],
      ['risk', 0.5, 0.25],
      ['position', 0.8, 0.25],
    ]);
    expect(s.parts[3]!.why).toBe('2 of 10 positions open (AAPL holds 0 % of its limit)');
  });
  it('config weights are normalised: 2:1:1:0 is 0.5, 0.25, 0.25, 0 -> 0.35 + 0.15 + 0.125 = 0.625', () => {
    const s = scorePlan(inputs, { execution: 2, venue: 1, risk: 1, position: 0 });
    expect(s.total).toBe(0.625);
    expect(s.parts.map((p) => p.weight)).toEqual([0.5, 0.25, 0.25, 0]);
  });
  it('unusable weights read as 0; nothing usable is equal', () => {
    expect(normaliseWeights({ execution: -1, venue: 'x', risk: 3, position: 1 })).toEqual({
      execution: 0,
      venue: 0,
      risk: 0.75,
      position: 0.25,
    });
    expect(normaliseWeights({ execution: 0 })).toEqual({
      execution: 0.25,
      venue: 0.25,
      risk: 0.25,
      position: 0.25,
    });
    expect(normaliseWeights(null).venue).toBe(0.25);
  });
  it('nothing known: every curator neutral, the total 0.5', () => {
    const s = scorePlan(null);
    expect(s.total).toBe(0.5);
    expect(s.parts.every((p) => p.value === 0.5 && p.why === 'nothing known about the plan: neutral')).toBe(
      true,
    );
  });
});

describe('auto-approval is strictly above the threshold', () => {
  // 0.7, 0.9, 0.8, 0.8 equally weighted is 0.8 on paper (0.8000000000000002 in floating point).
  const at = scorePlan({
    plan: { confidence: 0.9, entry: { type: 'market' } },
    venue: 'paper',
    quality: { n: 40, meanSlippageBps: 6, fillRatio: 1 }, // 0.7
    risk: { amount: '400', budget: '1000' }, // 0.8
    exposure: { ...flat, openPositions: 2 }, // 0.8
  });
  it('0.8 is not above 0.8; 0.8 is above 0.79; no threshold or no score never approves', () => {
    expect(at.total).toBe(0.8);
    expect(autoApproves(at, 0.8)).toBe(false);
    expect(autoApproves(at, 0.79)).toBe(true);
    expect(autoApproves(at, undefined)).toBe(false);
    expect(autoApproves(undefined, 0.5)).toBe(false);
    expect(autoApproves({ total: Number.NaN, parts: [] }, 0.5)).toBe(false);
    expect(autoApprovalReason(at, 0.79)).toBe("auto-approved: the curators' score 0.80 is above 0.79");
  });
});

describe('the weight book moves only within bounds, each move logged', () => {
  it('equal start: +0.1 on execution is 0.35 and the others share 0.65; the bounds are 0.5x and 2x', () => {
    const book = createCuratorWeights(undefined);
    expect(book.bounds().execution).toEqual({ min: 0.125, max: 0.5 });
    const move = book.nudge('execution', 0.1, 'lesson L1: execution predicted fills', 1000);
    expect(move).toEqual({
      curator: 'execution',
      delta: 0.1,
      before: { execution: 0.25, venue: 0.25, risk: 0.25, position: 0.25 },
      after: { execution: 0.35, venue: 0.216667, risk: 0.216667, position: 0.216667 },
      limited: false,
      reason: 'lesson L1: execution predicted fills',
      time: 1000,
    });
    expect(book.moves()).toEqual([move]);
  });
  it('a move past a bound stops at it: +1 gives 0.5 (2x), -1 gives 0.125 (0.5x)', () => {
    const book = createCuratorWeights({ execution: 1, venue: 1, risk: 1, position: 1 });
    const up = book.nudge('execution', 1, 'up', 1);
    expect(up.after).toEqual({ execution: 0.5, venue: 0.166667, risk: 0.166667, position: 0.166667 });
    expect(up.limited).toBe(true);
    const down = book.nudge('execution', -1, 'down', 2);
    expect(down.after).toEqual({ execution: 0.125, venue: 0.291667, risk: 0.291667, position: 0.291667 });
    expect(book.moves()).toHaveLength(2);
  });
  it('the others held to their bounds while the rest is renormalised (start 4:4:1:1)', () => {
    const book = createCuratorWeights({ execution: 4, venue: 4, risk: 1, position: 1 });
    // venue -0.2: 0.2; the other 0.8 in proportion 4:1:1 -> 0.533333, 0.133333, 0.133333.
    expect(book.nudge('venue', -0.2, 'a', 1).after).toEqual({
      execution: 0.533333,
      venue: 0.2,
      risk: 0.133333,
      position: 0.133333,
    });
    // execution -0.33: 0.203333; the others' 0.796667 in proportion would lift risk and position past
    // their 0.2 (2 x 0.1), so they stop at 0.2 and venue takes 0.796667 - 0.4 = 0.396667.
    const w = book.nudge('execution', -0.33, 'b', 2).after;
    expect(w).toEqual({ execution: 0.203333, venue: 0.396667, risk: 0.2, position: 0.2 });
    expect(w.execution + w.venue + w.risk + w.position).toBeCloseTo(1, 9);
  });
  it('a nudge the others cannot absorb stops where they reach their bounds', () => {
    const book = createCuratorWeights({ execution: 4, venue: 4, risk: 1, position: 1 });
    // execution +0.5 wants 0.9, but the others can give only down to 0.2 + 0.05 + 0.05: execution 0.7.
    const move = book.nudge('execution', 0.5, 'c', 3);
    expect(move.after).toEqual({ execution: 0.7, venue: 0.2, risk: 0.05, position: 0.05 });
    expect(move.limited).toBe(true);
  });
  it('a bad request is logged and moves nothing', () => {
    const book = createCuratorWeights({ execution: 1 }); // only execution: bounds [0.5, 2] of 1, others 0
    expect(book.start()).toEqual({ execution: 1, venue: 0, risk: 0, position: 0 });
    const nan = book.nudge('venue', Number.NaN, 'bad', 4);
    expect(nan.after).toEqual(nan.before);
    expect(nan.reason).toBe('bad (no move: the change is not a number)');
    const nobody = book.nudge('nobody' as never, 0.1, 'who', 5);
    expect(nobody.reason).toBe('who (no move: no curator nobody)');
    // A curator that starts at 0 stays at 0 (2 x 0): the move is limited to nothing.
    expect(book.nudge('venue', 0.2, 'zero', 6).after).toEqual({
      execution: 1,
      venue: 0,
      risk: 0,
      position: 0,
    });
    expect(book.moves()).toHaveLength(3);
  });
});

describe('the facts at a plan’s arrival become the curators’ inputs, exactly', () => {
  const facts: ArrivalFacts = {
    input: {
      id: 'p1',
      symbol: 'AAPL',
      side: 'buy',
      entry: { type: 'market' },
      stopLoss: '90',
      confidence: 0.9,
    },
    venue: 'paper',
    quality: null,
    preview: { quantity: '50', ref: '100' },
    equity: '100000',
    riskPct: '0.01',
    maxPositionPct: '0.05',
    inSymbol: [],
    openPositions: 3,
    maxOpenPositions: 10,
  };
  it('risk |100 - 90| x 50 = 500 of 100000 x 0.01 = 1000; flat in a 5000 limit, 3 of 10 open', () => {
    const x = arrivalInputs(facts);
    expect(x.risk).toEqual({ amount: '500', budget: '1000' });
    expect(x.exposure).toEqual({
      symbol: 'AAPL',
      symbolNotional: '0',
      symbolLimit: '5000',
      openPositions: 3,
      maxOpenPositions: 10,
    });
    // 0.9, 0.5 (venue unknown), 0.75, 0.7: (0.9 + 0.5 + 0.75 + 0.7) / 4 = 0.7125.
    expect(scorePlan(x).total).toBe(0.7125);
  });
  it('a short of 10 at 250 is 2500 held; no stop leaves the risk unmeasured; no preview leaves it unknown', () => {
    const held = arrivalInputs({ ...facts, inSymbol: [{ quantity: '-10', price: '250' }] });
    expect(held.exposure?.symbolNotional).toBe('2500');
    expect(positionCurator(held.exposure).value).toBe(0.5);
    const { stopLoss: _, ...noStop } = facts.input;
    expect(arrivalInputs({ ...facts, input: noStop }).risk).toEqual({ amount: null, budget: '1000' });
    expect(arrivalInputs({ ...facts, preview: null }).risk).toBeNull();
    expect(arrivalInputs({ ...facts, inSymbol: [{ quantity: 'x', price: '1' }] }).exposure).toBeNull();
  });
});

describe('the weight book comes back from the journal', () => {
  it('takes weights within bounds that sum to 1, refuses others and keeps its own', () => {
    const book = createCuratorWeights(undefined);
    const moved = book.nudge('risk', 0.1, 'lesson', 1).after;
    const again = createCuratorWeights(undefined);
    expect(again.restore(moved)).toBe(true);
    expect(again.weights()).toEqual(moved);
    expect(again.nudge('risk', 0, 'same', 2).after).toEqual(moved);
    // 0.6 is past 2 x 0.25; and a set that does not sum to 1.
    expect(again.restore({ execution: 0.6, venue: 0.2, risk: 0.1, position: 0.1 })).toBe(false);
    expect(again.restore({ execution: 0.3, venue: 0.3, risk: 0.3, position: 0.3 })).toBe(false);
    expect(again.restore({ execution: 'x' })).toBe(false);
    expect(again.weights()).toEqual(moved);
  });
});
