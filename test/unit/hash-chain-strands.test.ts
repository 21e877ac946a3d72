// The learning loop's strands go out with the trade history (learning.md): a version-2 JSON export
// chains them on after the trades, so the head covers both and an edit of either is named.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportTrades, GENESIS_HASH, verifyExport } from '../../src/main/engine/history/hash-chain.ts';
import type { Strand } from '../../src/shared/domain/learning.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';

// 2024-03-01T14:30:00.000Z, written as epoch ms by hand.
const T0 = 1_709_303_400_000;

const TRADE: TradeRecord = {
  planId: 'plan-1',
  symbol: 'AAPL',
  side: 'long',
  quantity: '10',
  entryTime: T0,
  entryPrice: '190.25',
  exitTime: T0 + 60_000,
  exitPrice: '192.5',
  exitReason: 'take_profit',
  pnl: '22.48',
  pnlPct: '1.1826',
  fees: '0.02',
};

function strand(orderId: string, over: Partial<Strand> = {}): Strand {
  return {
    orderId,
    planId: 'plan-1',
    symbol: 'AAPL',
    venue: 'paper-b',
    orderType: 'market',
    side: 'buy',
    role: 'entry',
    status: 'filled',
    timeBucket: 14,
    regime: 'normal',
    day: '2024-03-01',
    sentAt: T0,
    endedAt: T0 + 1_000,
    arrivalPrice: '190',
    decisionPrice: '189.9',
    planned: '10',
    filled: '10',
    avgFillPrice: '190.25',
    fees: '0.02',
    notional: 1900,
    latencyMs: { ack: 0, firstFill: 0, lastFill: 0 },
    slippageBps: 13.157894736842104,
    shortfallBps: 18.4,
    fillRatio: 1,
    markout1Bps: null,
    markout5Bps: -2.5,
    limitOffsetBps: null,
    arm: 'advised',
    propensity: 0.8,
    lessonsApplied: ['prefer_venue:paper-b|market|AAPL|*|*'],
    tags: ['trader:execution_insights', 'dm:execution_report'],
    ...over,
  };
}

const STRANDS = [
  strand('o-1'),
  strand('o-2', { side: 'sell', role: 'exit', avgFillPrice: null, filled: '0' }),
];

const sha = (prev: string, values: string[]) =>
  createHash('sha256')
    .update(`${prev}\n${JSON.stringify(values)}`, 'utf8')
    .digest('hex');

const editLine = (text: string, line: number, from: string, to: string) => {
  const lines = text.split('\n');
  expect(lines[line - 1]).toContain(from);
  lines[line - 1] = lines[line - 1]!.replace(from, to);
  return lines.join('\n');
};

describe('strands in the trade-history export', () => {
  it('pins a strand hash: the documented fields as text, chained on from the last trade', () => {
    const out = exportTrades([TRADE], 'json', STRANDS);
    const doc = JSON.parse(out.text);
    expect(doc.version).toBe(2);
    expect(doc.count).toBe(1);
    expect(doc.strandCount).toBe(2);
    expect(out.strands).toBe(2);
    const tradeHash = doc.records[0].hash as string;
    // By hand, in STRAND_FIELDS order: numbers as String(x), null as "", lists joined by a space.
    const first = [
      '1',
      'o-1',
      'plan-1',
      'AAPL',
      'paper-b',
      'market',
      'buy',
      'entry',
      'filled',
      'advised',
      '0.8',
      '14',
      'normal',
      '2024-03-01',
      '2024-03-01T14:30:00.000Z',
      '2024-03-01T14:30:01.000Z',
      '190',
      '189.9',
      '10',
      '10',
      '190.25',
      '0.02',
      '13.157894736842104',
      '18.4',
      '1',
      '',
      '-2.5',
      '0',
      '0',
      '0',
      'prefer_venue:paper-b|market|AAPL|*|*',
      'trader:execution_insights dm:execution_report',
    ];
    expect(doc.strands[0].prevHash).toBe(tradeHash);
    expect(doc.strands[0].hash).toBe(sha(tradeHash, first));
    expect(doc.strands[0].markout1Bps).toBe('');
    expect(doc.strands[1].avgFillPrice).toBe('');
    expect(doc.strands[1].prevHash).toBe(doc.strands[0].hash);
    expect(out.head).toBe(doc.strands[1].hash);
    expect(doc.head).toBe(out.head);
    expect(verifyExport(out.text)).toEqual({
      ok: true,
      format: 'json',
      count: 1,
      head: out.head,
      strands: 2,
    });
  });

  it('a history without strands is written as version 1, byte for byte as before', () => {
    expect(exportTrades([TRADE], 'json', []).text).toBe(exportTrades([TRADE], 'json').text);
    expect(JSON.parse(exportTrades([TRADE], 'json', []).text).version).toBe(1);
  });

  it('strands without trades chain from the genesis hash', () => {
    const out = exportTrades([], 'json', STRANDS.slice(0, 1));
    const doc = JSON.parse(out.text);
    expect(doc.records).toEqual([]);
    expect(doc.strands[0].prevHash).toBe(GENESIS_HASH);
    expect(verifyExport(out.text)).toMatchObject({ ok: true, count: 0, strands: 1 });
  });

  it('the CSV stays the trades alone', () => {
    const csv = exportTrades([TRADE], 'csv', STRANDS);
    expect(csv.strands).toBe(0);
    expect(csv.text).toBe(exportTrades([TRADE], 'csv').text);
  });

  it('names the altered strand, a cut strand and a cut list', () => {
    const text = exportTrades([TRADE], 'json', STRANDS).text;
    const lines = text.split('\n');
    const s2 = lines.findIndex((l) => l.includes('"orderId":"o-2"')) + 1;
    // A strand edited: record numbers go on from the trades (1 trade, so strand 2 is record 3).
    const edited = editLine(text, s2, '"side":"sell"', '"side":"buy"');
    const v = verifyExport(edited);
    expect(v).toEqual({
      ok: false,
      record: 3,
      line: s2,
      reason: 'strand 2: hash does not match its contents (altered)',
    });
    // The last strand cut, strandCount and the comma fixed: the head no longer matches.
    const cut = lines.filter((_, k) => k !== s2 - 1);
    cut[s2 - 2] = cut[s2 - 2]!.replace(/,$/, '');
    const cutText = cut.join('\n').replace('"strandCount": 2', '"strandCount": 1');
    const c = verifyExport(cutText);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.reason).toMatch(/^"head" does not match the hash of strand 1: records or strands/);
    // strandCount says more than the file holds.
    const short = verifyExport(text.replace('"strandCount": 2', '"strandCount": 3'));
    expect(short.ok).toBe(false);
    if (!short.ok) {
      expect(short.record).toBe(4);
      expect(short.reason).toMatch(/^"strandCount" is 3 but the file holds 2 strands/);
    }
    // The first strand's link to the trades is checked: the trades cut, the strands left.
    const doc = JSON.parse(text);
    const orphan = JSON.stringify({ ...doc, count: 0, records: [] });
    const o = verifyExport(orphan);
    expect(o.ok).toBe(false);
    if (!o.ok)
      expect(o.reason).toBe('strand 1: prevHash is not the genesis hash (records or strands removed)');
  });
});
