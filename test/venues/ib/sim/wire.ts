// TWS API framing as IB Gateway speaks it to a v100+ client: the client opens with "API\0" and a
// length-prefixed version range; every later message either way is a 4-byte big-endian length and
// NUL-terminated ASCII fields (numbers and booleans as text, an unset value as an empty field).

export const MAX_DOUBLE = '1.7976931348623157E308';
export const MAX_INT = '2147483647';

export type Field = string | number | boolean | undefined;

/** One outbound message: the fields joined and terminated by NUL, behind its length. */
export function frame(fields: readonly Field[]): Buffer {
  const text = fields.map(fieldText).join('\0') + '\0';
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

function fieldText(value: Field): string {
  if (value === undefined) return '';
  if (value === true) return '1';
  if (value === false) return '0';
  return String(value);
}

export type Inbound =
  | { kind: 'hello'; versions: string }
  | { kind: 'message'; fields: string[] }
  | { kind: 'bad'; why: string };

/** Cuts the client's byte stream into its hello and its messages, whatever the TCP chunking. */
export class InboundReader {
  private buffer = Buffer.alloc(0);
  private greeted = false;

  push(chunk: Buffer): Inbound[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Inbound[] = [];
    for (;;) {
      if (!this.greeted) {
        if (this.buffer.length < 8) return out;
        if (this.buffer.subarray(0, 4).toString('latin1') !== 'API\0') {
          out.push({ kind: 'bad', why: 'no API\\0 prefix' });
          this.buffer = Buffer.alloc(0);
          return out;
        }
        const length = this.buffer.readUInt32BE(4);
        if (this.buffer.length < 8 + length) return out;
        out.push({ kind: 'hello', versions: this.buffer.subarray(8, 8 + length).toString('utf8') });
        this.buffer = this.buffer.subarray(8 + length);
        this.greeted = true;
        continue;
      }
      if (this.buffer.length < 4) return out;
      const length = this.buffer.readUInt32BE(0);
      if (this.buffer.length < 4 + length) return out;
      const text = this.buffer.subarray(4, 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(4 + length);
      const fields = text.split('\0');
      if (fields[fields.length - 1] === '') fields.pop();
      out.push({ kind: 'message', fields });
    }
  }
}

/** "v100..193" or "v176": the highest version the client accepts, or undefined if unreadable. */
export function highestClientVersion(versions: string): number | undefined {
  const m = /^v(\d+)(?:\.\.(\d+))?/.exec(versions);
  if (!m) return undefined;
  return Number(m[2] ?? m[1]);
}

/** Reads fields in order; an empty number is "unset", as is IB's MAX sentinel. */
export class FieldCursor {
  private at = 0;
  private readonly fields: readonly string[];
  constructor(fields: readonly string[]) {
    this.fields = fields;
  }

  get position(): number {
    return this.at;
  }
  get remaining(): number {
    return this.fields.length - this.at;
  }
  str(): string {
    if (this.at >= this.fields.length) throw new Error(`underrun at field ${this.at}`);
    return this.fields[this.at++] ?? '';
  }
  int(): number | undefined {
    const s = this.str();
    if (s === '' || s === MAX_INT) return undefined;
    return Number.parseInt(s, 10);
  }
  num(): number | undefined {
    const s = this.str();
    if (s === '') return undefined;
    const v = Number.parseFloat(s);
    return v === Number.MAX_VALUE ? undefined : v;
  }
  bool(): boolean {
    return this.str() === '1';
  }
  skip(n: number): void {
    for (let i = 0; i < n; i++) this.str();
  }
}
