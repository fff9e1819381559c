/**
 * Writers share one scratch buffer: allocating a typed array larger than V8's on-heap limit costs
 * about as much as encoding a small payload, so a message costs one allocation, the copy that
 * finish() returns. One Writer at a time owns the scratch; constructing another (a nested encode,
 * or after an encode that threw) first moves the current owner's bytes into a buffer of its own.
 */
let scratch = new Uint8Array(2048);
let scratchOwner: Writer | undefined;
/** A scratch that grew past this is not kept for the next Writer. */
const SCRATCH_KEEP_LIMIT = 65536;
/** Below this many bytes a loop beats TypedArray.prototype.set. */
const SMALL_COPY = 16;

/** A growable big-endian byte writer with length back-patching. */
export class Writer {
  private buf: Uint8Array;
  private pos = 0;
  /** The furthest position written before the last seek(). */
  private written = 0;
  /** The array finish() returned while buf was the scratch; buf points at it until the next write. */
  private returned: Uint8Array | undefined;

  constructor(initial = 256) {
    if (scratchOwner !== undefined) scratchOwner.leaveScratch();
    if (initial <= scratch.length) {
      this.buf = scratch;
      scratchOwner = this;
    } else {
      this.buf = new Uint8Array(initial);
    }
  }

  get length(): number {
    return this.pos;
  }

  /** Copies this writer's bytes out of the scratch so that another Writer can take it. */
  private leaveScratch(): void {
    const keep = Math.max(this.pos, this.written);
    const own = new Uint8Array(Math.max(keep * 2, 64));
    own.set(this.buf.subarray(0, keep));
    this.buf = own;
    scratchOwner = undefined;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.grow(n);
  }

  private grow(n: number): void {
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, Math.max(this.pos, this.written)));
    this.buf = next;
    this.returned = undefined;
    if (scratchOwner === this) {
      if (size <= SCRATCH_KEEP_LIMIT) scratch = next;
      else scratchOwner = undefined;
    }
  }

  u8(v: number): this {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    if (this.pos + 2 > this.buf.length) this.grow(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 8) & 0xff;
    b[p + 1] = v & 0xff;
    this.pos = p + 2;
    return this;
  }

  u24(v: number): this {
    if (this.pos + 3 > this.buf.length) this.grow(3);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 16) & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = v & 0xff;
    this.pos = p + 3;
    return this;
  }

  u32(v: number): this {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.pos = p + 4;
    return this;
  }

  bytes(src: Uint8Array): this {
    const n = src.length;
    this.ensure(n);
    const b = this.buf;
    const p = this.pos;
    if (n <= SMALL_COPY) {
      for (let i = 0; i < n; i++) b[p + i] = src[i];
    } else {
      b.set(src, p);
    }
    this.pos = p + n;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Reserves a 16-bit field to fill in later with patch16; returns its position. */
  reserve16(): number {
    const at = this.pos;
    this.u16(0);
    return at;
  }

  patch16(at: number, v: number): void {
    if (v > 0xffff) throw new RangeError(`length ${v} does not fit a 16-bit field`);
    this.unshare();
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  patch32(at: number, v: number): void {
    this.unshare();
    this.buf[at] = (v >>> 24) & 0xff;
    this.buf[at + 1] = (v >>> 16) & 0xff;
    this.buf[at + 2] = (v >>> 8) & 0xff;
    this.buf[at + 3] = v & 0xff;
  }

  /**
   * Moves the cursor to `at`, anywhere up to the furthest position written, for writing a
   * fixed-size header into space reserved with zeros() once what follows it is known; then seek
   * back to the returned position. length and finish() count up to the cursor.
   */
  seek(at: number): number {
    const written = Math.max(this.pos, this.written);
    if (!Number.isInteger(at) || at < 0 || at > written) throw new RangeError(`cannot seek to ${at} of ${written} written bytes`);
    this.unshare();
    const was = this.pos;
    this.written = written;
    this.pos = at;
    return was;
  }

  /** After finish(), an overwrite must not reach the array that finish() returned. */
  private unshare(): void {
    if (this.returned !== undefined && this.buf === this.returned) this.buf = this.buf.slice();
    this.returned = undefined;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    if (scratchOwner === this) {
      // The scratch goes back to the pool; appends after this grow into a new array (out is
      // exactly full), and patches copy first (unshare).
      scratchOwner = undefined;
      this.buf = out;
      this.returned = out;
    }
    return out;
  }
}
