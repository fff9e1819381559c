/** IPsec DOI Identification Data text <-> bytes (RFC 2407 section 4.6.2) and RFC 5952 IPv6 text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identificationDataV1, parseIdentificationV1 } from '../../src/payloads/ikev1/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

describe('identificationDataV1 (RFC 2407 4.6.2.2-4.6.2.12 layouts)', () => {
  it('writes the bytes the RFC lays out for each address type', () => {
    expect(toHex(identificationDataV1(1, '192.0.2.1'))).toBe('c0000201');
    expect(toHex(identificationDataV1(4, '10.0.0.0/24'))).toBe('0a000000ffffff00');
    expect(toHex(identificationDataV1(4, '10.0.0.0/255.255.240.0'))).toBe('0a000000fffff000');
    expect(toHex(identificationDataV1(7, '10.0.0.1-10.0.0.254'))).toBe('0a0000010a0000fe');
    expect(toHex(identificationDataV1(5, '2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(toHex(identificationDataV1(6, '::/0'))).toBe('00'.repeat(32));
    expect(toHex(identificationDataV1(6, '2001:db8::/33'))).toBe('20010db8' + '00'.repeat(12) + 'ffffffff80' + '00'.repeat(11));
    expect(toHex(identificationDataV1(8, 'fe80::1 - fe80::ff'))).toBe('fe80' + '00'.repeat(13) + '01' + 'fe80' + '00'.repeat(13) + 'ff');
    expect(toHex(identificationDataV1(2, 'vpn.example'))).toBe(toHex(new TextEncoder().encode('vpn.example')));
  });

  it('rejects malformed text with a RangeError', () => {
    for (const [t, s] of [
      [1, '256.0.0.1'],
      [1, '1.2.3'],
      [5, '2001:db8:::1'],
      [5, '1:2:3:4:5:6:7:8:9'],
      [4, '10.0.0.0'],
      [4, '10.0.0.0/33'],
      [7, '10.0.0.1'],
      [2, ''],
      [9, 'CN=x'],
    ] as const) {
      expect(() => identificationDataV1(t, s)).toThrowError(RangeError);
    }
  });

  it('RFC 5952 section 4: canonical IPv6 text (longest zero run, first of equals, no single-group ::)', () => {
    const text = (hex: string) => (parseIdentificationV1(5, fromHex(hex)) as { address: string }).address;
    expect(text('20010db8000000000000000000000001')).toBe('2001:db8::1');
    expect(text('20010db8000000010001000100010001')).toBe('2001:db8:0:1:1:1:1:1');
    expect(text('20010000000000010000000000000001')).toBe('2001:0:0:1::1');
    expect(text('20010db8000000000001000000000001')).toBe('2001:db8::1:0:0:1');
    expect(text('00000000000000000000000000000000')).toBe('::');
  });

  it('text -> bytes -> text -> bytes is stable for arbitrary addresses, subnets and ranges', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 4, 5, 6, 7, 8), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 128 }), (idType, raw, prefix) => {
        const v6 = idType === 5 || idType === 6 || idType === 8;
        const n = v6 ? 16 : 4;
        let data: Uint8Array;
        if (idType === 1 || idType === 5) data = raw.subarray(0, n);
        else if (idType === 7 || idType === 8) data = raw.subarray(0, 2 * n);
        else data = identificationDataV1(idType, `${v6 ? '::' : '0.0.0.0'}/${prefix % (n * 8 + 1)}`);
        const id = parseIdentificationV1(idType, data);
        const text =
          id.kind === 'address' ? id.address : id.kind === 'range' ? `${id.start}-${id.end}` : id.kind === 'subnet' ? `${id.address}/${id.prefixLength}` : '';
        expect(toHex(identificationDataV1(idType, text))).toBe(toHex(data));
      }),
      { numRuns: 2000 },
    );
  });
});
