import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportTrades, GENESIS_HASH, verifyExport } from '../../src/main/engine/history/hash-chain.ts';
import type { TradeRecord } from '../../src/shared/domain/portfolio.ts';

// 2024-03-01T14:30:00.000Z and friends, written as epoch ms by hand.
const T0 = 1_709_303_400_000;
const HOUR = 3_600_000;

const TRADES: TradeRecord[] = [
  {
    planId: 'plan-1',
    symbol: 'AAPL',
    side: 'long',
    quantity: '10',
    entryTime: T0,
    entryPrice: '190.25',
    exitTime: T0 + HOUR,
    exitPrice: '192.5',
    exitReason: 'take_profit',
    pnl: '22.48',
    pnlPct: '1.1826',
    fees: '0.02',
  },
  {
    planId: 'plan-2',
    symbol: 'BRK,B', // needs quoting in CSV
    side: 'short',
    quantity: '3',
    entryTime: T0 + 2 * HOUR,
    entryPrice: '410.1',
    exitTime: T0 + 3 * HOUR + 123,
    exitPrice: '412',
    exitReason: 'stop_loss',
    pnl: '-5.71',
    pnlPct: '-0.4633',
    fees: '0.01',
  },
  {
    planId: 'plan "q"', // a quote needs doubling in CSV
    symbol: 'MSFT',
    side: 'long',
    quantity: '0.5',
    entryTime: T0 + 4 * HOUR,
    entryPrice: '415.5',
    exitTime: T0 + 5 * HOUR,
    exitPrice: '414',
    exitReason: 'kill_switch',
    pnl: '-0.76',
    pnlPct: '-0.3610',
    fees: '0.01',
  },
  {
    planId: 'plan-4',
    symbol: 'TSLA',
    side: 'short',
    quantity: '2',
    entryTime: T0 + 6 * HOUR,
    entryPrice: '200',
    exitTime: T0 + 7 * HOUR,
    exitPrice: '190',
    exitReason: 'trailing_stop',
    pnl: '19.98',
    pnlPct: '5',
    fees: '0.02',
  },
];

const HEADER =
  'seq,planId,symbol,side,quantity,entryTime,entryPrice,exitTime,exitPrice,exitReason,pnl,pnlPct,fees,prevHash,hash';
// Records start on this line in the JSON layout: record n is on line JSON_FIRST_LINE + n - 1.
const JSON_FIRST_LINE = 7;

/** The documented hash, re-implemented here independently of the module. */
function refHash(prevHash: string, values: string[]): string {
  return createHash('sha256')
    .update(prevHash + '\n' + JSON.stringify(values))
    .digest('hex');
}

const csv = () => exportTrades(TRADES, 'csv');
const json = () => exportTrades(TRADES, 'json');
const lines = (text: string) => text.split('\n');
const unlines = (ls: string[]) => ls.join('\n');

/** Replaces the first occurrence of `from` on a given 1-based line (fails loudly if absent). */
function editLine(text: string, line: number, from: string, to: string): string {
  const ls = lines(text);
  const l = ls[line - 1]!;
  expect(l).toContain(from);
  ls[line - 1] = l.replace(from, to);
  return unlines(ls);
}

function expectFail(text: string, record: number, line: number, reason: string | RegExp) {
  const v = verifyExport(text);
  expect(v.ok).toBe(false);
  if (v.ok) return;
  expect({ record: v.record, line: v.line }).toEqual({ record, line });
  if (typeof reason === 'string') expect(v.reason).toBe(reason);
  else expect(v.reason).toMatch(reason);
}

/** JSON export text rebuilt from parsed records (for edits that need valid JSON). */
function jsonDoc(doc: { count: number; head: string; records: Record<string, unknown>[] }): string {
  return [
    '{',
    '  "format": "braid-trade-history",',
    '  "version": 1,',
    `  "count": ${doc.count},`,
    `  "head": ${JSON.stringify(doc.head)},`,
    '  "records": [',
    doc.records.map((r) => '    ' + JSON.stringify(r)).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

const altered = (n: number) => `record ${n}: hash does not match its contents (altered)`;

const parsed = () =>
  JSON.parse(json().text) as { count: number; head: string; records: Record<string, unknown>[] };

describe('hash-chain export format', () => {
  it('pins the hash: SHA-256 of prevHash + "\\n" + JSON array of the field strings', () => {
    const values1 = [
      '1',
      'plan-1',
      'AAPL',
      'long',
      '10',
      '2024-03-01T14:30:00.000Z',
      '190.25',
      '2024-03-01T15:30:00.000Z',
      '192.5',
      'take_profit',
      '22.48',
      '1.1826',
      '0.02',
    ];
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    const h1 = refHash('0'.repeat(64), values1);
    // Golden value (also computed with Python's json.dumps(separators=(',', ':'))): changing it
    // breaks every export already handed out.
    expect(h1).toBe('eaaf9d7b79d23483772093cc50465f1c43009a1c4cb98a146190f11abf03375b');
    const one = exportTrades([TRADES[0]!], 'csv');
    expect(one.head).toBe(h1);
    expect(lines(one.text)[1]).toBe(`${values1.join(',')},${GENESIS_HASH},${h1}`);

    const values2 = [
      '2',
      'plan-2',
      'BRK,B',
      'short',
      '3',
      '2024-03-01T16:30:00.000Z',
      '410.1',
      '2024-03-01T17:30:00.123Z',
      '412',
      'stop_loss',
      '-5.71',
      '-0.4633',
      '0.01',
    ];
    const h2 = refHash(h1, values2);
    const two = exportTrades(TRADES.slice(0, 2), 'json');
    expect(two.head).toBe(h2);
    const rec2 = (JSON.parse(two.text) as { records: Record<string, unknown>[] }).records[1]!;
    expect(rec2.prevHash).toBe(h1);
    expect(rec2.hash).toBe(h2);
  });

  it('writes RFC 4180 CSV: header, one record a line, quoting, \\n line ends, trailing newline', () => {
    const e = csv();
    expect(e.count).toBe(4);
    expect(e.text.endsWith('\n')).toBe(true);
    expect(e.text).not.toContain('\r');
    const ls = lines(e.text);
    expect(ls).toHaveLength(1 + 4 + 1); // header, 4 records, '' after the trailing newline
    expect(ls[0]).toBe(HEADER);
    expect(ls[2]!.startsWith('2,plan-2,"BRK,B",short,3,2024-03-01T16:30:00.000Z,410.1,')).toBe(true);
    expect(ls[3]!.startsWith('3,"plan ""q""",MSFT,long,0.5,')).toBe(true);
    expect(ls[4]!.endsWith(`,${e.head}`)).toBe(true);
  });

  it('writes JSON with format, version, count, head and one record per line', () => {
    const e = json();
    const doc = JSON.parse(e.text) as Record<string, unknown> & { records: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['format', 'version', 'count', 'head', 'records']);
    expect(doc).toMatchObject({ format: 'braid-trade-history', version: 1, count: 4, head: e.head });
    expect(Object.keys(doc.records[0]!)).toEqual(HEADER.split(','));
    expect(doc.records[2]).toMatchObject({
      seq: 3,
      planId: 'plan "q"',
      quantity: '0.5',
      entryTime: '2024-03-01T18:30:00.000Z',
      pnlPct: '-0.3610',
    });
    const ls = lines(e.text);
    for (let n = 1; n <= 4; n++) expect(ls[JSON_FIRST_LINE + n - 2]).toContain(`{"seq":${n},`);
  });

  it('exports and verifies an empty history', () => {
    const c = exportTrades([], 'csv');
    expect(c).toEqual({ text: HEADER + '\n', head: GENESIS_HASH, count: 0, strands: 0 });
    expect(verifyExport(c.text)).toEqual({ ok: true, format: 'csv', count: 0, head: GENESIS_HASH });
    const j = exportTrades([], 'json');
    expect(j.head).toBe(GENESIS_HASH);
    expect(JSON.parse(j.text)).toEqual({
      format: 'braid-trade-history',
      version: 1,
      count: 0,
      head: GENESIS_HASH,
      records: [],
    });
    expect(verifyExport(j.text)).toEqual({ ok: true, format: 'json', count: 0, head: GENESIS_HASH });
  });

  it('does not throw on a corrupt time: writes it as text', () => {
    const e = exportTrades([{ ...TRADES[0]!, exitTime: Number.NaN }], 'csv');
    expect(lines(e.text)[1]).toContain(',NaN,');
    expect(verifyExport(e.text)).toMatchObject({ ok: true, count: 1 });
  });
});

describe('hash-chain round trip', () => {
  it('verifies CSV and JSON exports of the same history with the same head', () => {
    const c = csv();
    const j = json();
    expect(c.head).toBe(j.head);
    expect(verifyExport(c.text)).toEqual({ ok: true, format: 'csv', count: 4, head: c.head });
    expect(verifyExport(j.text)).toEqual({ ok: true, format: 'json', count: 4, head: j.head });
  });

  it('accepts CRLF line ends (CSV and JSON), a UTF-8 BOM and a CSV without its final newline', () => {
    const head = csv().head;
    expect(verifyExport(csv().text.replaceAll('\n', '\r\n'))).toEqual({
      ok: true,
      format: 'csv',
      count: 4,
      head,
    });
    expect(verifyExport(json().text.replaceAll('\n', '\r\n'))).toEqual({
      ok: true,
      format: 'json',
      count: 4,
      head,
    });
    expect(verifyExport('\uFEFF' + csv().text)).toMatchObject({ ok: true, head });
    expect(verifyExport(csv().text.slice(0, -1))).toMatchObject({ ok: true, count: 4, head });
  });

  it('rejects a bare CR line end in CSV with its line', () => {
    const ls = lines(csv().text);
    const text = ls.slice(0, 3).join('\n') + '\r' + ls.slice(3).join('\n');
    expectFail(text, 2, 3, /^record 2: malformed CSV: bare carriage return/);
  });

  it('keeps line numbers right when a quoted CSV field spans lines; CRLF inside it is an edit', () => {
    const trades = [TRADES[0]!, { ...TRADES[1]!, symbol: 'ODD\nSYM' }, TRADES[2]!];
    const e = exportTrades(trades, 'csv');
    expect(verifyExport(e.text)).toMatchObject({ ok: true, count: 3 });
    // Record 3 starts on line 5 because record 2 spans lines 3-4.
    expectFail(
      editLine(e.text, 5, ',415.5,', ',415.6,'),
      3,
      5,
      'record 3: hash does not match its contents (altered)',
    );
    // Converting every LF to CRLF changes the symbol's contents, so the record reads as altered.
    expectFail(e.text.replaceAll('\n', '\r\n'), 2, 3, 'record 2: hash does not match its contents (altered)');
  });
});

describe('hash-chain tamper detection', () => {
  it('CSV: a changed price, quantity, time or quoted symbol names that record', () => {
    const t = csv().text;
    expectFail(editLine(t, 3, ',410.1,', ',410.2,'), 2, 3, altered(2));
    expectFail(editLine(t, 4, ',MSFT,long,0.5,', ',MSFT,long,5,'), 3, 4, altered(3));
    expectFail(editLine(t, 5, '2024-03-01T21:30:00.000Z', '2024-03-01T21:31:00.000Z'), 4, 5, altered(4));
    expectFail(editLine(t, 3, '"BRK,B"', '"BRK,A"'), 2, 3, altered(2));
    // Unquoting the comma splits the field: the row no longer has 15 columns.
    expectFail(editLine(t, 3, '"BRK,B"', 'BRK,B'), 2, 3, 'record 2: has 16 fields, expected 15');
  });

  it('JSON: changing any single field of record 3 names record 3 on its line', () => {
    const doc = parsed();
    for (const key of HEADER.split(',')) {
      const recs = doc.records.map((r) => ({ ...r }));
      const r = recs[2]!;
      const v = r[key];
      if (typeof v === 'number') r[key] = v + 1;
      else if (key === 'prevHash' || key === 'hash')
        r[key] = (v as string).replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
      else r[key] = (v as string) + '0';
      expectFail(jsonDoc({ ...doc, records: recs }), 3, JSON_FIRST_LINE + 2, altered(3));
    }
  });

  it('CSV: a deleted record is named by the record that now sits in its place', () => {
    const ls = lines(csv().text);
    expectFail(
      unlines([...ls.slice(0, 2), ...ls.slice(3)]),
      2,
      3,
      /^record 2: seq is "3", expected 2 \(records removed/,
    );
    expectFail(unlines([ls[0]!, ...ls.slice(2)]), 1, 2, /^record 1: seq is "2", expected 1/);
  });

  it('CSV: reordered or duplicated records are named', () => {
    const ls = lines(csv().text);
    expectFail(
      unlines([ls[0]!, ls[1]!, ls[3]!, ls[2]!, ...ls.slice(4)]),
      2,
      3,
      /^record 2: seq is "3", expected 2/,
    );
    expectFail(
      unlines([...ls.slice(0, 3), ls[2]!, ...ls.slice(3)]),
      3,
      4,
      /^record 3: seq is "2", expected 3/,
    );
  });

  it('names the next record when one was rewritten with a recomputed hash', () => {
    const doc = parsed();
    const recs = doc.records.map((r) => ({ ...r }));
    const r2 = recs[1]!;
    r2.exitPrice = '999';
    const values = HEADER.split(',')
      .slice(0, 13)
      .map((k) => String(r2[k]));
    r2.hash = refHash(r2.prevHash as string, values);
    expectFail(
      jsonDoc({ ...doc, records: recs }),
      3,
      JSON_FIRST_LINE + 2,
      'record 3: prevHash does not match the hash of record 2 (a record before it was removed or rewritten)',
    );
  });

  it('a fully rewritten chain verifies, but with a different head than the export reported', () => {
    const forged = exportTrades([TRADES[0]!, { ...TRADES[1]!, pnl: '500' }, ...TRADES.slice(2)], 'csv');
    const v = verifyExport(forged.text);
    expect(v).toMatchObject({ ok: true, count: 4 });
    expect(v.ok && v.head).not.toBe(csv().head);
  });

  it('JSON: a record removed from the middle (count fixed up) is named', () => {
    const doc = parsed();
    const recs = [doc.records[0]!, ...doc.records.slice(2)];
    expectFail(
      jsonDoc({ ...doc, count: 3, records: recs }),
      2,
      JSON_FIRST_LINE + 1,
      /^record 2: seq is "3", expected 2/,
    );
  });

  it('JSON: truncation at the tail is caught by count, then by head', () => {
    const doc = parsed();
    const recs = doc.records.slice(0, 3);
    expectFail(
      jsonDoc({ ...doc, records: recs }),
      4,
      4,
      /^"count" is 4 but the file holds 3 records: .*truncated/,
    );
    expectFail(
      jsonDoc({ ...doc, count: 3, records: recs }),
      4,
      5,
      /^"head" does not match the hash of record 3: records were removed from the end/,
    );
    // count and head both fixed up: consistent, but the head differs from the one the export reported.
    const v = verifyExport(jsonDoc({ count: 3, head: recs[2]!.hash as string, records: recs }));
    expect(v).toMatchObject({ ok: true, count: 3 });
    expect(v.ok && v.head).not.toBe(doc.head);
  });

  it('JSON: a record beyond count, and a head that does not match, are named', () => {
    const doc = parsed();
    expectFail(jsonDoc({ ...doc, count: 3 }), 4, JSON_FIRST_LINE + 3, /^record 4: beyond "count" 3/);
    expectFail(
      jsonDoc({ ...doc, head: 'f'.repeat(64) }),
      5,
      5,
      /^"head" does not match the hash of record 4/,
    );
  });

  it('CSV: truncation at the tail keeps a valid chain; only the head tells (CSV has no count)', () => {
    const ls = lines(csv().text);
    const v = verifyExport(unlines([...ls.slice(0, 4), '']));
    expect(v).toMatchObject({ ok: true, count: 3 });
    expect(v.ok && v.head).not.toBe(csv().head);
  });

  it('JSON: duplicate keys, unexpected, missing and mistyped fields are rejected', () => {
    const t = json().text;
    const line2 = JSON_FIRST_LINE + 1;
    expectFail(
      editLine(t, line2, '"quantity":"3",', '"quantity":"3","quantity":"30",'),
      2,
      line2,
      'record 2: malformed JSON: duplicate key "quantity"',
    );
    expectFail(
      editLine(t, line2, '"seq":2,', '"seq":2,"note":"x",'),
      2,
      line2,
      'record 2: unexpected field "note"',
    );
    expectFail(editLine(t, line2, '"fees":"0.01",', ''), 2, line2, 'record 2: missing field "fees"');
    expectFail(
      editLine(t, line2, '"quantity":"3"', '"quantity":3'),
      2,
      line2,
      'record 2: field "quantity" must be a string',
    );
    expectFail(
      editLine(t, line2, '"seq":2', '"seq":"2"'),
      2,
      line2,
      'record 2: seq must be a positive integer',
    );
    expectFail(
      editLine(t, line2, /"hash":"[0-9a-f]{64}"/.exec(lines(t)[line2 - 1]!)![0], '"hash":"x"'),
      2,
      line2,
      'record 2: hash is not 64 lowercase hex digits',
    );
  });
});

describe('hash-chain malformed input', () => {
  it('rejects empty input and garbage without throwing', () => {
    expectFail('', 0, 1, /^empty input/);
    expectFail(' \n\n', 0, 1, /^empty input/);
    expectFail(
      'hello world\n',
      0,
      1,
      /^not a Braid trade-history export: the first line is not the CSV header/,
    );
    expectFail('\u0000\u0001\uFFFD\u00FF binary', 0, 1, /^not a Braid trade-history export/);
    expectFail('{', 0, 1, /^malformed JSON: expected a string key, found end of input/);
    expectFail('[1,2]', 0, 1, 'not a Braid trade-history export: not a JSON object');
    expectFail('{"format":"x"}', 0, 1, /^not a Braid trade-history export: "format" is not/);
    expectFail('['.repeat(100_000), 0, 1, 'malformed JSON: nested too deeply');
    expectFail(null as unknown as string, 0, 1, 'input is not text');
  });

  it('JSON: a syntax error inside a record names the record and its line', () => {
    const t = json().text;
    expectFail(
      editLine(t, JSON_FIRST_LINE + 1, '"side":"short"', '"side":short'),
      2,
      JSON_FIRST_LINE + 1,
      /^record 2: malformed JSON: expected a value/,
    );
    expectFail(
      editLine(t, JSON_FIRST_LINE + 2, '},', '}'),
      4,
      JSON_FIRST_LINE + 3,
      /^record 4: malformed JSON: expected ',' or '\]'/,
    );
    expectFail(t + 'x', 0, 13, /^malformed JSON: unexpected "x" after the end of the document/);
  });

  it('JSON: bad top-level fields are file-level failures (record 0)', () => {
    const t = json().text;
    expectFail(editLine(t, 3, '1', '3'), 0, 3, /^unsupported "version"/);
    // Version 2 promises the strand list: a version-1 file relabelled 2 lacks it.
    expectFail(editLine(t, 3, '1', '2'), 0, 1, '"strandCount" must be a non-negative integer');
    expectFail(editLine(t, 4, '4', '-1'), 0, 4, '"count" must be a non-negative integer');
    expectFail(editLine(t, 5, '"head": "', '"head": "x'), 0, 5, '"head" must be 64 lowercase hex digits');
    expectFail(editLine(t, 2, '"format"', '"extra": 1, "format"'), 0, 2, 'unexpected top-level key "extra"');
  });

  it('CSV: a bad header is named with its column', () => {
    const t = csv().text;
    expectFail(
      editLine(t, 1, ',symbol,', ',sym,'),
      0,
      1,
      /^bad header: column 3 is "sym", expected "symbol"/,
    );
    expectFail(editLine(t, 1, ',hash', ''), 0, 1, /^bad header: column 15 is missing, expected "hash"/);
  });

  it('CSV: malformed rows name the record and line', () => {
    const t = csv().text;
    expectFail(
      editLine(t, 5, ',TSLA,', ',"TSLA,'),
      4,
      5,
      /^record 4: malformed CSV: unterminated quoted field \(opened on line 5\)/,
    );
    // An unclosed quote swallows the line end up to the next quote, where the parser notices.
    expectFail(
      editLine(t, 3, '"BRK,B"', '"BRK,B'),
      2,
      4,
      /^record 2: malformed CSV: unexpected character after a closing quote/,
    );
    expectFail(
      editLine(t, 3, '"BRK,B"', 'BRK"B'),
      2,
      3,
      /^record 2: malformed CSV: quote inside an unquoted field/,
    );
    expectFail(
      editLine(t, 3, '"BRK,B"', '"BRK"B'),
      2,
      3,
      /^record 2: malformed CSV: unexpected character after a closing quote/,
    );
    expectFail(editLine(t, 4, ',0.01,', ','), 3, 4, 'record 3: has 14 fields, expected 15');
    const ls = lines(t);
    expectFail(
      unlines([...ls.slice(0, 3), '', ...ls.slice(3)]),
      3,
      4,
      'record 3: has 1 fields, expected 15 (blank line)',
    );
    expectFail(t + '\n', 5, 6, 'record 5: has 1 fields, expected 15 (blank line)');
  });

  it('reports the first bad record when several are bad', () => {
    let t = csv().text;
    t = editLine(t, 5, ',200,', ',201,');
    t = editLine(t, 3, ',410.1,', ',410.2,');
    expectFail(t, 2, 3, 'record 2: hash does not match its contents (altered)');
  });
});

describe('figures in the export', () => {
  it('carry pnlPct at 4 decimals (half-even), prices, P&L and fees exact', () => {
    const cases: Array<[string, string]> = [
      ['0.9009425662546594006933250001', '0.9009'], // a division's 28 decimals, as a replay leaves them
      ['-0.9283592043956043956043956044', '-0.9284'],
      ['0.00005', '0'], // half to even: down to 0.0000
      ['0.00015', '0.0002'], // half to even: up to 0.0002
      ['12.5', '12.5'],
    ];
    const trades = cases.map(([pnlPct], i) => ({
      ...TRADES[0]!,
      planId: `p${i}`,
      pnlPct,
      entryPrice: '180.348033',
      pnl: '35.7463083274',
      fees: '0.5969656726',
    }));
    const csv = exportTrades(trades, 'csv').text.trimEnd().split('\n');
    const header = csv[0]!.split(',');
    const col = (name: string) => header.indexOf(name);
    csv.slice(1).forEach((line, i) => {
      const cells = line.split(',');
      expect(cells[col('pnlPct')]).toBe(cases[i]![1]);
      expect(cells[col('entryPrice')]).toBe('180.348033');
      expect(cells[col('pnl')]).toBe('35.7463083274');
      expect(cells[col('fees')]).toBe('0.5969656726');
    });
    // What is exported is what is hashed: the file verifies.
    expect(verifyExport(exportTrades(trades, 'csv').text).ok).toBe(true);
    expect(verifyExport(exportTrades(trades, 'json').text).ok).toBe(true);
  });
});
