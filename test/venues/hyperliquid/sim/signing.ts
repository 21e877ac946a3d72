// Hyperliquid's signatures, rebuilt from the wire independently of ccxt so the sim checks ccxt rather
// than agreeing with it by construction. L1 actions (orders, cancels, leverage, …): keccak(msgpack(action)
// ‖ nonce u64 BE ‖ vault flag [‖ 0x00 ‖ expiresAfter u64 BE]) becomes the `connectionId` of a phantom
// agent {source 'a' mainnet | 'b' testnet} signed as EIP-712 `Agent` under domain Exchange/1/1337/0x0.
// User-signed actions (approveBuilderFee, withdraw3, …) sign their own fields under domain
// HyperliquidSignTransaction/1/chainId = signatureChainId. Identity is the address recovered from {r,s,v}.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

export type Wire = null | boolean | number | string | Wire[] | { [k: string]: Wire };

const utf8 = new TextEncoder();

/** MessagePack as Python's `msgpack.packb` writes it: narrowest ints, float64, str8+, undefined keys dropped. */
export function msgpack(value: Wire | undefined): Uint8Array {
  const out: number[] = [];
  const be = (n: number | bigint, bytes: number) => {
    let v = BigInt.asUintN(bytes * 8, BigInt(n));
    const chunk: number[] = [];
    for (let i = 0; i < bytes; i++) {
      chunk.unshift(Number(v & 0xffn));
      v >>= 8n;
    }
    out.push(...chunk);
  };
  const header = (n: number, fix: number, fixMax: number, t8: number | null, t16: number, t32: number) => {
    if (n <= fixMax) out.push(fix | n);
    else if (t8 !== null && n < 0x100) out.push(t8, n);
    else if (n < 0x10000) {
      out.push(t16);
      be(n, 2);
    } else {
      out.push(t32);
      be(n, 4);
    }
  };
  /** [upper bound (exclusive) or lower bound (inclusive), marker, bytes]: the narrowest form that holds v. */
  const UINTS: Array<[number, number, number]> = [
    [0x100, 0xcc, 1],
    [0x10000, 0xcd, 2],
    [0x100000000, 0xce, 4],
    [Number.POSITIVE_INFINITY, 0xcf, 8],
  ];
  const INTS: Array<[number, number, number]> = [
    [-0x80, 0xd0, 1],
    [-0x8000, 0xd1, 2],
    [-0x80000000, 0xd2, 4],
    [Number.NEGATIVE_INFINITY, 0xd3, 8],
  ];
  const writeInt = (v: number) => {
    if (v >= 0 && v < 0x80) out.push(v);
    else if (v < 0 && v >= -32) out.push(0xe0 | (v + 32));
    else {
      const form = v >= 0 ? UINTS.find(([max]) => v < max)! : INTS.find(([min]) => v >= min)!;
      out.push(form[1]);
      be(v, form[2]);
    }
  };
  const write = (v: Wire | undefined): void => {
    if (v === null || v === undefined) out.push(0xc0);
    else if (v === false) out.push(0xc2);
    else if (v === true) out.push(0xc3);
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) writeInt(v);
      else {
        const b = new DataView(new ArrayBuffer(8));
        b.setFloat64(0, v);
        out.push(0xcb, ...new Uint8Array(b.buffer));
      }
    } else if (typeof v === 'string') {
      const bytes = utf8.encode(v);
      header(bytes.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
      out.push(...bytes);
    } else if (Array.isArray(v)) {
      header(v.length, 0x90, 15, null, 0xdc, 0xdd);
      for (const x of v) write(x);
    } else {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      header(entries.length, 0x80, 15, null, 0xde, 0xdf);
      for (const [k, x] of entries) {
        write(k);
        write(x);
      }
    }
  };
  write(value);
  return Uint8Array.from(out);
}

export const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;
const unhex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

/** The L1 action hash (the phantom agent's connectionId). */
export function actionHash(
  action: Wire,
  vaultAddress: string | null,
  nonce: number,
  expiresAfter?: number,
): Uint8Array {
  const parts = [msgpack(action), u64(nonce)];
  parts.push(vaultAddress === null ? Uint8Array.of(0) : concat(Uint8Array.of(1), unhex(vaultAddress)));
  if (expiresAfter !== undefined) parts.push(Uint8Array.of(0), u64(expiresAfter));
  return keccak_256(concat(...parts));
}

export interface TypedField {
  name: string;
  type: string;
}

/** EIP-712 over flat structs (every Hyperliquid signed type is flat). */
function encodeValue(type: string, value: unknown): Uint8Array {
  const word = new Uint8Array(32);
  if (type === 'string') return keccak_256(utf8.encode(String(value)));
  if (type === 'bytes') return keccak_256(value instanceof Uint8Array ? value : unhex(String(value)));
  if (type === 'bytes32') {
    const b = value instanceof Uint8Array ? value : unhex(String(value));
    word.set(b.slice(0, 32));
    return word;
  }
  if (type === 'bool') {
    word[31] = value ? 1 : 0;
    return word;
  }
  if (type === 'address') {
    word.set(unhex(String(value)).slice(-20), 12);
    return word;
  }
  if (/^u?int\d*$/.test(type)) {
    let v = BigInt.asUintN(256, BigInt(value as number | string | bigint));
    for (let i = 31; i >= 0; i--) {
      word[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return word;
  }
  throw new Error(`unsupported EIP-712 type ${type}`);
}

function hashStruct(primaryType: string, fields: TypedField[], message: Record<string, unknown>): Uint8Array {
  const typeString = `${primaryType}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`;
  return keccak_256(
    concat(keccak_256(utf8.encode(typeString)), ...fields.map((f) => encodeValue(f.type, message[f.name]))),
  );
}

const DOMAIN_FIELDS: TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

export function typedDataDigest(
  domain: { name: string; chainId: number },
  primaryType: string,
  fields: TypedField[],
  message: Record<string, unknown>,
): Uint8Array {
  const domainHash = hashStruct('EIP712Domain', DOMAIN_FIELDS, {
    ...domain,
    version: '1',
    verifyingContract: ZERO_ADDRESS,
  });
  return keccak_256(concat(Uint8Array.of(0x19, 0x01), domainHash, hashStruct(primaryType, fields, message)));
}

const AGENT_FIELDS: TypedField[] = [
  { name: 'source', type: 'string' },
  { name: 'connectionId', type: 'bytes32' },
];

export const phantomAgent = (hash: Uint8Array, mainnet: boolean) => ({
  source: mainnet ? 'a' : 'b',
  connectionId: hash,
});

/** The digest an L1 action's signature is over. */
export function l1Digest(
  action: Wire,
  nonce: number,
  mainnet: boolean,
  vaultAddress: string | null = null,
  expiresAfter?: number,
): Uint8Array {
  const agent = phantomAgent(actionHash(action, vaultAddress, nonce, expiresAfter), mainnet);
  return typedDataDigest({ name: 'Exchange', chainId: 1337 }, 'Agent', AGENT_FIELDS, agent);
}

/** A USDC send and a withdrawal sign the same four fields. */
const TRANSFER_FIELDS: TypedField[] = [
  { name: 'hyperliquidChain', type: 'string' },
  { name: 'destination', type: 'string' },
  { name: 'amount', type: 'string' },
  { name: 'time', type: 'uint64' },
];

/** The EIP-712 types of the user-signed actions the sim knows, by action type. */
export const USER_SIGNED_TYPES: Record<string, { primaryType: string; fields: TypedField[] }> = {
  approveBuilderFee: {
    primaryType: 'HyperliquidTransaction:ApproveBuilderFee',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'maxFeeRate', type: 'string' },
      { name: 'builder', type: 'address' },
      { name: 'nonce', type: 'uint64' },
    ],
  },
  approveAgent: {
    primaryType: 'HyperliquidTransaction:ApproveAgent',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'agentAddress', type: 'address' },
      { name: 'agentName', type: 'string' },
      { name: 'nonce', type: 'uint64' },
    ],
  },
  usdSend: {
    primaryType: 'HyperliquidTransaction:UsdSend',
    fields: TRANSFER_FIELDS,
  },
  withdraw3: {
    primaryType: 'HyperliquidTransaction:Withdraw',
    fields: TRANSFER_FIELDS,
  },
};

/** The digest of a user-signed action (its own fields, chainId from `signatureChainId`). */
export function userSignedDigest(action: Record<string, unknown>): Uint8Array | undefined {
  const spec = USER_SIGNED_TYPES[String(action.type)];
  const chainId = Number.parseInt(String(action.signatureChainId ?? ''), 16);
  if (!spec || !Number.isFinite(chainId)) return undefined;
  return typedDataDigest(
    { name: 'HyperliquidSignTransaction', chainId },
    spec.primaryType,
    spec.fields,
    action,
  );
}

export interface Signature {
  r: string;
  s: string;
  v: number;
}

const addressOf = (uncompressed: Uint8Array): string => hex(keccak_256(uncompressed.slice(1)).slice(-20));

/** The lowercase 0x address that signed `digest`, or undefined for a malformed signature. */
export function recoverSigner(digest: Uint8Array, sig: unknown): string | undefined {
  if (!sig || typeof sig !== 'object') return undefined;
  const { r, s, v } = sig as Record<string, unknown>;
  if (typeof r !== 'string' || typeof s !== 'string' || typeof v !== 'number') return undefined;
  if (v !== 27 && v !== 28) return undefined;
  try {
    const point = new secp256k1.Signature(BigInt(r), BigInt(s))
      .addRecoveryBit(v - 27)
      .recoverPublicKey(digest);
    return addressOf(point.toBytes(false));
  } catch {
    return undefined;
  }
}

export function addressOfKey(privateKey: string): string {
  return addressOf(secp256k1.getPublicKey(unhex(privateKey), false));
}

/** Signs a digest as Hyperliquid's SDKs do (tests use it to forge wrong-signer requests). */
export function signDigest(digest: Uint8Array, privateKey: string): Signature {
  const bytes = secp256k1.sign(digest, unhex(privateKey), { prehash: false, format: 'recovered' });
  const sig = secp256k1.Signature.fromBytes(bytes, 'recovered');
  return {
    r: `0x${sig.r.toString(16)}`,
    s: `0x${sig.s.toString(16)}`,
    v: 27 + (sig.recovery ?? 0),
  };
}
