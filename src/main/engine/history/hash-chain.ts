// Verifiable trade-history export: every record carries a SHA-256 hash chained to the previous
// record, so editing, removing or reordering records breaks the chain at the first affected record.
//
// Hash definition (format version 1), precise enough to re-implement elsewhere:
//   values = the 13 fields below, in this order, each as a string:
//     seq (1-based decimal integer, e.g. "1"), planId, symbol, side, quantity,
//     entryTime (ISO 8601 UTC with milliseconds, e.g. "2024-03-01T14:30:00.000Z"), entryPrice,
//     exitTime (same), exitPrice, exitReason, pnl, pnlPct, fees (decimals as their canonical strings;
//     pnlPct rounded half-even to 4 decimals, the rest exact, so the exported pnl sums to the net P&L)
//   canonical = JSON.stringify(values): a JSON array of strings, no whitespace, non-ASCII written
//     as-is, '"' and '\' and control characters escaped as JSON requires (\b \f \n \r \t, else
//     \u00xx in lowercase hex) — e.g. Python's json.dumps(values, separators=(',', ':'), ensure_ascii=False)
//   hash = lowercase hex SHA-256 of the UTF-8 bytes of (prevHash + "\n" + canonical)
//   prevHash = the previous record's hash; for record 1 it is GENESIS_HASH (64 zeros).
// The hashed values are the exact field texts of the file (CSV cells, JSON strings; JSON seq is a
// number and is hashed as its decimal string), so a verifier never has to re-format anything.
//
// The chain proves internal consistency only: whoever rewrites every hash after an edit gets a
// valid chain with a different head. Compare the verified head with one recorded elsewhere
// (exportTrades returns it to be shown or stored) to catch that, and records cut from a CSV tail.
import { createHash } from 'node:crypto';
import { dec, isDecimalText, str } from '../../../shared/domain/decimal.ts';
import type { Strand } from '../../../shared/domain/learning.ts';
import type { TradeRecord } from '../../../shared/domain/portfolio.ts';

const PCT_DECIMALS = 4;
/** big.js rounding mode 2: half to even, so rounding does not lean one way over many records. */
const ROUND_HALF_EVEN = 2;

export type ExportFormat = 'csv' | 'json';

export const GENESIS_HASH = '0'.repeat(64);

export interface VerifyOk {
  ok: true;
  format: ExportFormat;
  count: number;
  head: string;
  /** Strands held (a version-2 JSON export); absent in a file without the strand list. */
  strands?: number;
}

export interface VerifyFail {
  ok: false;
  /**
   * 1-based record number. 0: the failure is in the file's header/structure, not in a record.
   * count+1 (one past the last record present): records are missing at the tail (JSON count/head).
   */
  record: number;
  /** 1-based line in the file. */
  line: number;
  reason: string;
}

const FORMAT_NAME = 'braid-trade-history';
const FORMAT_VERSION = 1;

/** The hashed fields, in hash order. */
const FIELDS = [
  'seq',
  'planId',
  'symbol',
  'side',
  'quantity',
  'entryTime',
  'entryPrice',
  'exitTime',
  'exitPrice',
  'exitReason',
  'pnl',
  'pnlPct',
  'fees',
] as const;

/** Columns of a record in the file: the hashed fields, then the chain. */
const COLUMNS: readonly string[] = [...FIELDS, 'prevHash', 'hash'];
const CSV_HEADER = COLUMNS.join(',');
const HEX64 = /^[0-9a-f]{64}$/;
const JSON_TOP_KEYS = ['format', 'version', 'count', 'head', 'records'];
const JSON_TOP_KEYS_V2 = [...JSON_TOP_KEYS, 'strandCount', 'strands'];
/** A JSON export with the learning loop's strands after the trades (learning.md: strands go out with the
 *  trade history). A history without strands is written as version 1, byte for byte as before. */
const STRANDS_VERSION = 2;

/**
 * A strand's hashed fields (version 2), in hash order, each as text: numbers as JavaScript writes them
 * (String(x)), a missing measure as "", times as ISO 8601 UTC with milliseconds, lists joined by a space.
 * Its chain is the trades' chain continued: strand 1's prevHash is the last trade's hash (the genesis
 * hash without trades), and the file's head is the last strand's hash.
 */
const STRAND_FIELDS = [
  'seq',
  'orderId',
  'planId',
  'symbol',
  'venue',
  'orderType',
  'side',
  'role',
  'status',
  'arm',
  'propensity',
  'timeBucket',
  'regime',
  'day',
  'sentAt',
  'endedAt',
  'arrivalPrice',
  'decisionPrice',
  'planned',
  'filled',
  'avgFillPrice',
  'fees',
  'slippageBps',
  'shortfallBps',
  'fillRatio',
  'markout1Bps',
  'markout5Bps',
  'ackMs',
  'firstFillMs',
  'lastFillMs',
  'lessonsApplied',
  'tags',
] as const;
const STRAND_COLUMNS: readonly string[] = [...STRAND_FIELDS, 'prevHash', 'hash'];

// ---------------------------------------------------------------------------------------------
// Export

/** Chain hash of one record (see the definition at the top of the file). */
function chainHash(prevHash: string, values: readonly string[]): string {
  return createHash('sha256')
    .update(prevHash + '\n' + JSON.stringify(values), 'utf8')
    .digest('hex');
}

// Never throws: a time that is not a valid epoch-ms (corrupt row) is written as its raw text
// ("NaN"), so it shows in the file instead of aborting the export.
function isoTime(ms: number): string {
  if (typeof ms !== 'number') return String(ms);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/** A percentage as a trader reads it: at most 4 decimals (a division leaves 28); a shorter one as it is. */
function percent(v: unknown): string {
  const t = text(v);
  const decimals = /\.(\d+)$/.exec(t)?.[1]?.length ?? 0;
  return decimals > PCT_DECIMALS && isDecimalText(t) ? str(dec(t).round(PCT_DECIMALS, ROUND_HALF_EVEN)) : t;
}

function fieldValues(t: TradeRecord, seq: number): string[] {
  return [
    String(seq),
    text(t.planId),
    text(t.symbol),
    text(t.side),
    text(t.quantity),
    isoTime(t.entryTime),
    text(t.entryPrice),
    isoTime(t.exitTime),
    text(t.exitPrice),
    text(t.exitReason),
    text(t.pnl),
    percent(t.pnlPct),
    text(t.fees),
  ];
}

// RFC 4180: quote a field only when it must be quoted, doubling its quotes.
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

interface ChainedRow {
  values: string[];
  prevHash: string;
  hash: string;
}

/**
 * Exports trades (in the given order) as a hash-chained CSV or JSON document.
 * `head` is the last record's hash (GENESIS_HASH when there are none): record it elsewhere.
 */
export function exportTrades(
  trades: TradeRecord[],
  format: ExportFormat,
  strands: readonly Strand[] = [],
): { text: string; head: string; count: number; strands: number } {
  let prevHash = GENESIS_HASH;
  const rows: ChainedRow[] = trades.map((t, k) => {
    const values = fieldValues(t, k + 1);
    const hash = chainHash(prevHash, values);
    const row = { values, prevHash, hash };
    prevHash = hash;
    return row;
  });
  if (format === 'csv') {
    // The CSV is the trades alone (one table); the strands go out in the JSON export.
    const lines = [CSV_HEADER];
    for (const r of rows) lines.push([...r.values, r.prevHash, r.hash].map(csvField).join(','));
    return { text: lines.join('\n') + '\n', head: prevHash, count: rows.length, strands: 0 };
  }
  const strandRows: ChainedRow[] = strands.map((x, k) => {
    const values = strandValues(x, k + 1);
    const hash = chainHash(prevHash, values);
    const row = { values, prevHash, hash };
    prevHash = hash;
    return row;
  });
  const head = prevHash;
  // One record per line so a failure's line number points at the record.
  const records = rows.map((r) => '    ' + JSON.stringify(rowObject(FIELDS, r)));
  const list = (name: string, lines: string[], last: boolean) => {
    const end = last ? '' : ',';
    return lines.length === 0
      ? [`  "${name}": []${end}`]
      : [`  "${name}": [`, lines.join(',\n'), `  ]${end}`];
  };
  const withStrands = strandRows.length > 0;
  const out = [
    '{',
    `  "format": ${JSON.stringify(FORMAT_NAME)},`,
    `  "version": ${withStrands ? STRANDS_VERSION : FORMAT_VERSION},`,
    `  "count": ${rows.length},`,
    `  "head": ${JSON.stringify(head)},`,
    ...list('records', records, !withStrands),
    ...(withStrands
      ? [
          `  "strandCount": ${strandRows.length},`,
          ...list(
            'strands',
            strandRows.map((r) => '    ' + JSON.stringify(rowObject(STRAND_FIELDS, r))),
            true,
          ),
        ]
      : []),
    '}',
  ];
  return { text: out.join('\n') + '\n', head, count: rows.length, strands: strandRows.length };
}

/** One chained row as a JSON object: seq as a number, every other field as its hashed text. */
function rowObject(fields: readonly string[], r: ChainedRow): Record<string, string | number> {
  const obj: Record<string, string | number> = {};
  fields.forEach((f, k) => {
    obj[f] = f === 'seq' ? Number(r.values[k]) : r.values[k]!;
  });
  obj.prevHash = r.prevHash;
  obj.hash = r.hash;
  return obj;
}

const measure = (x: number | null | undefined): string => (x === null || x === undefined ? '' : String(x));

/** A strand's hashed field texts, in STRAND_FIELDS order. */
function strandValues(x: Strand, seq: number): string[] {
  return [
    String(seq),
    text(x.orderId),
    text(x.planId),
    text(x.symbol),
    text(x.venue),
    text(x.orderType),
    text(x.side),
    text(x.role),
    text(x.status),
    text(x.arm),
    measure(x.propensity),
    measure(x.timeBucket),
    text(x.regime),
    text(x.day),
    isoTime(x.sentAt),
    isoTime(x.endedAt),
    text(x.arrivalPrice),
    text(x.decisionPrice),
    text(x.planned),
    text(x.filled),
    x.avgFillPrice === null ? '' : text(x.avgFillPrice),
    text(x.fees),
    measure(x.slippageBps),
    measure(x.shortfallBps),
    measure(x.fillRatio),
    measure(x.markout1Bps),
    measure(x.markout5Bps),
    measure(x.latencyMs?.ack),
    measure(x.latencyMs?.firstFill),
    measure(x.latencyMs?.lastFill),
    (x.lessonsApplied ?? []).join(' '),
    (x.tags ?? []).join(' '),
  ];
}

// ---------------------------------------------------------------------------------------------
// Verify

/** A record as read from either format, before its chain is checked. */
interface ReadRecord {
  line: number;
  values: string[]; // the 13 hashed field texts
  prevHash: string;
  hash: string;
}

class Fail {
  readonly record: number;
  readonly line: number;
  readonly reason: string;
  constructor(record: number, line: number, reason: string) {
    this.record = record;
    this.line = line;
    this.reason = reason;
  }
}

const fail = (record: number, line: number, reason: string): VerifyFail => ({
  ok: false,
  record,
  line,
  reason,
});
/** Which chained list a record is in: the trades ("record n"), or the strands after them ("strand n",
 *  numbered on from the trades in VerifyFail.record). */
interface Section {
  label: 'record' | 'strand';
  /** Added to n for VerifyFail.record. */
  offset: number;
  /** What the first record's prevHash must be, in words. */
  firstLink: string;
}
const TRADES: Section = {
  label: 'record',
  offset: 0,
  firstLink: 'prevHash is not the genesis hash (records removed from the start)',
};
const sectionFail = (sec: Section, n: number, line: number, reason: string): Fail =>
  new Fail(sec.offset + n, line, `${sec.label} ${n}: ${reason}`);

/**
 * Checks record n (1-based) against its own hash, its position and the previous record.
 * Self-consistency goes first so that any edit of a record (seq and prevHash included) reads as
 * "altered"; a record that is intact but out of place then fails on seq or on the link.
 */
function checkRecord(r: ReadRecord, n: number, prevHash: string, sec: Section = TRADES): Fail | null {
  const at = (reason: string) => sectionFail(sec, n, r.line, reason);
  if (!HEX64.test(r.prevHash)) return at('prevHash is not 64 lowercase hex digits');
  if (!HEX64.test(r.hash)) return at('hash is not 64 lowercase hex digits');
  if (chainHash(r.prevHash, r.values) !== r.hash) return at('hash does not match its contents (altered)');
  if (r.values[0] !== String(n)) {
    return at(
      `seq is ${JSON.stringify(r.values[0])}, expected ${n} (${sec.label}s removed, duplicated or reordered)`,
    );
  }
  if (r.prevHash !== prevHash) {
    return at(
      n === 1
        ? sec.firstLink
        : `prevHash does not match the hash of ${sec.label} ${n - 1} (a ${sec.label} before it was removed or rewritten)`,
    );
  }
  return null;
}

/**
 * Verifies a CSV or JSON export (detected from its first character) and names the first bad
 * record. Accepts LF or CRLF line ends and a leading UTF-8 BOM; rejects a bare CR in CSV.
 */
export function verifyExport(input: string): VerifyOk | VerifyFail {
  if (typeof input !== 'string') return fail(0, 1, 'input is not text');
  const src = input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (src.trim() === '') return fail(0, 1, 'empty input: not a Braid trade-history export');
  try {
    return /^\s*[{[]/.test(src) ? verifyJson(src) : verifyCsv(src);
  } catch (e) {
    // Only reachable through a bug; the contract is to never throw.
    return fail(0, 1, `internal error while verifying: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ----- CSV -----

interface CsvRow {
  line: number;
  fields: string[];
}

interface CsvParse {
  rows: CsvRow[];
  /** The first syntax error; rows holds every complete row before it. */
  error: { line: number; message: string } | null;
}

function countNewlines(s: string): number {
  let c = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) c++;
  return c;
}

/** RFC 4180 parser that tracks physical line numbers (quoted fields may span lines). */
function parseCsv(s: string): CsvParse {
  const rows: CsvRow[] = [];
  const n = s.length;
  let i = 0;
  let line = 1;
  const error = (l: number, message: string): CsvParse => ({ rows, error: { line: l, message } });
  while (i < n) {
    const row: CsvRow = { line, fields: [] };
    for (;;) {
      if (s[i] === '"') {
        const openLine = line;
        let value = '';
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q === -1) return error(openLine, `unterminated quoted field (opened on line ${openLine})`);
          const chunk = s.slice(i, q);
          line += countNewlines(chunk);
          value += chunk;
          if (s[q + 1] === '"') {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        row.fields.push(value);
      } else {
        let j = i;
        while (j < n && s[j] !== ',' && s[j] !== '\n' && s[j] !== '\r' && s[j] !== '"') j++;
        if (s[j] === '"')
          return error(line, 'quote inside an unquoted field (quote the field, double its quotes)');
        row.fields.push(s.slice(i, j));
        i = j;
      }
      if (i >= n) break; // last row without a trailing newline: allowed by RFC 4180
      const c = s[i];
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '\n' || (c === '\r' && s[i + 1] === '\n')) {
        i += c === '\n' ? 1 : 2;
        line++;
        break;
      }
      if (c === '\r') return error(line, 'bare carriage return (CR without LF) outside a quoted field');
      return error(line, 'unexpected character after a closing quote');
    }
    rows.push(row);
  }
  return { rows, error: null };
}

function verifyCsv(s: string): VerifyOk | VerifyFail {
  const { rows, error } = parseCsv(s);
  const header = rows[0];
  if (!header) return fail(0, error?.line ?? 1, `malformed CSV header: ${error?.message ?? 'no header'}`);
  const cols = header.fields;
  if (cols[0] !== 'seq') {
    return fail(
      0,
      1,
      `not a Braid trade-history export: the first line is not the CSV header "${CSV_HEADER}"`,
    );
  }
  for (let k = 0; k < Math.max(cols.length, COLUMNS.length); k++) {
    if (cols[k] !== COLUMNS[k]) {
      const got = cols[k] === undefined ? 'missing' : JSON.stringify(cols[k]);
      const want = COLUMNS[k] === undefined ? 'no column' : JSON.stringify(COLUMNS[k]);
      return fail(
        0,
        1,
        `bad header: column ${k + 1} is ${got}, expected ${want} (header must be "${CSV_HEADER}")`,
      );
    }
  }
  let prevHash = GENESIS_HASH;
  for (let k = 1; k < rows.length; k++) {
    const row = rows[k]!;
    if (row.fields.length !== COLUMNS.length) {
      const blank = row.fields.length === 1 && row.fields[0] === '' ? ' (blank line)' : '';
      return fail(
        k,
        row.line,
        `record ${k}: has ${row.fields.length} fields, expected ${COLUMNS.length}${blank}`,
      );
    }
    const r: ReadRecord = {
      line: row.line,
      values: row.fields.slice(0, FIELDS.length),
      prevHash: row.fields[FIELDS.length]!,
      hash: row.fields[FIELDS.length + 1]!,
    };
    const bad = checkRecord(r, k, prevHash);
    if (bad) return fail(bad.record, bad.line, bad.reason);
    prevHash = r.hash;
  }
  if (error) {
    const k = rows.length; // the row being read when the error hit (header is row 0)
    return fail(k, error.line, `record ${k}: malformed CSV: ${error.message}`);
  }
  // CSV carries no count/head, so records cut from the end go unnoticed here: compare `head`.
  return { ok: true, format: 'csv', count: rows.length - 1, head: prevHash };
}

// ----- JSON -----

// A small JSON parser instead of JSON.parse: it gives line numbers for syntax errors and for every
// value, and rejects duplicate keys (JSON.parse keeps the last one silently, other parsers the first).
type JNode =
  | { t: 'obj'; line: number; props: Map<string, JNode>; keyLines: Map<string, number> }
  | { t: 'arr'; line: number; items: JNode[] }
  | { t: 'str'; line: number; v: string }
  | { t: 'num'; line: number; v: number }
  | { t: 'lit'; line: number; v: boolean | null };

const MAX_DEPTH = 32; // the format nests 3 deep; bounds recursion on hostile input
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

/** Parses JSON; `record` is the records-array element being parsed, to attribute a syntax error. */
function parseJson(s: string): JNode {
  let i = 0;
  let line = 1;
  let record = 0;
  const bad = (message: string, l = line): Fail =>
    record > 0
      ? new Fail(record, l, `record ${record}: malformed JSON: ${message}`)
      : new Fail(0, l, `malformed JSON: ${message}`);
  const ws = (): void => {
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
    }
  };
  const describe = (): string => (i >= s.length ? 'end of input' : JSON.stringify(s[i]));

  const parseString = (): JNode & { t: 'str' } => {
    const start = i;
    let j = i + 1;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === 0x22) break; // closing quote
      if (c === 0x5c)
        j++; // skip the escaped character
      else if (c < 0x20) throw bad('unterminated string or raw control character in a string');
    }
    if (j >= s.length) throw bad('unterminated string');
    i = j + 1;
    try {
      return { t: 'str', line, v: JSON.parse(s.slice(start, i)) as string };
    } catch {
      throw bad('invalid escape in a string');
    }
  };

  const parseValue = (depth: number, isRecords: boolean): JNode => {
    if (depth > MAX_DEPTH) throw bad('nested too deeply');
    ws();
    const c = s[i];
    const at = line;
    if (c === '{') {
      i++;
      const node: JNode = { t: 'obj', line: at, props: new Map(), keyLines: new Map() };
      ws();
      if (s[i] === '}') {
        i++;
        return node;
      }
      for (;;) {
        ws();
        if (s[i] !== '"') throw bad(`expected a string key, found ${describe()}`);
        const keyLine = line;
        const key = parseString().v;
        if (node.props.has(key)) throw bad(`duplicate key ${JSON.stringify(key)}`, keyLine);
        ws();
        if (s[i] !== ':') throw bad(`expected ':' after key ${JSON.stringify(key)}, found ${describe()}`);
        i++;
        node.keyLines.set(key, keyLine);
        node.props.set(key, parseValue(depth + 1, depth === 0 && key === 'records'));
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === '}') {
          i++;
          return node;
        }
        throw bad(`expected ',' or '}' in an object, found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const node: JNode = { t: 'arr', line: at, items: [] };
      const mark = (): void => {
        if (isRecords) record = node.items.length + 1;
      };
      mark();
      ws();
      if (s[i] === ']') {
        i++;
        if (isRecords) record = 0;
        return node;
      }
      for (;;) {
        node.items.push(parseValue(depth + 1, false));
        mark();
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ']') {
          i++;
          if (isRecords) record = 0;
          return node;
        }
        throw bad(`expected ',' or ']' in an array, found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (s.startsWith(word, i)) {
        i += word.length;
        return { t: 'lit', line: at, v };
      }
    }
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(s);
    if (m) {
      i += m[0].length;
      return { t: 'num', line: at, v: Number(m[0]) };
    }
    throw bad(`expected a value, found ${describe()}`);
  };

  const root = parseValue(0, false);
  ws();
  if (i < s.length) throw bad(`unexpected ${describe()} after the end of the document`);
  return root;
}

function jsonRecord(
  node: JNode,
  n: number,
  sec: Section = TRADES,
  columns: readonly string[] = COLUMNS,
): ReadRecord | Fail {
  const at = (line: number, reason: string) => sectionFail(sec, n, line, reason);
  if (node.t !== 'obj') return at(node.line, 'is not a JSON object');
  for (const key of columns) {
    if (!node.props.has(key)) return at(node.line, `missing field ${JSON.stringify(key)}`);
  }
  for (const [key] of node.props) {
    if (!columns.includes(key)) {
      return at(node.keyLines.get(key) ?? node.line, `unexpected field ${JSON.stringify(key)}`);
    }
  }
  const texts: string[] = [];
  for (const key of columns) {
    const v = node.props.get(key)!;
    if (key === 'seq') {
      if (v.t !== 'num' || !Number.isSafeInteger(v.v) || v.v < 1) {
        return at(v.line, 'seq must be a positive integer');
      }
      texts.push(String(v.v));
    } else {
      if (v.t !== 'str') return at(v.line, `field ${JSON.stringify(key)} must be a string`);
      texts.push(v.v);
    }
  }
  const fields = columns.length - 2;
  return {
    line: node.line,
    values: texts.slice(0, fields),
    prevHash: texts[fields]!,
    hash: texts[fields + 1]!,
  };
}

function verifyJson(s: string): VerifyOk | VerifyFail {
  let root: JNode;
  try {
    root = parseJson(s);
  } catch (e) {
    if (e instanceof Fail) return fail(e.record, e.line, e.reason);
    throw e;
  }
  if (root.t !== 'obj') return fail(0, root.line, 'not a Braid trade-history export: not a JSON object');
  const p = root.props;
  const at = (key: string): number => root.keyLines.get(key) ?? root.line;
  const format = p.get('format');
  if (format?.t !== 'str' || format.v !== FORMAT_NAME) {
    return fail(0, at('format'), `not a Braid trade-history export: "format" is not "${FORMAT_NAME}"`);
  }
  const version = p.get('version');
  if (version?.t !== 'num' || (version.v !== FORMAT_VERSION && version.v !== STRANDS_VERSION)) {
    return fail(
      0,
      at('version'),
      `unsupported "version" (this verifier reads versions ${FORMAT_VERSION} and ${STRANDS_VERSION})`,
    );
  }
  const withStrands = version.v === STRANDS_VERSION;
  const topKeys = withStrands ? JSON_TOP_KEYS_V2 : JSON_TOP_KEYS;
  for (const [key] of p) {
    if (!topKeys.includes(key)) return fail(0, at(key), `unexpected top-level key ${JSON.stringify(key)}`);
  }
  const count = p.get('count');
  if (count?.t !== 'num' || !Number.isSafeInteger(count.v) || count.v < 0) {
    return fail(0, at('count'), '"count" must be a non-negative integer');
  }
  const head = p.get('head');
  if (head?.t !== 'str' || !HEX64.test(head.v)) {
    return fail(0, at('head'), '"head" must be 64 lowercase hex digits');
  }
  const records = p.get('records');
  if (records?.t !== 'arr') return fail(0, at('records'), '"records" must be an array');

  let prevHash = GENESIS_HASH;
  for (let k = 0; k < records.items.length; k++) {
    const n = k + 1;
    const r = jsonRecord(records.items[k]!, n);
    if (r instanceof Fail) return fail(r.record, r.line, r.reason);
    const bad = checkRecord(r, n, prevHash);
    if (bad) return fail(bad.record, bad.line, bad.reason);
    prevHash = r.hash;
  }
  const held = records.items.length;
  if (count.v > held) {
    return fail(
      held + 1,
      at('count'),
      `"count" is ${count.v} but the file holds ${held} records: ` +
        `record ${held + 1} onwards is missing (truncated) or "count" was altered`,
    );
  }
  if (count.v < held) {
    const extra = records.items[count.v]!;
    return fail(
      count.v + 1,
      extra.line,
      `record ${count.v + 1}: beyond "count" ${count.v} (records appended or "count" altered)`,
    );
  }
  let last = held === 0 ? 'the genesis' : `record ${held}`;
  let strandsHeld: number | undefined;
  if (withStrands) {
    const strandCount = p.get('strandCount');
    if (strandCount?.t !== 'num' || !Number.isSafeInteger(strandCount.v) || strandCount.v < 0) {
      return fail(0, at('strandCount'), '"strandCount" must be a non-negative integer');
    }
    const strands = p.get('strands');
    if (strands?.t !== 'arr') return fail(0, at('strands'), '"strands" must be an array');
    // The strands chain on from the last trade, so the head covers both lists.
    const sec: Section = {
      label: 'strand',
      offset: held,
      firstLink:
        held === 0
          ? 'prevHash is not the genesis hash (records or strands removed)'
          : `prevHash is not the hash of record ${held} (records or strands removed)`,
    };
    for (let k = 0; k < strands.items.length; k++) {
      const n = k + 1;
      const r = jsonRecord(strands.items[k]!, n, sec, STRAND_COLUMNS);
      if (r instanceof Fail) return fail(r.record, r.line, r.reason);
      const bad = checkRecord(r, n, prevHash, sec);
      if (bad) return fail(bad.record, bad.line, bad.reason);
      prevHash = r.hash;
    }
    strandsHeld = strands.items.length;
    if (strandCount.v !== strandsHeld) {
      return fail(
        held + Math.min(strandCount.v, strandsHeld) + 1,
        at('strandCount'),
        `"strandCount" is ${strandCount.v} but the file holds ${strandsHeld} strands: ` +
          'strands were cut, appended, or "strandCount" was altered',
      );
    }
    if (strandsHeld > 0) last = `strand ${strandsHeld}`;
  }
  if (head.v !== prevHash) {
    return fail(
      held + (strandsHeld ?? 0) + 1,
      at('head'),
      `"head" does not match the hash of ${last}: ` +
        `${withStrands ? 'records or strands' : 'records'} were removed from the end (with the count adjusted) or "head" was altered`,
    );
  }
  return {
    ok: true,
    format: 'json',
    count: held,
    head: prevHash,
    ...(strandsHeld !== undefined ? { strands: strandsHeld } : {}),
  };
}
