import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import { concatBytes } from '../../src/util/bytes.js';
import { CaptureParseError, parseCapture, scanCapture } from '../../src/pcap/index.js';
import { epb, ethernet, fakeIke, idb, ipv4, ipv6, pcapFile, shb, spb, udp } from './build.js';

const V6 = new Uint8Array(16).fill(1);
const frames = [
  ethernet(ipv4({ src: [1, 2, 3, 4], dst: [5, 6, 7, 8], protocol: 17, payload: udp(500, 500, fakeIke(1)) }), 0x0800, [{ tpid: 0x8100, vid: 5 }]),
  ethernet(ipv6({ src: V6, dst: V6, nextHeader: 0, extensions: new Uint8Array([17, 0, 1, 4, 0, 0, 0, 0]), payload: udp(4500, 4500, concatBytes(new Uint8Array(4), fakeIke(2))) }), 0x86dd),
  ethernet(ipv4({ src: [1, 2, 3, 4], dst: [5, 6, 7, 8], protocol: 50, payload: fakeIke(3) })),
];
const seeds = [
  pcapFile({ le: true, linkType: 1 }, frames.map((data, i) => ({ seconds: i, fraction: i, data }))),
  pcapFile({ le: false, nano: true, linkType: 1 }, frames.map((data, i) => ({ seconds: i, fraction: i, data }))),
  concatBytes(shb(true), idb(true, 1, [[9, new Uint8Array([9])]]), ...frames.map((f, i) => epb(true, 0, BigInt(i), f)), spb(true, frames[0])),
  concatBytes(shb(false), idb(false, 1), ...frames.map((f, i) => epb(false, 0, BigInt(i), f))),
];

/** Parsing and scanning either succeed or throw the typed error; nothing else escapes, and a lenient scan never throws. */
function onlyTypedErrors(bytes: Uint8Array): void {
  let cap;
  try {
    cap = parseCapture(bytes);
  } catch (e) {
    if (!(e instanceof CaptureParseError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
    return;
  }
  // Frames are views into the input: memory stays in proportion to it.
  for (const f of cap.frames) expect(f.data.buffer).toBe(bytes.buffer);
  scanCapture(cap);
  try {
    scanCapture(cap, { strict: true });
  } catch (e) {
    // Frame headers throw CaptureParseError; the RFC 3948 framing check its base, IkeParseError.
    if (!(e instanceof IkeParseError)) throw e;
    expect(e.offset).toBeGreaterThanOrEqual(0);
  }
}

describe('capture reader fuzz: malformed input only ever throws CaptureParseError', () => {
  it('random bytes, and random bytes behind each magic number', () => {
    const magic = [[], [0xa1, 0xb2, 0xc3, 0xd4], [0xd4, 0xc3, 0xb2, 0xa1], [0x4d, 0x3c, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a]];
    fc.assert(
      fc.property(fc.constantFrom(...magic), fc.uint8Array({ maxLength: 300 }), (head, tail) => {
        onlyTypedErrors(new Uint8Array([...head, ...tail]));
      }),
      { numRuns: 3000 },
    );
  });

  it('valid captures with bytes flipped, inserted, removed or cut', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (seed, edits, cut) => {
          let b = Array.from(seed);
          for (const [pos, value, op] of edits) {
            const at = pos % (b.length + 1);
            if (op === 'set' && at < b.length) b[at] = value;
            else if (op === 'insert') b.splice(at, 0, value);
            else b.splice(at, 1);
          }
          if (cut !== undefined) b = b.slice(0, cut % (b.length + 1));
          onlyTypedErrors(new Uint8Array(b));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('the seeds themselves are valid captures with the IKE and ESP traffic found', () => {
    for (const s of seeds) {
      const scan = scanCapture(s, { strict: true });
      expect(scan.ike.map((d) => d.ike)).toEqual(expect.arrayContaining([fakeIke(1), fakeIke(2)]));
      expect(scan.esp).toHaveLength(1);
    }
  });
});
