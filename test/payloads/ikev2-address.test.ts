import { describe, expect, it } from 'vitest';
import { IkeError } from '../../src/errors.js';
import { bytesToIp, ipToBytes } from '../../src/payloads/address.js';
import { formatIdV2, parseIdV2 } from '../../src/payloads/ikev2/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

describe('IP address text (RFC 4291 section 2.2, RFC 5952)', () => {
  it('IPv4 dotted decimal', () => {
    expect(toHex(ipToBytes('192.0.2.1'))).toBe('c0000201');
    expect(bytesToIp(fromHex('0a0000ff'))).toBe('10.0.0.255');
  });

  it('RFC 4291 section 2.2: every accepted IPv6 form reads the same address', () => {
    const want = '20010db8000000000000000000000001';
    for (const t of ['2001:db8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:DB8:0:0:0:0:0:1', '2001:db8:0::0:1']) {
      expect(toHex(ipToBytes(t))).toBe(want);
    }
    expect(toHex(ipToBytes('::'))).toBe('00'.repeat(16));
    expect(toHex(ipToBytes('::1'))).toBe('00'.repeat(15) + '01');
    expect(toHex(ipToBytes('fe80::'))).toBe('fe80' + '00'.repeat(14));
    expect(toHex(ipToBytes('::ffff:192.0.2.1'))).toBe('00'.repeat(10) + 'ffffc0000201');
    expect(toHex(ipToBytes('64:ff9b::192.0.2.33'))).toBe('0064ff9b0000000000000000c0000221');
  });

  it('RFC 5952 section 4: lowercase, no leading zeros, longest zero run compressed, first run on a tie, no "::" for one group', () => {
    expect(bytesToIp(ipToBytes('2001:0DB8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(bytesToIp(ipToBytes('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1'); // 4.2.3: first of equal runs
    expect(bytesToIp(ipToBytes('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1'); // 4.2.3: longest run
    expect(bytesToIp(ipToBytes('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1'); // 4.2.2: single zero group
    expect(bytesToIp(new Uint8Array(16))).toBe('::');
    expect(bytesToIp(ipToBytes('::1'))).toBe('::1');
    expect(bytesToIp(ipToBytes('fe80::'))).toBe('fe80::');
  });

  it('RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad', () => {
    expect(bytesToIp(ipToBytes('::ffff:c000:201'))).toBe('::ffff:192.0.2.1');
  });

  it('refuses malformed text with an IkeError', () => {
    for (const t of ['1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', ':1::', '1:2:3:4:5:6:7::8', '']) {
      expect(() => ipToBytes(t), t).toThrowError(IkeError);
    }
    expect(() => bytesToIp(new Uint8Array(5))).toThrowError(IkeError);
  });
});

describe('ID text helpers for RFC 7296 section 3.5 ID Types', () => {
  it('formats and parses each kind', () => {
    const cases: Array<[string, number, string]> = [
      ['ipv4:192.0.2.1', 1, 'c0000201'],
      ['fqdn:vpn.example', 2, '76706e2e6578616d706c65'],
      ['rfc822:a@b.example', 3, '6140622e6578616d706c65'],
      ['ipv6:2001:db8::1', 5, '20010db8000000000000000000000001'],
      ['dn:3000', 9, '3000'],
      ['gn:8203', 10, '8203'],
      ['keyid:0102ff', 11, '0102ff'],
      ['fc:0a0b', 12, '0a0b'],
      ['null:', 13, ''],
      ['id201:abcd', 201, 'abcd'],
    ];
    for (const [text, idType, hex] of cases) {
      const id = parseIdV2(text);
      expect(id.idType, text).toBe(idType);
      expect(toHex(id.data), text).toBe(hex);
      expect(formatIdV2(id)).toBe(text);
    }
  });

  it('refuses unknown kinds, bad hex and mismatched addresses', () => {
    for (const t of ['vpn.example', 'bogus:1', 'keyid:xyz', 'ipv4:2001:db8::1', 'ipv6:10.0.0.1', 'id999:00']) {
      expect(() => parseIdV2(t), t).toThrowError(IkeError);
    }
  });
});
