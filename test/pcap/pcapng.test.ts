import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/util/bytes.js';
import { CaptureParseError, LinkType, extractIkeDatagrams, parseCapture, parsePcapng } from '../../src/pcap/index.js';
import { block, epb, ethernet, fakeIke, idb, int, ipv4, shb, spb, udp } from './build.js';

const frame = (seed: number) => ethernet(ipv4({ src: [10, 0, 0, 1], dst: [10, 0, 0, 2], protocol: 17, payload: udp(500, 500, fakeIke(seed)) }));
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

describe('pcapng (draft-ietf-opsawg-pcapng)', () => {
  for (const le of [false, true]) {
    it(`section 4.1/4.3: a ${le ? 'little' : 'big'}-endian section with an IDB and Enhanced Packet Blocks`, () => {
      const file = concatBytes(shb(le), idb(le, LinkType.ETHERNET, [[IF_NAME, new TextEncoder().encode('eth0')]]), epb(le, 0, 1_471_308_065_281_055n, frame(1)), epb(le, 0, 1_471_308_065_291_913n, frame(2)));
      const cap = parsePcapng(file);
      expect(cap.format).toBe('pcapng');
      expect(cap.interfaces).toHaveLength(1);
      expect(cap.interfaces[0]).toMatchObject({ linkType: 1, name: 'eth0', unitsPerSecond: 1_000_000n, section: 0 });
      expect(cap.frames.map((f) => f.number)).toEqual([1, 2]);
      // Section 4.2: without if_tsresol the unit is the microsecond.
      expect(cap.frames[0].timestamp).toEqual({ seconds: 1_471_308_065, nanoseconds: 281_055_000 });
      expect(cap.frames[1].data).toEqual(frame(2));
      expect(extractIkeDatagrams(cap).map((d) => d.ike)).toEqual([fakeIke(1), fakeIke(2)]);
    });
  }

  it('section 4.2 if_tsresol: 10^-9 and 2^-10 units, and if_tsoffset seconds', () => {
    const le = true;
    const file = concatBytes(
      shb(le),
      idb(le, 1, [[IF_TSRESOL, new Uint8Array([9])]]),
      idb(le, 1, [
        [IF_TSRESOL, new Uint8Array([0x80 | 10])],
        [IF_TSOFFSET, concatBytes(int(1000, 4, le), int(0, 4, le))],
      ]),
      epb(le, 0, 5_000_000_123n, frame(1)),
      epb(le, 1, 3n * 1024n + 512n, frame(2)),
    );
    const cap = parsePcapng(file);
    expect(cap.interfaces[0].unitsPerSecond).toBe(1_000_000_000n);
    expect(cap.interfaces[1].unitsPerSecond).toBe(1024n);
    expect(cap.interfaces[1].offsetSeconds).toBe(1000n);
    expect(cap.frames[0].timestamp).toEqual({ seconds: 5, nanoseconds: 123 });
    expect(cap.frames[1].timestamp).toEqual({ seconds: 1003, nanoseconds: 500_000_000 });
    expect(cap.frames[1].interfaceIndex).toBe(1);
  });

  it('section 4.4: a Simple Packet Block takes interface 0 and is cut to its SnapLen; it has no timestamp', () => {
    const le = false;
    const data = frame(3);
    const cap = parsePcapng(concatBytes(shb(le), idb(le, 1, [], 40), spb(le, data)));
    expect(cap.frames).toHaveLength(1);
    expect(cap.frames[0].timestamp).toBeUndefined();
    expect(cap.frames[0].originalLength).toBe(data.length);
    expect(cap.frames[0].data).toEqual(data.subarray(0, 40));
    // Without a SnapLen the padding after the data is not part of it.
    const whole = parsePcapng(concatBytes(shb(le), idb(le, 1), spb(le, data))).frames[0].data;
    expect(whole).toEqual(data);
  });

  it('section 3.1: unknown blocks are skipped, and several sections with their own byte order and interfaces', () => {
    const custom = block(0x00000bad, new Uint8Array([1, 2, 3, 4, 5]), true);
    const stats = block(5, new Uint8Array(12), false);
    const file = concatBytes(
      shb(true),
      idb(true, LinkType.RAW),
      custom,
      epb(true, 0, 1n, ipv4({ src: [1, 1, 1, 1], dst: [2, 2, 2, 2], protocol: 17, payload: udp(500, 500, fakeIke(7)) })),
      shb(false),
      idb(false, LinkType.ETHERNET),
      stats,
      epb(false, 0, 2n, frame(8)),
    );
    const cap = parseCapture(file);
    expect(cap.interfaces.map((i) => [i.linkType, i.section])).toEqual([
      [101, 0],
      [1, 1],
    ]);
    expect(cap.frames.map((f) => [f.number, f.interfaceIndex, f.linkType])).toEqual([
      [1, 0, 101],
      [2, 1, 1],
    ]);
    expect(extractIkeDatagrams(cap).map((d) => d.ike)).toEqual([fakeIke(7), fakeIke(8)]);
  });

  it('Interface IDs are per section: an EPB naming an interface of an earlier section is an error', () => {
    const file = concatBytes(shb(true), idb(true, 1), shb(true), epb(true, 0, 0n, frame(1)));
    expect(() => parsePcapng(file)).toThrowError(/Interface ID 0 but the section has 0/);
  });

  it('rejects a file that does not start with an SHB, and an SHB with a bad Byte-Order Magic', () => {
    expect(() => parsePcapng(idb(true, 1))).toThrowError(CaptureParseError);
    const bad = shb(true);
    bad.set([1, 2, 3, 4], 8);
    try {
      parsePcapng(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CaptureParseError);
      expect((e as CaptureParseError).offset).toBe(8);
    }
  });

  it('section 3.1: rejects a Block Total Length that is not a multiple of 4, too small, past the end, or not repeated', () => {
    const base = concatBytes(shb(true), idb(true, 1));
    const e = epb(true, 0, 0n, frame(1));
    const at = base.length;
    const cases: Array<[Uint8Array, RegExp]> = [];
    const odd = concatBytes(base, e);
    odd.set(int(e.length - 2, 4, true), at + 4);
    cases.push([odd, /not a multiple of 4/]);
    const small = concatBytes(base, e);
    small.set(int(8, 4, true), at + 4);
    cases.push([small, /not a multiple of 4 of at least 12/]);
    const long = concatBytes(base, e);
    long.set(int(e.length + 4, 4, true), at + 4);
    cases.push([long, /exceeds/]);
    const mismatch = concatBytes(base, e);
    mismatch.set(int(e.length + 4, 4, true), at + e.length - 4);
    cases.push([mismatch, /trailing Block Total Length/]);
    cases.push([concatBytes(base, e.subarray(0, 16)), /exceeds the 16 byte/]);
    cases.push([concatBytes(base, new Uint8Array(4)), /at least 12 bytes/]);
    for (const [bytes, msg] of cases) expect(() => parsePcapng(bytes)).toThrowError(msg);
  });

  it('rejects an EPB whose Captured Packet Length runs past the block body', () => {
    const le = false;
    const e = epb(le, 0, 0n, frame(1));
    e.set(int(frame(1).length + 100, 4), 8 + 12);
    expect(() => parsePcapng(concatBytes(shb(le), idb(le, 1), e))).toThrowError(/Packet Data/);
  });

  it('rejects an if_tsresol option of the wrong size and an SHB of major version 2', () => {
    expect(() => parsePcapng(concatBytes(shb(true), idb(true, 1, [[IF_TSRESOL, new Uint8Array([6, 6])]])))).toThrowError(/if_tsresol/);
    const s = shb(false);
    s.set(int(2, 2), 12);
    expect(() => parsePcapng(s)).toThrowError(/Major Version 2/);
  });
});
