import { describe, expect, it } from 'vitest';
import { Writer } from '../../src/payloads/writer.js';
import { checkField } from '../../src/payloads/ikev2/invalid.js';
import { IkeError } from '../../src/errors.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('Writer (writers share one scratch buffer)', () => {
  it('keeps an outer writer intact when another writer is made and used in the middle', () => {
    const outer = new Writer();
    outer.u8(1).u16(0x0203);
    const inner = new Writer();
    inner.u32(0xaabbccdd);
    outer.u8(4);
    expect(inner.finish()).toEqual(bytes(0xaa, 0xbb, 0xcc, 0xdd));
    outer.u8(5);
    expect(outer.finish()).toEqual(bytes(1, 2, 3, 4, 5));
  });

  it('returns arrays that later writers do not overwrite', () => {
    const a = new Writer();
    a.bytes(new Uint8Array(40).fill(7));
    const first = a.finish();
    const b = new Writer();
    b.bytes(new Uint8Array(40).fill(9));
    b.finish();
    expect(first).toEqual(new Uint8Array(40).fill(7));
    expect(first.buffer.byteLength).toBe(40);
  });

  it('keeps an abandoned writer (an encode that threw) usable and separate', () => {
    const abandoned = new Writer();
    abandoned.u16(0x0102);
    const next = new Writer();
    next.u16(0x0304);
    abandoned.u8(5);
    expect(next.finish()).toEqual(bytes(3, 4));
    expect(abandoned.finish()).toEqual(bytes(1, 2, 5));
  });

  it('does not change a finished array when the writer is patched or extended afterwards', () => {
    const w = new Writer();
    const at = w.reserve16();
    w.u8(9);
    const done = w.finish();
    w.patch16(at, 0xbeef);
    w.u8(1);
    expect(done).toEqual(bytes(0, 0, 9));
    expect(w.finish()).toEqual(bytes(0xbe, 0xef, 9, 1));
  });

  it('grows past the scratch size and starts from zero capacity', () => {
    const big = new Uint8Array(70000).map((_, i) => i & 0xff);
    const w = new Writer(0);
    w.u8(1).bytes(big);
    const out = w.finish();
    expect(out.length).toBe(70001);
    expect(Buffer.from(out.subarray(1)).equals(Buffer.from(big))).toBe(true);
  });

  it('seeks back to fill a reserved header and forward again, but not past what was written', () => {
    const w = new Writer();
    w.zeros(4).u8(0xee);
    const end = w.seek(0);
    expect(end).toBe(5);
    w.u32(0x01020304);
    expect(() => w.seek(6)).toThrow(RangeError);
    w.seek(end);
    expect(w.finish()).toEqual(bytes(1, 2, 3, 4, 0xee));
  });

  it('keeps bytes beyond the cursor when another writer takes the scratch after a seek', () => {
    const w = new Writer();
    w.zeros(2).u8(3).u8(4);
    const end = w.seek(0);
    new Writer().u8(0xff).finish();
    w.u16(0x0102);
    w.seek(end);
    expect(w.finish()).toEqual(bytes(1, 2, 3, 4));
  });
});

describe('checkField', () => {
  it('accepts exactly the integers that fit the field', () => {
    expect(() => checkField('P', 'F', 0, 8)).not.toThrow();
    expect(() => checkField('P', 'F', 255, 8)).not.toThrow();
    expect(() => checkField('P', 'F', 0x7fff, 15)).not.toThrow();
    expect(() => checkField('P', 'F', 0xffffff, 24)).not.toThrow();
    for (const [v, bits] of [
      [256, 8],
      [-1, 8],
      [1.5, 8],
      [NaN, 16],
      [Infinity, 16],
      [0x8000, 15],
      [0x10000, 16],
      [2 ** 32 + 1, 8],
      [0x1000000, 24],
    ] as const) {
      expect(() => checkField('P', 'F', v, bits)).toThrow(IkeError);
    }
    expect(() => checkField('P', 'F', '1' as unknown as number, 8)).toThrow(/F 1 does not fit 8 bits/);
    expect(() => checkField('P', 'F', 1n as unknown as number, 8)).toThrow(IkeError);
  });
});
