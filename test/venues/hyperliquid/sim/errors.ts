// Hyperliquid's answer texts, in one place. Sources: ccxt 4.5.84 hyperliquid.js `exceptions.broad` (the
// texts ccxt matches), its comments quoting live answers, and public issue threads. Texts marked
// "recalled" were not re-read at a source: a test that depends on their exact wording should say so.
const at = (asset: number) => ` asset=${asset}`;

export const ERR = {
  /** Issue threads (nomeida/hyperliquid #61, hummingbot #7737). */
  nonceDuplicate: (n: number) => `Invalid nonce: duplicate nonce ${n}`,
  /** Recalled. */
  nonceTooLow: (n: number) => `Invalid nonce: nonce ${n} too low`,
  /** Recalled. */
  nonceWindow: (n: number) => `Invalid nonce: nonce ${n} outside of valid time window`,
  /** ccxt broad 'User or API Wallet ' (InvalidOrder). */
  unknownSigner: (address: string) => `User or API Wallet ${address} does not exist.`,
  minValue: (asset: number) => `Order must have minimum value of $10.${at(asset)}`,
  tick: (asset: number) => `Price must be divisible by tick size.${at(asset)}`,
  size: (asset: number) => `Order has invalid size.${at(asset)}`,
  zeroSize: (asset: number) => `Order has zero size.${at(asset)}`,
  margin: (asset: number) => `Insufficient margin to place order.${at(asset)}`,
  reduceOnly: (asset: number) => `Reduce only order would increase position.${at(asset)}`,
  postOnly: (bid: string, ask: string, asset: number) =>
    `Post only order would have immediately matched, bbo was ${bid}@${ask}.${at(asset)}`,
  iocNoMatch: (asset: number) => `Order could not immediately match against any resting orders.${at(asset)}`,
  cancelMissing: (asset: number) => `Order was never placed, already canceled, or filled.${at(asset)}`,
  /** Recalled. */
  modifyMissing: 'Cannot modify canceled or filled order',
  /** Recalled. */
  badTriggerPx: (asset: number) => `Invalid TP/SL price.${at(asset)}`,
  /** Quoted in ccxt's cancelAllOrdersAfter comment. */
  scheduleVolume: (required: string, traded: string) =>
    `Cannot set scheduled cancel time until enough volume traded. Required: $${required}. Traded: $${traded}.`,
  /** Recalled. */
  scheduleTooEarly: 'Scheduled cancel time too early, must be at least 5 seconds after current time.',
  /** Recalled. */
  scheduleTooMany: 'Too many scheduled cancel triggers today.',
  /** Recalled. */
  leverage: 'Invalid leverage value',
  unknownAsset: (asset: unknown) => `Unknown asset ${String(asset)}`,
  /** Recalled: the body of a request the server cannot parse. */
  deserialize: 'Failed to deserialize the JSON body into the target type',
};
