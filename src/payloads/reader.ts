import { IkeParseError, type IkeErrorKind } from '../errors.js';

/**
 * A bounds-checked cursor over a datagram. Every read names the field it wants, so a short
 * input becomes an IkeParseError that says which payload, which field and which absolute offset.
 * Byte reads are zero-copy views (subarray) into the input.
 */
export class Reader {
  private pos: number;

  private constructor(
    private readonly buf: Uint8Array,
    start: number,
    private readonly end: number,
    /** RFC name of the structure being read, used in error messages. */
    readonly context: string,
  ) {
    this.pos = start;
  }

  static of(buf: Uint8Array, context: string): Reader {
    return new Reader(buf, 0, buf.length, context);
  }

  /** Absolute offset of the cursor in the original buffer. */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(reason: string, kind: IkeErrorKind = 'INVALID_SYNTAX', offset = this.pos): never {
    throw new IkeParseError(kind, reason, { payload: this.context, offset });
  }

  private need(n: number, field: string): void {
    if (n > this.end - this.pos) {
      this.fail(`${field}: needs ${n} byte(s), only ${this.end - this.pos} remain`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++];
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u24(field: string): number {
    this.need(3, field);
    const v = (this.buf[this.pos] << 16) | (this.buf[this.pos + 1] << 8) | this.buf[this.pos + 2];
    this.pos += 3;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const p = this.pos;
    const v = ((b[p] << 24) >>> 0) + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
    this.pos += 4;
    return v;
  }

  /** n bytes as a view into the input (no copy). */
  bytes(n: number, field: string): Uint8Array {
    if (!Number.isInteger(n) || n < 0) this.fail(`${field}: invalid length ${n}`);
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Everything up to the end of this reader's window. */
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos, this.end);
    this.pos = this.end;
    return v;
  }

  skip(n: number, field: string): void {
    this.need(n, field);
    this.pos += n;
  }

  /** Peeks one byte without moving; undefined at the end. */
  peek8(at = 0): number | undefined {
    return this.pos + at < this.end ? this.buf[this.pos + at] : undefined;
  }

  /**
   * A child reader over the next `length` bytes, for a nested structure that carries its own
   * length field (payload, proposal, transform, attribute, selector). Moves this cursor past it.
   */
  sub(length: number, context: string, field?: string): Reader {
    if (!Number.isInteger(length) || length < 0 || length > this.end - this.pos) this.failSub(length, context, field);
    const r = new Reader(this.buf, this.pos, this.pos + length, context);
    this.pos += length;
    return r;
  }

  private failSub(length: number, context: string, field = `${context} length`): never {
    if (!Number.isInteger(length) || length < 0) this.fail(`${field}: invalid length ${length}`);
    this.fail(`${field} ${length} exceeds the ${this.end - this.pos} byte(s) that remain`);
  }

  /** Asserts that a structure used all of its declared length. */
  expectEnd(what = this.context): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} unexpected trailing byte(s) in ${what}`);
  }
}
