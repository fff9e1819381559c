import { describe, expect, it } from 'vitest';
import { CaptureParseError, LinkType, extractIkeDatagrams, parseCapture, parsePcap } from '../../src/pcap/index.js';
import { IkeParseError } from '../../src/errors.js';
import { ethernet, fakeIke, int, ipv4, pcapFile, udp } from './build.js';

const A = [192, 0, 2, 1];
const B = [198, 51, 100, 7];

function ikeFrame(seed: number): Uint8Array {
  return ethernet(ipv4({ src: A, dst: B, protocol: 17, payload: udp(500, 500, fakeIke(seed)) }));
}

describe('classic pcap (draft-ietf-opsawg-pcap section 4)', () => {
  for (const le of [false, true]) {
    it(`reads a ${le ? 'little' : 'big'}-endian file with microsecond timestamps`, () => {
      const file = pcapFile({ le, linkType: LinkType.ETHERNET }, [
        { seconds: 1_471_799_693, fraction: 375_619, data: ikeFrame(1) },
        { seconds: 1_471_799_694, fraction: 5, data: ikeFrame(2) },
      ]);
      const cap = parsePcap(file);
      expect(cap.format).toBe('pcap');
      expect(cap.interfaces).toEqual([{ linkType: 1, snapLength: 65535, unitsPerSecond: 1_000_000n, offsetSeconds: 0n, section: 0 }]);
      expect(cap.frames.map((f) => f.number)).toEqual([1, 2]);
      expect(cap.frames[0].timestamp).toEqual({ seconds: 1_471_799_693, nanoseconds: 375_619_000 });
      expect(cap.frames[1].timestamp).toEqual({ seconds: 1_471_799_694, nanoseconds: 5_000 });
      expect(cap.frames[0].data).toEqual(ikeFrame(1));
      expect(cap.frames[0].offset).toBe(24 + 16);
      const ike = extractIkeDatagrams(cap);
      expect(ike.map((d) => d.ike)).toEqual([fakeIke(1), fakeIke(2)]);
      expect(ike[0]).toMatchObject({ frame: 1, src: '192.0.2.1', dst: '198.51.100.7', srcPort: 500, dstPort: 500, nonEspMarker: false });
    });
  }

  it('the 0xa1b23c4d magic makes the fraction nanoseconds', () => {
    for (const le of [false, true]) {
      const cap = parseCapture(pcapFile({ le, nano: true, linkType: 1 }, [{ seconds: 10, fraction: 123_456_789, data: ikeFrame(3) }]));
      expect(cap.interfaces[0].unitsPerSecond).toBe(1_000_000_000n);
      expect(cap.frames[0].timestamp).toEqual({ seconds: 10, nanoseconds: 123_456_789 });
    }
  });

  it('keeps the original length when the snap length cut the packet', () => {
    const data = ikeFrame(4).subarray(0, 40);
    const cap = parsePcap(pcapFile({ le: true, linkType: 1, snapLength: 40 }, [{ seconds: 1, fraction: 0, data, originalLength: 78 }]));
    expect(cap.frames[0].originalLength).toBe(78);
    expect(cap.frames[0].data.length).toBe(40);
  });

  it('ignores the FCS bits above the link type (section 4: LinkType is the low 16 bits)', () => {
    const cap = parsePcap(pcapFile({ le: true, linkType: 0x1400_0001 }, []));
    expect(cap.interfaces[0].linkType).toBe(1);
  });

  it('an empty file after the header has no frames', () => {
    expect(parsePcap(pcapFile({ le: false, linkType: 1 }, [])).frames).toEqual([]);
  });

  it('rejects a record whose Captured Packet Length runs past the file, naming the offset', () => {
    const file = pcapFile({ le: true, linkType: 1 }, [{ seconds: 1, fraction: 0, data: ikeFrame(5) }]);
    const cut = file.subarray(0, file.length - 1);
    try {
      parsePcap(cut);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CaptureParseError);
      expect(e).toBeInstanceOf(IkeParseError);
      expect((e as CaptureParseError).payload).toBe('pcap Packet Record');
      expect((e as CaptureParseError).offset).toBe(24 + 8);
    }
  });

  it('rejects a partial record header', () => {
    const file = pcapFile({ le: true, linkType: 1 }, []);
    expect(() => parsePcap(new Uint8Array([...file, 1, 2, 3]))).toThrowError(/record header needs 16 bytes/);
  });

  it('rejects an unknown magic number and a major version other than 2', () => {
    expect(() => parseCapture(new Uint8Array(24))).toThrowError(CaptureParseError);
    const file = pcapFile({ le: false, linkType: 1 }, []);
    file.set(int(3, 2), 4);
    expect(() => parsePcap(file)).toThrowError(/Major Version 3/);
    expect(() => parsePcap(new Uint8Array([0xa1, 0xb2, 0xc3, 0xd4, 0, 2]))).toThrowError(CaptureParseError);
  });
});
