// AddOrder's parameters read and checked as Kraken does, with Kraken's error texts: the pair, side and
// type, the volume against lot_decimals and ordermin, prices against pair_decimals and the tick, the
// order's cost against costmin, and the two kinds of client id (cl_ord_id, userref: never both).
import { type Dec, dec, isDecimalText, isMultipleOf } from '../../../../src/shared/domain/decimal.ts';
import { type Book, type NewOrder, ORDER_TYPES, type OrderType, type Outcome, type Side } from './book.ts';
import { type Pair, placesOf } from './market.ts';

export type Params = Record<string, unknown>;

/** A parameter as text (form bodies are text already; JSON bodies may carry numbers and booleans). */
export function text(params: Params, key: string): string | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export const isTrue = (v: string | undefined) => v === 'true' || v === 'True' || v === '1';

/** Kraken's three cl_ord_id formats: long UUID, short UUID (32 hex), or free text of at most 18 characters. */
export function clOrdIdProblem(id: string): string | null {
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id)) return null;
  if (/^[0-9a-fA-F]{32}$/.test(id)) return null;
  if (id.length >= 1 && id.length <= 18 && /^[\x21-\x7e]+$/.test(id)) return null;
  return 'EGeneral:Invalid arguments:cl_ord_id';
}

function positiveDecimal(t: string | undefined): Dec | null {
  if (t === undefined || !isDecimalText(t) || /e/i.test(t)) return null;
  const d = dec(t);
  return d.gt(0) ? d : null;
}

function checkPrice(pair: Pair, t: string | undefined, field: 'price' | 'price2'): Outcome<Dec> {
  const d = positiveDecimal(t);
  if (d === null || t === undefined) return { ok: false, error: `EGeneral:Invalid arguments:${field}` };
  if (placesOf(t.trim()) > pair.pairDecimals && !d.eq(d.round(pair.pairDecimals))) {
    return {
      ok: false,
      error: `EOrder:Invalid price:${pair.altname} price can only be specified up to ${pair.pairDecimals} decimals.`,
    };
  }
  if (!isMultipleOf(d, pair.tick)) return { ok: false, error: 'EOrder:Tick size check failed' };
  return { ok: true, value: d };
}

const needsPrice = (t: OrderType) => t !== 'market';
const needsPrice2 = (t: OrderType) => t.endsWith('-limit') && t !== 'limit';

/** Reads and checks an AddOrder request; the pair must be one the book trades. */
export function readNewOrder(params: Params, book: Book): Outcome<NewOrder> {
  const pairRef = text(params, 'pair');
  if (pairRef === undefined) return { ok: false, error: 'EGeneral:Invalid arguments:pair' };
  const pair = book.pair(pairRef);
  if (!pair) return { ok: false, error: 'EQuery:Unknown asset pair' };
  const side = text(params, 'type');
  if (side !== 'buy' && side !== 'sell') return { ok: false, error: 'EGeneral:Invalid arguments:type' };
  const ordertype = text(params, 'ordertype') as OrderType | undefined;
  if (ordertype === undefined || !ORDER_TYPES.includes(ordertype)) {
    return { ok: false, error: 'EGeneral:Invalid arguments:ordertype' };
  }
  const oflags = (text(params, 'oflags') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const f of oflags) {
    if (!['post', 'fcib', 'fciq', 'nompp', 'viqc'].includes(f)) {
      return { ok: false, error: 'EGeneral:Invalid arguments:oflags' };
    }
  }
  const viqc = oflags.includes('viqc');
  if (viqc && (ordertype !== 'market' || side !== 'buy')) {
    return { ok: false, error: 'EGeneral:Invalid arguments:viqc' };
  }
  const volText = text(params, 'volume');
  const vol = positiveDecimal(volText);
  if (vol === null || volText === undefined) return { ok: false, error: 'EGeneral:Invalid arguments:volume' };
  const volPlaces = viqc ? pair.costDecimals : pair.lotDecimals;
  if (!vol.eq(vol.round(volPlaces))) return { ok: false, error: 'EGeneral:Invalid arguments:volume' };
  if (!viqc && vol.lt(pair.min)) return { ok: false, error: 'EOrder:Order minimum not met' };

  let price: Dec | null = null;
  let price2: Dec | null = null;
  if (needsPrice(ordertype)) {
    const p = checkPrice(pair, text(params, 'price'), 'price');
    if (!p.ok) return p;
    price = p.value;
  }
  if (needsPrice2(ordertype)) {
    const p = checkPrice(pair, text(params, 'price2'), 'price2');
    if (!p.ok) return p;
    price2 = p.value;
  }
  const q = book.quotes.get(pair.name);
  const reference = ordertype === 'market' ? (side === 'buy' ? q?.ask : q?.bid) : (price2 ?? price);
  const cost = viqc ? vol : reference === undefined || reference === null ? null : vol.times(reference);
  if (cost?.lt(pair.minCost)) return { ok: false, error: 'EOrder:Cost minimum not met' };

  const clOrdId = text(params, 'cl_ord_id') ?? null;
  const userrefText = text(params, 'userref');
  if (clOrdId !== null && userrefText !== undefined)
    return { ok: false, error: 'EGeneral:Invalid arguments' };
  if (clOrdId !== null) {
    const problem = clOrdIdProblem(clOrdId);
    if (problem) return { ok: false, error: problem };
  }
  let userref: number | null = null;
  if (userrefText !== undefined) {
    const n = Number(userrefText);
    if (!/^-?\d+$/.test(userrefText) || n < -2147483648 || n > 2147483647) {
      return { ok: false, error: 'EGeneral:Invalid arguments:userref' };
    }
    userref = n;
  }
  const tif = text(params, 'timeinforce') ?? 'GTC';
  if (!['GTC', 'IOC', 'GTD', 'FOK'].includes(tif))
    return { ok: false, error: 'EGeneral:Invalid arguments:timeinforce' };
  if (tif !== 'GTC' && ordertype !== 'limit' && tif !== 'IOC') {
    return { ok: false, error: 'EGeneral:Invalid arguments:timeinforce' };
  }
  if (oflags.includes('post') && ordertype !== 'limit' && !ordertype.endsWith('-limit')) {
    return { ok: false, error: 'EGeneral:Invalid arguments:post' };
  }
  return {
    ok: true,
    value: {
      pair,
      side: side as Side,
      ordertype,
      price,
      price2,
      vol,
      viqc,
      clOrdId,
      userref,
      oflags: oflags.filter((f) => f !== 'viqc'),
      timeinforce: tif,
      reduceOnly: isTrue(text(params, 'reduce_only')),
    },
  };
}
