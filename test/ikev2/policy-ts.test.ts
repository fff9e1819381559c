/** Traffic selector text (RFC 7296 section 3.13.1 fields) and narrowing (RFC 7296 section 2.9). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IkeError } from '../../src/errors.js';
import {
  formatTrafficSelector,
  intersectTrafficSelector,
  narrowTrafficSelectors,
  parseTrafficSelector,
  trafficSelectorCovers,
  trafficSelectorsWithin,
} from '../../src/ikev2/traffic-selectors.js';
import type { AddressRangeSelector, TrafficSelector } from '../../src/payloads/ikev2/types.js';

// RFC 7296 section 3.13.1: TS Type values.
const TS_IPV4_ADDR_RANGE = 7;
const TS_IPV6_ADDR_RANGE = 8;

const b = (...xs: number[]) => Uint8Array.from(xs);

function v4(start: number[], end: number[], ipProtocol = 0, startPort = 0, endPort = 65535): AddressRangeSelector {
  return { tsType: TS_IPV4_ADDR_RANGE, ipProtocol, startPort, endPort, startAddress: b(...start), endAddress: b(...end) };
}

function refused(text: string, pattern: RegExp): void {
  try {
    parseTrafficSelector(text);
  } catch (e) {
    expect(e).toBeInstanceOf(IkeError);
    expect((e as IkeError).kind).toBe('INVALID_ARGUMENT');
    expect((e as IkeError).message).toMatch(pattern);
    return;
  }
  throw new Error(`accepted ${text}`);
}

describe('parseTrafficSelector (RFC 7296 section 3.13.1)', () => {
  it('a prefix is its first to last address; any protocol is 0 with ports 0-65535', () => {
    expect(parseTrafficSelector('10.1.0.0/24')).toEqual(v4([10, 1, 0, 0], [10, 1, 0, 255]));
    expect(parseTrafficSelector('0.0.0.0/0')).toEqual(v4([0, 0, 0, 0], [255, 255, 255, 255]));
    expect(parseTrafficSelector('192.0.2.7')).toEqual(v4([192, 0, 2, 7], [192, 0, 2, 7]));
    expect(parseTrafficSelector('10.0.0.0/9')).toEqual(v4([10, 0, 0, 0], [10, 127, 255, 255]));
  });

  it('protocol and ports: [udp/500] is IP protocol 17, ports 500-500; [tcp] is 6 with all ports', () => {
    expect(parseTrafficSelector('10.1.0.0/24[udp/500]')).toEqual(v4([10, 1, 0, 0], [10, 1, 0, 255], 17, 500, 500));
    expect(parseTrafficSelector('10.0.0.0/8[tcp]')).toEqual(v4([10, 0, 0, 0], [10, 255, 255, 255], 6));
    expect(parseTrafficSelector('10.0.0.0/8[udp/1000-2000]')).toEqual(v4([10, 0, 0, 0], [10, 255, 255, 255], 17, 1000, 2000));
    expect(parseTrafficSelector('10.0.0.0/8[132]').ipProtocol).toBe(132);
    expect(parseTrafficSelector('10.0.0.0/8[icmp]').ipProtocol).toBe(1);
    expect(parseTrafficSelector('::/0[ipv6-icmp]').ipProtocol).toBe(58);
    expect(parseTrafficSelector('10.0.0.0/8[sctp/any]')).toEqual(v4([10, 0, 0, 0], [10, 255, 255, 255], 132));
  });

  it('OPAQUE ports are Start Port 65535, End Port 0 (RFC 7296 section 3.13.1, RFC 4301 section 4.4.1.1)', () => {
    const s = parseTrafficSelector('10.0.0.0/8[udp/opaque]');
    expect([s.startPort, s.endPort]).toEqual([65535, 0]);
  });

  it('ranges', () => {
    expect(parseTrafficSelector('1.2.3.4-1.2.3.9')).toEqual(v4([1, 2, 3, 4], [1, 2, 3, 9]));
    expect(parseTrafficSelector('1.2.3.4 - 1.2.3.9[tcp/80]')).toEqual(v4([1, 2, 3, 4], [1, 2, 3, 9], 6, 80, 80));
  });

  it('IPv6 prefixes use 16-byte addresses and TS_IPV6_ADDR_RANGE', () => {
    const all = parseTrafficSelector('::/0');
    expect(all.tsType).toBe(TS_IPV6_ADDR_RANGE);
    expect(all.startAddress).toEqual(new Uint8Array(16));
    expect(all.endAddress).toEqual(new Uint8Array(16).fill(0xff));
    const doc = parseTrafficSelector('2001:db8::/32');
    expect(doc.startAddress).toEqual(b(0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)));
    expect(doc.endAddress).toEqual(b(0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0xff)));
  });

  it('refuses bad text with INVALID_ARGUMENT naming the problem', () => {
    refused('10.1.0.1/24', /host bits/);
    refused('10.1.0.0/33', /prefix length/);
    refused('10.1.0.0/', /prefix length/);
    refused('10.1.0.300/24', /not an IP address/);
    refused('1.2.3.9-1.2.3.4', /ends before/);
    refused('1.2.3.4-::1', /mixes IPv4 and IPv6/);
    refused('10.0.0.0/8[/53]', /needs a protocol/);
    refused('10.0.0.0/8[udp/2000-1000]', /empty/);
    refused('10.0.0.0/8[udp/70000]', /not a port/);
    refused('10.0.0.0/8[foo]', /unknown protocol/);
    refused('10.0.0.0/8[256]', /unknown protocol/);
    refused('10.0.0.0/8[udp]x', /expected/);
    refused('', /expected/);
    refused('dynamic', /not an IP address/);
    refused('10.0.0.0/8[constructor]', /unknown protocol/);
  });
});

describe('formatTrafficSelector', () => {
  it('prints CIDR blocks as prefixes, other ranges as from-to, protocol and ports in brackets', () => {
    expect(formatTrafficSelector(v4([10, 1, 0, 0], [10, 1, 0, 255]))).toBe('10.1.0.0/24');
    expect(formatTrafficSelector(v4([10, 1, 0, 0], [10, 1, 0, 255], 17, 500, 500))).toBe('10.1.0.0/24[udp/500]');
    expect(formatTrafficSelector(v4([10, 1, 0, 0], [10, 1, 0, 255], 6))).toBe('10.1.0.0/24[tcp]');
    expect(formatTrafficSelector(v4([1, 2, 3, 4], [1, 2, 3, 9], 99, 1, 2))).toBe('1.2.3.4-1.2.3.9[99/1-2]');
    expect(formatTrafficSelector(v4([0, 0, 0, 0], [255, 255, 255, 255]))).toBe('0.0.0.0/0');
    expect(formatTrafficSelector(v4([192, 0, 2, 1], [192, 0, 2, 1]))).toBe('192.0.2.1/32');
    expect(formatTrafficSelector({ tsType: 10, data: b(1, 2) })).toBe('TS_SECLABEL:0102');
  });

  it('reads back to the same selector', () => {
    for (const text of ['10.1.0.0/24', '10.1.0.0/24[udp/500]', '10.0.0.0/8[tcp]', '2001:db8::/32', '::/0', '1.2.3.4-1.2.3.9', '10.0.0.0/8[udp/opaque]', '::1/128[tcp/22-23]']) {
      const s = parseTrafficSelector(text);
      expect(parseTrafficSelector(formatTrafficSelector(s))).toEqual(s);
    }
  });
});

describe('narrowTrafficSelectors (RFC 7296 section 2.9)', () => {
  const ts = parseTrafficSelector;

  it('the responder narrows 10.0.0.0/8 to its 10.1.0.0/24', () => {
    expect(narrowTrafficSelectors([ts('10.0.0.0/8')], [ts('10.1.0.0/24')])).toEqual([v4([10, 1, 0, 0], [10, 1, 0, 255])]);
  });

  it('a proposal inside the policy is kept as proposed', () => {
    expect(narrowTrafficSelectors([ts('10.1.0.5[tcp/443]')], [ts('10.1.0.0/24')])).toEqual([v4([10, 1, 0, 5], [10, 1, 0, 5], 6, 443, 443)]);
  });

  it('protocol 0 (any) narrows to the other side\'s protocol; two different protocols do not meet', () => {
    expect(narrowTrafficSelectors([ts('10.0.0.0/8')], [ts('10.0.0.0/8[tcp]')])).toEqual([v4([10, 0, 0, 0], [10, 255, 255, 255], 6)]);
    expect(narrowTrafficSelectors([ts('10.0.0.0/8[udp]')], [ts('10.0.0.0/8[tcp]')])).toEqual([]);
  });

  it('port ranges intersect', () => {
    expect(narrowTrafficSelectors([ts('10.0.0.0/8[udp/1000-2000]')], [ts('10.0.0.0/8[udp/1500-3000]')])).toEqual([
      v4([10, 0, 0, 0], [10, 255, 255, 255], 17, 1500, 2000),
    ]);
    expect(narrowTrafficSelectors([ts('10.0.0.0/8[udp/1000-2000]')], [ts('10.0.0.0/8[udp/3000-4000]')])).toEqual([]);
  });

  it('OPAQUE ports meet only OPAQUE or ANY (RFC 4301 section 4.4.1.1)', () => {
    expect(narrowTrafficSelectors([ts('10.0.0.0/8[udp/opaque]')], [ts('10.0.0.0/8')])).toEqual([v4([10, 0, 0, 0], [10, 255, 255, 255], 17, 65535, 0)]);
    expect(narrowTrafficSelectors([ts('10.0.0.0/8[udp/opaque]')], [ts('10.0.0.0/8[udp/53]')])).toEqual([]);
  });

  it('disjoint addresses give [] (TS_UNACCEPTABLE)', () => {
    expect(narrowTrafficSelectors([ts('10.2.0.0/16')], [ts('10.1.0.0/16')])).toEqual([]);
  });

  it('IPv4 and IPv6 never mix', () => {
    expect(narrowTrafficSelectors([ts('0.0.0.0/0')], [ts('::/0')])).toEqual([]);
    const v6 = narrowTrafficSelectors([ts('::/0'), ts('0.0.0.0/0')], [ts('2001:db8::/32')]);
    expect(v6.map(formatTrafficSelector)).toEqual(['2001:db8::/32']);
  });

  it('keeps the proposed order, one result per overlapping pair, no repeats', () => {
    const out = narrowTrafficSelectors([ts('10.9.0.0/16'), ts('10.0.0.0/8'), ts('10.1.0.0/24')], [ts('10.1.0.0/24'), ts('10.9.9.0/24')]);
    expect(out.map(formatTrafficSelector)).toEqual(['10.9.9.0/24', '10.1.0.0/24']);
  });

  it('a range that is not a prefix narrows by address order', () => {
    expect(narrowTrafficSelectors([ts('1.2.3.4-1.2.4.9')], [ts('1.2.3.0/24')]).map(formatTrafficSelector)).toEqual(['1.2.3.4-1.2.3.255']);
  });

  it('selector types other than address ranges never match', () => {
    expect(narrowTrafficSelectors([{ tsType: 10, data: b(1) }], [ts('0.0.0.0/0')])).toEqual([]);
  });

  it('property: every narrowed selector lies inside a proposed one and a configured one', () => {
    const sel = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 6, 17), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 }))
      .map(([x, y, p, a, c]): TrafficSelector => v4([10, 0, Math.min(x, y), 0], [10, 0, Math.max(x, y), 255], p, p ? Math.min(a, c) : 0, p ? Math.max(a, c) : 65535));
    fc.assert(
      fc.property(fc.array(sel, { maxLength: 4 }), fc.array(sel, { maxLength: 4 }), (proposed, configured) => {
        const out = narrowTrafficSelectors(proposed, configured);
        for (const s of out) {
          expect(proposed.some((p) => trafficSelectorCovers(p, s))).toBe(true);
          expect(configured.some((c) => trafficSelectorCovers(c, s))).toBe(true);
        }
        // Symmetric in what it covers: any pair that overlaps contributes.
        const overlaps = proposed.some((p) => configured.some((c) => intersectTrafficSelector(p, c)));
        expect(out.length > 0).toBe(overlaps);
      }),
      { numRuns: 500 },
    );
  });
});

describe('trafficSelectorsWithin: the initiator checks the narrowed answer (RFC 7296 section 2.9)', () => {
  const ts = parseTrafficSelector;
  it('accepts a subset of what was proposed and refuses a widening', () => {
    expect(trafficSelectorsWithin([ts('10.1.0.0/24')], [ts('10.0.0.0/8')])).toBe(true);
    expect(trafficSelectorsWithin([ts('10.1.0.0/24[tcp/80]')], [ts('10.1.0.0/24')])).toBe(true);
    expect(trafficSelectorsWithin([ts('10.0.0.0/8')], [ts('10.1.0.0/24')])).toBe(false);
    expect(trafficSelectorsWithin([ts('10.1.0.0/24')], [ts('10.1.0.0/24[tcp]')])).toBe(false);
    expect(trafficSelectorsWithin([], [ts('10.1.0.0/24')])).toBe(false);
  });
});

describe('arbitrary input', () => {
  it('parseTrafficSelector throws nothing but IkeError', () => {
    const piece = fc.constantFrom('10.', '1', '0', '/', '-', '[', ']', 'udp', ':', '::', 'ff', '255', '24', '65536', ' ', 'tcp/', 'opaque');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(piece, { maxLength: 12 }).map((p) => p.join(''))), (text) => {
        try {
          parseTrafficSelector(text);
        } catch (e) {
          expect(e).toBeInstanceOf(IkeError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
