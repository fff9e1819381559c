/**
 * RFC 2408 section 3.16 Vendor IDs: where a VID is the MD5 of a string, the table must equal the
 * MD5 recomputed here (so a typo in either the hash or the string fails).
 */
import { md5 } from '@noble/hashes/legacy.js';
import { describe, expect, it } from 'vitest';
import { identifyVendorId, VENDOR_ID_TABLE, VendorId } from '../../src/payloads/vendor-ids.js';
import { fromHex, toHex, utf8Encode } from '../../src/util/bytes.js';

describe('Vendor ID table', () => {
  it.each(VENDOR_ID_TABLE.filter((e) => e.md5Of !== undefined).map((e) => [e.key, e] as const))(
    '%s is the MD5 of its source string (truncated to the table length)',
    (_key, e) => {
      const digest = md5(utf8Encode(e.md5Of!));
      expect(toHex(e.bytes)).toBe(toHex(digest.subarray(0, e.bytes.length)));
    },
  );

  it('ASCII vendor IDs are their text', () => {
    for (const e of VENDOR_ID_TABLE.filter((x) => x.ascii !== undefined)) expect(toHex(e.bytes)).toBe(toHex(utf8Encode(e.ascii!)));
  });

  it('RFC 3947 section 3.1: the NAT-T VID is MD5("RFC 3947") = 4a131c81070358455c5728f20e95452f', () => {
    expect(toHex(VendorId.NAT_T_RFC3947)).toBe('4a131c81070358455c5728f20e95452f');
    expect(identifyVendorId(fromHex('4a131c81070358455c5728f20e95452f'))?.name).toBe('NAT-T (RFC 3947)');
  });

  it('RFC 3706 section 5: DPD VID, major 1 minor 0', () => {
    expect(identifyVendorId(fromHex('afcad71368a1f1c96b8696fc77570100'))?.key).toBe('DPD');
    // Another version is not the RFC 3706 VID.
    expect(identifyVendorId(fromHex('afcad71368a1f1c96b8696fc77570200'))).toBeUndefined();
  });

  it('prefix VIDs: Cisco Unity version, MS NT5 version, FRAGMENTATION capability flags', () => {
    expect(identifyVendorId(fromHex('12f5f28c457168a9702d9fe274cc0100'))).toMatchObject({ key: 'CISCO_UNITY', version: 0x0100 });
    expect(toHex(VendorId.CISCO_UNITY)).toBe('12f5f28c457168a9702d9fe274cc0100');
    expect(identifyVendorId(fromHex('1e2b516905991c7d7c96fcbfb587e46100000009'))).toMatchObject({ key: 'MS_NT5_ISAKMPOAKLEY', version: 9 });
    expect(identifyVendorId(fromHex('4048b7d56ebce88525e7de7f00d6c2d3'))).toMatchObject({ key: 'FRAGMENTATION' });
    expect(identifyVendorId(fromHex('4048b7d56ebce88525e7de7f00d6c2d3c0000000'))).toMatchObject({ key: 'FRAGMENTATION', fragmentationFlags: 0xc0000000 });
    expect(identifyVendorId(fromHex('1f07f70eaa6514d3b0fa96542a500407'))).toMatchObject({ key: 'CISCO_VPN3000', version: 0x0407 });
  });

  it('XAUTH is the first 8 octets of MD5("draft-ietf-ipsra-isakmp-xauth-06.txt") and must match exactly', () => {
    expect(identifyVendorId(fromHex('09002689dfd6b712'))?.key).toBe('XAUTH');
    expect(identifyVendorId(fromHex('09002689dfd6b71280a224dec33b81e5'))).toBeUndefined();
  });

  it('ASCII Cisco VIDs and unknown VIDs', () => {
    expect(identifyVendorId(utf8Encode('CISCO-DELETE-REASON'))?.key).toBe('CISCO_DELETE_REASON');
    expect(identifyVendorId(fromHex('699369228741c6d4ca094c93e242c9de'))).toBeUndefined();
  });

  it('table keys are unique', () => {
    const keys = VENDOR_ID_TABLE.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
