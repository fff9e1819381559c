/** Cisco / strongSwan IKEv1 fragmentation (payload type 132): split and reassemble. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import { encodePayloadBodyV1, reassembleFragmentsV1, splitIntoFragmentsV1, type FragmentPayloadV1 } from '../../src/payloads/ikev1/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

const f = (n: number, last: boolean, hex: string, id = 7): FragmentPayloadV1 => ({ type: 132, fragmentId: id, fragmentNumber: n, last, data: fromHex(hex) });

describe('IKEv1 fragments', () => {
  it('reassembles in any order, ignores identical retransmissions, waits for missing pieces', () => {
    expect(toHex(reassembleFragmentsV1([f(2, false, 'cc'), f(3, true, 'dd'), f(1, false, 'aabb'), f(2, false, 'cc')])!)).toBe('aabbccdd');
    expect(reassembleFragmentsV1([f(1, false, 'aa'), f(3, true, 'cc')])).toBeUndefined();
    expect(reassembleFragmentsV1([f(1, false, 'aa'), f(2, false, 'bb')])).toBeUndefined();
    expect(reassembleFragmentsV1([])).toBeUndefined();
  });

  it('contradictions are IkeParseErrors', () => {
    const bad = [
      [f(1, true, 'aa'), f(1, true, 'aa', 8)],
      [f(1, false, 'aa'), f(1, false, 'ab'), f(2, true, 'cc')],
      [f(1, false, 'aa'), f(2, true, 'bb'), f(3, true, 'cc')],
      [f(1, true, 'aa'), f(2, false, 'bb')],
    ];
    for (const b of bad) expect(() => reassembleFragmentsV1(b)).toThrowError(IkeParseError);
  });

  it('split then reassemble gives the message back; every fragment body encodes as ID | number | flags | data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.integer({ min: 1, max: 100 }), fc.nat({ max: 0xffff }), (msg, max, id) => {
        const frags = splitIntoFragmentsV1(msg, id, Math.max(max, Math.ceil(msg.length / 255)));
        expect(frags.filter((x) => x.last)).toHaveLength(1);
        expect(toHex(reassembleFragmentsV1([...frags].reverse())!)).toBe(toHex(msg));
      }),
      { numRuns: 500 },
    );
    const [one] = splitIntoFragmentsV1(fromHex('aabbcc'), 0x0102, 10);
    expect(toHex(encodePayloadBodyV1(one))).toBe('0102' + '01' + '01' + 'aabbcc');
    expect(() => splitIntoFragmentsV1(new Uint8Array(256), 1, 1)).toThrowError(RangeError);
  });
});
