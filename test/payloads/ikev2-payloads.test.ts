import { describe, expect, it } from 'vitest';
import { IkeError, IkeParseError } from '../../src/errors.js';
import {
  certReqAuthorities,
  decodeMessageV2,
  encodeMessageV2,
  isErrorNotify,
  type PayloadV2,
} from '../../src/payloads/ikev2/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { datagram, gp, HEADER } from './ikev2-helpers.js';

const u = (hex: string) => fromHex(hex.replace(/\s+/g, ''));

/** The payload decoded from a datagram whose only payload is `type` with body `bodyHex` (generic Next Payload `next`). */
function one(type: number, bodyHex: string, next = 0): PayloadV2 {
  const m = decodeMessageV2(datagram(type, gp(next, bodyHex)));
  expect(m.payloads).toHaveLength(1);
  return m.payloads[0];
}

/** Both directions against the hand-written bytes. */
function roundTrip(type: number, bodyHex: string, expected: PayloadV2, next = 0): void {
  expect(one(type, bodyHex, next)).toEqual(expected);
  expect(toHex(encodeMessageV2({ header: HEADER, payloads: [expected] }))).toBe(toHex(datagram(type, gp(next, bodyHex))));
}

function fails(type: number, bodyHex: string, pattern: RegExp, next = 0): IkeParseError {
  try {
    one(type, bodyHex, next);
  } catch (e) {
    expect(e).toBeInstanceOf(IkeParseError);
    expect((e as Error).message).toMatch(pattern);
    return e as IkeParseError;
  }
  throw new Error('expected an IkeParseError');
}

describe('IKEv2 generic payload header and chain (RFC 7296 sections 3.1, 3.2)', () => {
  it('section 3.1: reserved Flags bits are ignored on receipt and sent as zero', () => {
    const d = datagram(43, gp(0, 'aabb'));
    d[19] = 0x08 | 0xc7; // I plus every reserved bit
    const m = decodeMessageV2(d);
    expect(m.header.flags).toEqual({ initiator: true, version: false, response: false });
    expect(encodeMessageV2(m)[19]).toBe(0x08);
  });

  it('section 3.1: a major version other than 2 is INVALID_MAJOR_VERSION', () => {
    const d = datagram(43, gp(0, 'aabb'));
    d[17] = 0x30;
    expect(() => decodeMessageV2(d)).toThrowError(/INVALID_MAJOR_VERSION/);
  });

  it('section 3.1: header Length must equal the datagram length', () => {
    const d = datagram(43, gp(0, 'aabb'));
    expect(() => decodeMessageV2(d.subarray(0, d.length - 1))).toThrowError(IkeParseError);
  });

  it('section 3.2: Payload Length shorter than 4 or beyond the message is INVALID_SYNTAX', () => {
    const short = datagram(43, '00 00 0003 aa'.replace(/\s/g, ''));
    expect(() => decodeMessageV2(short)).toThrowError(/shorter than the generic header/);
    const long = datagram(43, '00 00 0009 aabb'.replace(/\s/g, ''));
    expect(() => decodeMessageV2(long)).toThrowError(/Payload Length 9 exceeds the 6 byte/);
  });

  it('section 3.2: a chain that names a next payload but ends is INVALID_SYNTAX', () => {
    expect(() => decodeMessageV2(datagram(43, gp(40, 'aabb')))).toThrowError(IkeParseError);
  });

  it('section 2.5: the critical bit of a known payload round-trips', () => {
    const d = datagram(43, gp(0, 'aabb', true));
    const m = decodeMessageV2(d);
    expect(m.payloads[0]).toEqual({ type: 43, critical: true, vendorId: u('aabb') });
    expect(toHex(encodeMessageV2(m))).toBe(toHex(d));
  });
});

describe('IKEv2 Identification payload (RFC 7296 section 3.5)', () => {
  it('ID_IPV4_ADDR is four octets', () => {
    roundTrip(35, '01 000000 c0000201', { type: 35, idType: 1, data: u('c0000201') });
    fails(35, '01 000000 c000020101', /ID_IPV4_ADDR Identification Data is 5 bytes, expected 4/);
  });

  it('ID_IPV6_ADDR is sixteen octets', () => {
    roundTrip(36, '05 000000 20010db8000000000000000000000001', { type: 36, idType: 5, data: u('20010db8000000000000000000000001') });
    fails(36, '05 000000 20010db80000000000000000000000', /expected 16/);
  });

  it('ID_FQDN, ID_RFC822_ADDR and ID_KEY_ID carry their bytes; a missing ID Type is refused', () => {
    roundTrip(35, '02 000000 76706e2e6578616d706c65', { type: 35, idType: 2, data: u('76706e2e6578616d706c65') });
    roundTrip(35, '03 000000 6140622e6578', { type: 35, idType: 3, data: u('6140622e6578') });
    roundTrip(35, '0b 000000 0102', { type: 35, idType: 11, data: u('0102') });
    fails(35, '', /ID Type/);
    fails(35, '02 0000', /RESERVED/);
  });
});

describe('IKEv2 Certificate, Certificate Request, Authentication (RFC 7296 sections 3.6-3.8)', () => {
  it('section 3.6: Cert Encoding then Certificate Data', () => {
    roundTrip(37, '04 308201', { type: 37, encoding: 4, data: u('308201') });
    fails(37, '', /Cert Encoding/);
  });

  it('section 3.7: Certification Authority is a list of 20-byte SHA-1 hashes for X.509', () => {
    const a = '11'.repeat(20);
    const b = '22'.repeat(20);
    const p = one(38, '04' + a + b);
    expect(p).toEqual({ type: 38, encoding: 4, authority: u(a + b) });
    if (p.type !== 38) throw new Error('not CERTREQ');
    expect(certReqAuthorities(p)!.map(toHex)).toEqual([a, b]);
    expect(certReqAuthorities({ ...p, authority: u('11') })).toBeUndefined();
  });

  it('section 3.8: Auth Method, 3 RESERVED octets, Authentication Data', () => {
    roundTrip(39, '02 000000 ' + 'ab'.repeat(32), { type: 39, method: 2, authData: u('ab'.repeat(32)) });
    fails(39, '0e 00', /RESERVED/);
  });
});

describe('IKEv2 Notify payload (RFC 7296 section 3.10)', () => {
  it('NAT_DETECTION_SOURCE_IP: no SPI, 20 bytes of SHA-1 data', () => {
    const hash = '0123456789abcdef0123456789abcdef01234567';
    roundTrip(41, '00 00 4004 ' + hash, { type: 41, protocolId: 0, spi: u(''), notifyType: 16388, data: u(hash) });
  });

  it('REKEY_SA names an ESP SA by its 4-byte SPI', () => {
    roundTrip(41, '03 04 4009 c0ffee01', { type: 41, protocolId: 3, spi: u('c0ffee01'), notifyType: 16393, data: u('') });
  });

  it('INVALID_KE_PAYLOAD (an error type) carries the accepted group; unknown private types stay numbers', () => {
    roundTrip(41, '00 00 0011 0013', { type: 41, protocolId: 0, spi: u(''), notifyType: 17, data: u('0013') });
    roundTrip(41, '00 00 a001 ff', { type: 41, protocolId: 0, spi: u(''), notifyType: 0xa001, data: u('ff') });
    expect(isErrorNotify(17)).toBe(true);
    expect(isErrorNotify(16388)).toBe(false);
  });

  it('SPI Size beyond the payload is refused', () => {
    fails(41, '03 08 4009 c0ffee01', /SPI: needs 8 byte/);
    fails(41, '00 00 40', /Notify Message Type/);
  });
});

describe('IKEv2 Delete payload (RFC 7296 section 3.11)', () => {
  it('IKE SA: SPI Size 0 and no SPIs', () => {
    roundTrip(42, '01 00 0000', { type: 42, protocolId: 1, spiSize: 0, spis: [] });
  });

  it('ESP: 4-byte SPIs, Num of SPIs matches the data', () => {
    roundTrip(42, '03 04 0002 c0ffee01 c0ffee02', { type: 42, protocolId: 3, spiSize: 4, spis: [u('c0ffee01'), u('c0ffee02')] });
  });

  it('refuses counts and sizes that disagree with the protocol or the data', () => {
    fails(42, '03 04 0003 c0ffee01 c0ffee02', /Num of SPIs 3 x SPI Size 4 is 12 bytes but 8 remain/);
    fails(42, '03 04 0001 c0ffee01 c0', /is 4 bytes but 5 remain/);
    fails(42, '01 00 0001', /Num of SPIs 1 for IKE, expected 0/);
    fails(42, '01 08 0000', /SPI Size 8 for IKE, expected 0/);
    fails(42, '02 08 0001 0102030405060708', /SPI Size 8 for AH, expected 4/);
  });
});

describe('IKEv2 Vendor ID payload (RFC 7296 section 3.12)', () => {
  it('keeps the Vendor ID bytes', () => {
    roundTrip(43, '882fe56d6fd20dbc2251613b2ebe5beb', { type: 43, vendorId: u('882fe56d6fd20dbc2251613b2ebe5beb') });
  });
});

describe('IKEv2 Traffic Selector payloads (RFC 7296 section 3.13)', () => {
  it('TS_IPV4_ADDR_RANGE: Selector Length 16, any protocol, all ports', () => {
    roundTrip(44, '01 000000 07 00 0010 0000 ffff 0a000000 0a0000ff', {
      type: 44,
      selectors: [{ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: u('0a000000'), endAddress: u('0a0000ff') }],
    });
  });

  it('TS_IPV6_ADDR_RANGE: Selector Length 40, TCP port 80, two selectors', () => {
    const a = '20010db8000000000000000000000000';
    const b = '20010db80000000000000000ffffffff';
    roundTrip(45, `02 000000 08 06 0028 0050 0050 ${a} ${b} 07 11 0010 01f4 01f4 c0000201 c0000201`, {
      type: 45,
      selectors: [
        { tsType: 8, ipProtocol: 6, startPort: 80, endPort: 80, startAddress: u(a), endAddress: u(b) },
        { tsType: 7, ipProtocol: 17, startPort: 500, endPort: 500, startAddress: u('c0000201'), endAddress: u('c0000201') },
      ],
    });
  });

  it('TS_SECLABEL and unknown types stay opaque', () => {
    roundTrip(44, '02 000000 0a 00 0008 73797374 f0 00 0004', {
      type: 44,
      selectors: [
        { tsType: 10, data: u('73797374') },
        { tsType: 0xf0, data: u('') },
      ],
    });
  });

  it('checks Number of TSs and every Selector Length', () => {
    fails(44, '02 000000 07 00 0010 0000 ffff 0a000000 0a0000ff', /Number of TSs is 2 but 1/);
    fails(44, '01 000000 07 00 0014 0000 ffff 0a000000 0a0000ff 00000000', /Selector Length 20 for TS_IPV4_ADDR_RANGE, expected 16/);
    fails(44, '01 000000 08 00 0027 0000 ffff' + '00'.repeat(31), /Selector Length 39 for TS_IPV6_ADDR_RANGE, expected 40/);
    fails(44, '01 000000 07 00 0010 0000 ffff 0a000000 0a00', /Selector Length/);
    fails(44, '01 000000 0a 00 0003', /Selector Length 3 is shorter/);
    fails(44, '01 000000 0a 00 0009 0000', /Selector Length/);
  });
});

describe('IKEv2 Encrypted payloads (RFC 7296 section 3.14, RFC 7383 section 2.5)', () => {
  it('SK keeps IV||ciphertext||ICV and takes its first inner payload from Next Payload', () => {
    roundTrip(46, '00112233445566778899aabbccddeeff', { type: 46, firstPayload: 35, data: u('00112233445566778899aabbccddeeff') }, 35);
  });

  it('SK must be the last payload', () => {
    const d = datagram(46, gp(35, 'aabb') + gp(0, 'cc'));
    expect(() => decodeMessageV2(d)).toThrowError(/must be last/);
  });

  it('SKF: Fragment Number, Total Fragments, then the encrypted data', () => {
    roundTrip(53, '0001 0003 aabbcc', { type: 53, firstPayload: 35, fragmentNumber: 1, totalFragments: 3, data: u('aabbcc') }, 35);
    roundTrip(53, '0003 0003 dd', { type: 53, firstPayload: 0, fragmentNumber: 3, totalFragments: 3, data: u('dd') });
  });

  it('SKF: fragment numbers start at 1 and never exceed Total Fragments', () => {
    fails(53, '0000 0003 aa', /Fragment Number 0/, 35);
    fails(53, '0004 0003 aa', /Fragment Number 4 exceeds Total Fragments 3/);
    fails(53, '0001 00', /Total Fragments/);
  });
});

describe('IKEv2 Configuration payload (RFC 7296 section 3.15)', () => {
  it('CFG_REQUEST with empty attributes asks for values', () => {
    roundTrip(47, '01 000000 0001 0000 0003 0000 0008 0000', {
      type: 47,
      cfgType: 1,
      attributes: [
        { type: 1, value: u('') },
        { type: 3, value: u('') },
        { type: 8, value: u('') },
      ],
    });
  });

  it('CFG_REPLY with an address, a subnet and an IPv6 address with prefix length', () => {
    const v6 = '20010db8000000000000000000000001' + '40';
    roundTrip(47, `02 000000 0001 0004 0a000001 000d 0008 0a000000 ffffff00 0008 0011 ${v6}`, {
      type: 47,
      cfgType: 2,
      attributes: [
        { type: 1, value: u('0a000001') },
        { type: 13, value: u('0a000000ffffff00') },
        { type: 8, value: u(v6) },
      ],
    });
  });

  it('section 3.15.1: value lengths are checked against the attribute type', () => {
    fails(47, '02 000000 0001 0003 0a0000', /INTERNAL_IP4_ADDRESS value of 3 bytes/);
    fails(47, '02 000000 0008 0010 ' + '00'.repeat(16), /INTERNAL_IP6_ADDRESS value of 16 bytes/);
    fails(47, '02 000000 000e 0003 000100', /SUPPORTED_ATTRIBUTES value of 3 bytes/);
    fails(47, '02 000000 0001 0008 0a000001', /Configuration Attribute Value: needs 8/);
    fails(47, '02 000000 0001 00', /Configuration Attribute Length/);
  });

  it('section 3.15.1: the R bit is ignored on receipt', () => {
    expect(one(47, '01 000000 8001 0000')).toEqual({ type: 47, cfgType: 1, attributes: [{ type: 1, value: u('') }] });
  });
});

describe('IKEv2 EAP payload (RFC 7296 section 3.16, RFC 3748 section 4)', () => {
  it('Request/Identity and Response/Identity carry Type and Type-Data', () => {
    roundTrip(48, '01 05 0005 01', { type: 48, code: 1, identifier: 5, eapType: 1, data: u('') });
    roundTrip(48, '02 05 000a 01 616c696365', { type: 48, code: 2, identifier: 5, eapType: 1, data: u('616c696365') });
  });

  it('Success and Failure are the 4-byte header alone', () => {
    roundTrip(48, '03 06 0004', { type: 48, code: 3, identifier: 6, data: u('') });
    fails(48, '04 06 0005 00', /Failure has Length 5, expected 4/);
  });

  it('the EAP Length equals the rest of the payload', () => {
    fails(48, '01 05 0009 01', /EAP Length 9 but the payload carries 5/);
    fails(48, '01 05 0004', /Type: needs 1/);
  });
});

describe('IKEv2 encoder refuses payload objects the wire format cannot carry', () => {
  const enc = (p: PayloadV2) => () => encodeMessageV2({ header: HEADER, payloads: [p] });
  it('throws IkeError INVALID_ARGUMENT naming the payload', () => {
    const cases: Array<[PayloadV2, RegExp]> = [
      [{ type: 35, idType: 1, data: u('c00002') }, /expected 4/],
      [{ type: 42, protocolId: 3, spiSize: 4, spis: [u('0102')] }, /SPI of 2 bytes/],
      [{ type: 42, protocolId: 1, spiSize: 0, spis: [u('')] }, /Num of SPIs 1 for IKE/],
      [{ type: 44, selectors: [{ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: u('00'), endAddress: u('00') }] }, /addresses are 4 bytes/],
      [{ type: 44, selectors: [{ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 70000, startAddress: u('00000000'), endAddress: u('00000000') }] }, /End Port 70000/],
      [{ type: 53, firstPayload: 0, fragmentNumber: 2, totalFragments: 1, data: u('') }, /exceeds Total Fragments/],
      [{ type: 48, code: 1, identifier: 1, data: u('') }, /needs a Type/],
      [{ type: 48, code: 3, identifier: 1, data: u('00') }, /carries no data/],
      [{ type: 47, cfgType: 1, attributes: [{ type: 1, value: u('0a00') }] }, /INTERNAL_IP4_ADDRESS value of 2 bytes/],
      [{ type: 41, protocolId: 0, spi: u(''), notifyType: 0x10000, data: u('') }, /Notify Message Type 65536/],
      [{ type: 43, vendorId: new Uint8Array(0x10000) }, /Payload Length 65540/],
    ];
    for (const [p, re] of cases) {
      let err: unknown;
      try {
        enc(p)();
      } catch (e) {
        err = e;
      }
      expect(err, re.source).toBeInstanceOf(IkeError);
      expect((err as IkeError).kind).toBe('INVALID_ARGUMENT');
      expect((err as Error).message).toMatch(re);
    }
  });
});

describe('parseIdV2 prefix lookup', () => {
  it('refuses prototype names as ID kinds ("constructor:", "__proto__:")', async () => {
    const { parseIdV2 } = await import('../../src/payloads/ikev2/id.js');
    expect(() => parseIdV2('constructor:00')).toThrow(/unknown ID kind/);
    expect(() => parseIdV2('__proto__:00')).toThrow(/unknown ID kind/);
  });
});
