import { CaptureParseError } from './errors.js';

/**
 * A bounds-checked cursor for capture files, whose integers are in the writer's byte order
 * (pcap: the magic number's order; pcapng: the Section Header Block's Byte-Order Magic). Offsets
 * are absolute in the underlying buffer; byte reads are zero-copy views.
 */
export class CaptureCursor {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start: number,
    private readonly end: number,
    readonly structure: string,
    readonly littleEndian: boolean,
  ) {
    this.pos = start;
  }

  static of(buf: Uint8Array, structure: string, littleEndian = false): CaptureCursor {
    return new CaptureCursor(buf, 0, buf.length, structure, littleEndian);
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(reason: string, offset = this.pos): never {
    throw new CaptureParseError(this.structure, reason, offset);
  }

  private need(n: number, field: string): void {
    if (n > this.end - this.pos) this.fail(`${field}: needs ${n} byte(s), only ${this.end - this.pos} remain`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++];
  }

  u16(field: string): number {
    this.need(2, field);
    const a = this.buf[this.pos];
    const b = this.buf[this.pos + 1];
    this.pos += 2;
    return this.littleEndian ? a | (b << 8) : (a << 8) | b;
  }

  u32(field: string): number {
    this.need(4, field);
    const p = this.pos;
    const b = this.buf;
    this.pos += 4;
    return this.littleEndian
      ? (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0
      : ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  /** A signed 64-bit integer as a bigint (pcapng Section Length, if_tsoffset). */
  i64(field: string): bigint {
    const first = this.u32(field);
    const second = this.u32(field);
    const [hi, lo] = this.littleEndian ? [second, first] : [first, second];
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  bytes(n: number, field: string): Uint8Array {
    if (!Number.isInteger(n) || n < 0) this.fail(`${field}: invalid length ${n}`);
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number, field: string): void {
    this.bytes(n, field);
  }

  /** A child cursor over the next `length` bytes (same byte order); moves this one past them. */
  sub(length: number, structure: string, field = `${structure} length`): CaptureCursor {
    if (!Number.isInteger(length) || length < 0) this.fail(`${field}: invalid length ${length}`);
    if (length > this.end - this.pos) this.fail(`${field} ${length} exceeds the ${this.end - this.pos} byte(s) that remain`);
    const c = new CaptureCursor(this.buf, this.pos, this.pos + length, structure, this.littleEndian);
    this.pos += length;
    return c;
  }
}
