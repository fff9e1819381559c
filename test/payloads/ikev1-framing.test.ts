/** RFC 3948 section 2 UDP encapsulation and the version dispatch on octet 17 of the IKE header. */
import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import { addNonEspMarker, classifyUdp4500, ikeVersionOf, stripNonEspMarker } from '../../src/payloads/framing.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

const IKEV1 = fromHex('0102030405060708 1112131415161718 00 10 05 00 00000000 0000001c'.replace(/ /g, ''));
const IKEV2 = fromHex('0102030405060708 0000000000000000 21 20 22 08 00000000 0000001c'.replace(/ /g, ''));

describe('RFC 3948 section 2.2: non-ESP marker', () => {
  it('adds and strips four zero octets', () => {
    const framed = addNonEspMarker(IKEV1);
    expect(toHex(framed.subarray(0, 4))).toBe('00000000');
    expect(toHex(stripNonEspMarker(framed))).toBe(toHex(IKEV1));
  });

  it('an ESP packet (non-zero SPI) is not IKE', () => {
    const esp = fromHex('c0ffee0100000001aabbccdd');
    expect(classifyUdp4500(esp)).toEqual({ kind: 'ESP', packet: esp });
    expect(() => stripNonEspMarker(esp)).toThrowError(IkeParseError);
  });

  it('RFC 3948 section 2.3: a single 0xFF octet is a NAT-keepalive', () => {
    expect(classifyUdp4500(fromHex('ff'))).toEqual({ kind: 'NAT_KEEPALIVE' });
    expect(() => stripNonEspMarker(fromHex('ff'))).toThrowError(/NAT-keepalive/);
    expect(() => classifyUdp4500(fromHex('0000'))).toThrowError(IkeParseError);
  });
});

describe('ikeVersionOf: major version nibble of octet 17 (RFC 2408 3.1, RFC 7296 3.1)', () => {
  it('dispatches 1 and 2, rejects others and short input', () => {
    expect(ikeVersionOf(IKEV1)).toBe(1);
    expect(ikeVersionOf(IKEV2)).toBe(2);
    const v3 = IKEV2.slice();
    v3[17] = 0x30;
    expect(() => ikeVersionOf(v3)).toThrowError(/major version 3/);
    expect(() => ikeVersionOf(IKEV1.subarray(0, 27))).toThrowError(IkeParseError);
  });
});
