/**
 * ISAKMP payload codecs against bytes written by hand from the RFC figures (RFC 2408 section 3,
 * RFC 2407 section 4.6, RFC 3947 sections 3.2/5.2, draft-dukes-ike-mode-cfg-02 section 3.2).
 */
import { describe, expect, it } from 'vitest';
import {
  attributeBigIntV1,
  attributeNumberV1,
  decodeMessageV1,
  decodePayloadChainV1,
  describeMessageV1,
  encodeMessageV1,
  encodePayloadChainBytesV1,
  makeAttributeV1,
  parseIdentificationV1,
  type IkeV1Message,
  type IsakmpHeader,
  type PayloadV1,
} from '../../src/payloads/ikev1/index.js';
import { IkeParseError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

const h = (s: string) => fromHex(s.replace(/\s+/g, ''));

/** Decodes a payload chain and checks that encoding gives the same bytes back. */
function roundTrip(hex: string, first: number): PayloadV1[] {
  const bytes = h(hex);
  const { payloads, paddingLength } = decodePayloadChainV1(bytes, first);
  expect(paddingLength).toBe(0);
  const again = encodePayloadChainBytesV1(payloads);
  expect(again.firstPayload).toBe(first);
  expect(toHex(again.bytes)).toBe(toHex(bytes));
  return payloads;
}

/** The error a decode throws; fails the test when it does not throw an IkeParseError. */
function parseError(f: () => unknown): IkeParseError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IkeParseError);
    return e as IkeParseError;
  }
  throw new Error('expected an IkeParseError');
}

const chainError = (hex: string, first: number) => parseError(() => decodePayloadChainV1(h(hex), first));

// Phase 1 SA (RFC 2408 3.4-3.6, RFC 2409 Appendix A): DOI IPSEC, SIT_IDENTITY_ONLY, one ISAKMP
// proposal with KEY_IKE and seven attributes; LIFE_DURATION as a 4-octet TLV (86400 s).
const PHASE1_SA =
  '00 00 003c  00000001  00000001' + // SA generic header, DOI, Situation
  '00 00 0030  01 01 00 01' + // Proposal: last, length 48, #1, PROTO_ISAKMP, SPI size 0, 1 transform
  '00 00 0028  01 01 0000' + // Transform: last, length 40, #1, KEY_IKE, RESERVED2
  '800b 0001' + // LIFE_TYPE = SECONDS (TV)
  '000c 0004 00015180' + // LIFE_DURATION = 86400 (TLV, 4 octets)
  '8001 0007' + // ENCRYPTION_ALGORITHM = AES_CBC
  '800e 0100' + // KEY_LENGTH = 256
  '8002 0004' + // HASH_ALGORITHM = SHA2_256
  '8003 0001' + // AUTHENTICATION_METHOD = PRE_SHARED_KEY
  '8004 000e'; // GROUP_DESCRIPTION = 14

describe('SA / Proposal / Transform (RFC 2408 sections 3.4-3.6)', () => {
  it('decodes the phase 1 SA field by field and re-encodes the same bytes', () => {
    const [sa] = roundTrip(PHASE1_SA, 1);
    expect(sa.type).toBe(1);
    if (sa.type !== 1) return;
    expect(sa.doi).toBe(1);
    expect(sa.situation).toBe(1);
    expect(sa.labeledDomain).toBeUndefined();
    expect(sa.proposals).toHaveLength(1);
    const [p] = sa.proposals;
    expect(p).toMatchObject({ proposalNumber: 1, protocolId: 1 });
    expect(p.spi.length).toBe(0);
    const [t] = p.transforms;
    expect(t.transformNumber).toBe(1);
    expect(t.transformId).toBe(1);
    expect(t.attributes.map((a) => [a.type, a.form, attributeNumberV1(a)])).toEqual([
      [11, 'TV', 1],
      [12, 'TLV', 86400],
      [1, 'TV', 7],
      [14, 'TV', 256],
      [2, 'TV', 4],
      [3, 'TV', 1],
      [4, 'TV', 14],
    ]);
  });

  it('quick mode ESP proposal with a 4-octet SPI and an AH proposal in the same SA (RFC 2408 3.5 AND-ed proposals)', () => {
    const hex =
      '00 00 0048 00000001 00000001' +
      '02 00 0028 01 03 04 01 c0ffee01' + // Proposal #1 ESP, next = P
      '00 00 001c 01 0c 0000 8001 0001 8002 0e10 8004 0001 8005 0005 8006 0080' +
      '00 00 0014 01 02 04 01 0badf00d' + // Proposal #1 AH, last
      '00 00 0008 01 05 0000'; // Transform AH_SHA2_256, no attributes
    const [sa] = roundTrip(hex, 1);
    if (sa.type !== 1) throw new Error('not SA');
    expect(sa.proposals.map((p) => [p.proposalNumber, p.protocolId, toHex(p.spi), p.transforms.length])).toEqual([
      [1, 3, 'c0ffee01', 1],
      [1, 2, '0badf00d', 1],
    ]);
    expect(sa.proposals[0].transforms[0].transformId).toBe(12);
  });

  it('length and count errors name the structure (every nested length is checked)', () => {
    // SA Payload Length beyond the chain.
    expect(chainError(PHASE1_SA.replace('00 00 003c', '00 00 003d'), 1).message).toMatch(/Payload Length/);
    // Proposal length beyond the SA.
    expect(chainError(PHASE1_SA.replace('00 00 0030', '00 00 0031'), 1).message).toMatch(/Proposal Payload Length/);
    // Proposal length shorter than its fixed part.
    expect(chainError(PHASE1_SA.replace('00 00 0030', '00 00 0007'), 1).message).toMatch(/Proposal/);
    // Transform length beyond the proposal.
    expect(chainError(PHASE1_SA.replace('00 00 0028', '00 00 0029'), 1).message).toMatch(/Transform Payload Length/);
    // Transform length that cuts an attribute in half.
    const cut = chainError(
      PHASE1_SA.replace('00 00 003c', '00 00 003a').replace('00 00 0030', '00 00 002e').replace('00 00 0028', '00 00 0026').replace(/ 000e$/, ''),
      1,
    );
    expect(cut.payload).toBe('Transform');
    // TLV attribute length beyond the transform.
    expect(chainError(PHASE1_SA.replace('000c 0004', '000c 0044'), 1).message).toMatch(/Attribute Value/);
    // # of Transforms does not match.
    const count = chainError(PHASE1_SA.replace('01 01 00 01', '01 01 00 02'), 1);
    expect(count.message).toMatch(/# of Transforms/);
    expect(count.offset).toBe(4 + 8 + 4 + 3);
    // SPI Size beyond the proposal.
    expect(chainError(PHASE1_SA.replace('01 01 00 01', '01 01 ff 01'), 1).message).toMatch(/SPI/);
    // A Proposal's Next Payload must be 2 or 0; a Transform's 3 or 0.
    expect(chainError(PHASE1_SA.replace('00 00 0030', '05 00 0030'), 1).message).toMatch(/Proposal Next Payload/);
    expect(chainError(PHASE1_SA.replace('00 00 0028', '03 00 0028'), 1).message).toMatch(/Transform/);
    // RESERVED octets must be zero (RFC 2408 section 3.2).
    expect(chainError(PHASE1_SA.replace('01 01 0000', '01 01 0001'), 1).message).toMatch(/RESERVED2/);
    // A Proposal without Transforms.
    expect(chainError('00 00 0014 00000001 00000001 00 00 0008 01 01 00 00', 1).message).toMatch(/no Transform/);
    // An SA without proposals.
    expect(chainError('00 00 000c 00000001 00000001', 1).message).toMatch(/at least one Proposal/);
    // Unsupported DOI.
    expect(chainError(PHASE1_SA.replace('00000001  00000001', '00000007  00000001'), 1).message).toMatch(/DOI 7/);
  });

  it('RFC 2407 4.6.1: SIT_SECRECY labeled domain fields are kept as bytes and round-trip', () => {
    const labeled = '0000000a' + '0002 0000 0102 0000' + '0009 0000 ff80 0000'; // LDI, level (2 octets, padded), 9-bit bitmap (padded)
    const hex = `00 00 ${(4 + 8 + 20 + 16).toString(16).padStart(4, '0')} 00000001 00000002 ${labeled} 00 00 0010 01 01 00 01 00 00 0008 01 01 0000`;
    const [sa] = roundTrip(hex, 1);
    if (sa.type !== 1) throw new Error('not SA');
    expect(h(labeled)).toHaveLength(20);
    expect(toHex(sa.labeledDomain!)).toBe(toHex(h(labeled)));
    // A Secrecy Length that runs past the SA is caught.
    expect(chainError(hex.replace('0002 0000 0102', '00ff 0000 0102'), 1).message).toMatch(/Secrecy Level/);
    expect(chainError(hex.replace('0002 0000 0102', '0002 0001 0102'), 1).message).toMatch(/RESERVED after Secrecy Length/);
  });
});

describe('Data attributes (RFC 2408 section 3.3)', () => {
  it('TV and TLV forms are preserved; helpers read numbers and bigints', () => {
    const tlv4 = { type: 12, form: 'TLV' as const, value: h('00015180') };
    expect(attributeNumberV1(tlv4)).toBe(86400);
    expect(attributeBigIntV1({ type: 6, form: 'TLV', value: h('ffffffffffffffffff') })).toBe(0xffffffffffffffffffn);
    expect(() => attributeNumberV1({ type: 6, form: 'TLV', value: h('ffffffffffffffffff') })).toThrowError(IkeParseError);
  });

  it('makeAttributeV1 writes the shortest form: TV up to 0xffff, else minimal TLV', () => {
    expect(makeAttributeV1(11, 1)).toEqual({ type: 11, form: 'TV', value: h('0001') });
    expect(makeAttributeV1(12, 28800)).toEqual({ type: 12, form: 'TV', value: h('7080') });
    expect(makeAttributeV1(12, 86400)).toEqual({ type: 12, form: 'TLV', value: h('015180') });
    expect(makeAttributeV1(12, 0x100000000n)).toEqual({ type: 12, form: 'TLV', value: h('0100000000') });
  });
});

describe('KE, Nonce, Hash, Signature, Vendor ID, CERT, CR (RFC 2408 sections 3.7-3.13, 3.16)', () => {
  it('decodes each body as the RFC lays it out', () => {
    const hex =
      '0a 00 000c 0102030405060708' + // KE (8 octets of data), next = NONCE
      '08 00 000c 1112131415161718' + // Nonce: 8 octets (RFC 2409 minimum), next = HASH
      '09 00 0008 aabbccdd' + // Hash, next = SIG
      '0d 00 0007 010203' + // Signature, next = VID
      '06 00 0014 afcad71368a1f1c96b8696fc77570100' + // Vendor ID (DPD), next = CERT
      '07 00 0008 04 308201' + // CERT: X509_SIGNATURE, 3 octets, next = CR
      '00 00 0005 04'; // CR: X509_SIGNATURE, any authority
    const payloads = roundTrip(hex, 4);
    expect(payloads).toEqual([
      { type: 4, keyExchangeData: h('0102030405060708') },
      { type: 10, nonce: h('1112131415161718') },
      { type: 8, hash: h('aabbccdd') },
      { type: 9, signature: h('010203') },
      { type: 13, vendorId: h('afcad71368a1f1c96b8696fc77570100') },
      { type: 6, encoding: 4, data: h('308201') },
      { type: 7, certType: 4, authority: new Uint8Array(0) },
    ]);
  });

  it('RFC 2409 section 5: Nonce data must be 8 to 256 octets', () => {
    expect(chainError('00 00 000b 11121314151617', 10).message).toMatch(/Nonce Data is 7 bytes/);
    const n256 = '00 00 0104 ' + '11'.repeat(256);
    expect(roundTrip(n256, 10)).toHaveLength(1);
    expect(chainError('00 00 0105 ' + '11'.repeat(257), 10).message).toMatch(/257/);
  });

  it('empty KE, Hash, Signature and Vendor ID are malformed', () => {
    for (const t of [4, 8, 9, 13]) expect(chainError('00 00 0004', t)).toBeInstanceOf(IkeParseError);
  });
});

describe('Identification (RFC 2408 3.8, RFC 2407 4.6.2)', () => {
  it('ID_IPV4_ADDR for phase 1: protocol 17, port 500', () => {
    const [id] = roundTrip('00 00 000c 01 11 01f4 c0000201', 5);
    expect(id).toEqual({ type: 5, idType: 1, protocolId: 17, port: 500, data: h('c0000201') });
    if (id.type === 5) expect(parseIdentificationV1(id.idType, id.data)).toEqual({ kind: 'address', address: '192.0.2.1' });
  });

  it('ID_IPV6_ADDR with protocol 17 port 500', () => {
    const [id] = roundTrip('00 00 0018 05 11 01f4 20010db8000000000000000000000001', 5);
    expect(id).toMatchObject({ type: 5, idType: 5, protocolId: 17, port: 500 });
    if (id.type === 5) expect(parseIdentificationV1(id.idType, id.data)).toEqual({ kind: 'address', address: '2001:db8::1' });
  });

  it('ID_IPV6_ADDR_SUBNET ::/0 (any IPv6 address, as in a quick mode proxy ID)', () => {
    const [id] = roundTrip('00 00 0028 06 00 0000 ' + '00'.repeat(32), 5);
    if (id.type !== 5) throw new Error('not ID');
    expect(parseIdentificationV1(id.idType, id.data)).toEqual({ kind: 'subnet', address: '::', mask: '::', prefixLength: 0 });
  });

  it('ID_IPV4_ADDR_SUBNET, ID_IPV4_ADDR_RANGE, ID_FQDN, ID_USER_FQDN, ID_DER_ASN1_DN, ID_KEY_ID', () => {
    const hex =
      '05 00 0010 04 00 0000 0a000000 ffffff00' +
      '05 00 0010 07 06 0050 0a000001 0a0000fe' +
      '05 00 000f 02 00 0000 766f6e2e6f7267' + // "von.org"
      '05 00 000e 03 00 0000 6140622e6373' + // "a@b.cs"
      '05 00 000a 09 00 0000 3000' +
      '00 00 000b 0b 00 0000 6b6579';
    const ids = roundTrip(hex, 5).map((p) => (p.type === 5 ? parseIdentificationV1(p.idType, p.data) : undefined));
    expect(ids).toEqual([
      { kind: 'subnet', address: '10.0.0.0', mask: '255.255.255.0', prefixLength: 24 },
      { kind: 'range', start: '10.0.0.1', end: '10.0.0.254' },
      { kind: 'name', name: 'von.org' },
      { kind: 'name', name: 'a@b.cs' },
      { kind: 'opaque', data: h('3000') },
      { kind: 'opaque', data: h('6b6579') },
    ]);
  });

  it('address ID data of the wrong length is rejected for every address type', () => {
    const cases: Array<[number, number]> = [
      [1, 4],
      [4, 8],
      [7, 8],
      [5, 16],
      [6, 32],
      [8, 32],
    ];
    for (const [idType, n] of cases) {
      for (const len of [n - 1, n + 1]) {
        const body = `0${idType.toString(16)} 00 0000 ${'01'.repeat(len)}`;
        const e = chainError(`00 00 ${(8 + len).toString(16).padStart(4, '0')} ${body}`, 5);
        expect(e.message).toMatch(new RegExp(`is ${len} octets, expected ${n}`));
        expect(e.payload).toBe('Identification');
        expect(e.offset).toBe(8);
      }
    }
    expect(chainError('00 00 0008 02 00 0000', 5).message).toMatch(/empty/);
  });
});

describe('Notification and Delete (RFC 2408 sections 3.14, 3.15; RFC 3706; RFC 2407 4.6.3)', () => {
  it('R-U-THERE with the ISAKMP SPI (both cookies) and a 4-octet sequence number', () => {
    const hex = '00 00 0020 00000001 01 10 8d28 ' + '0102030405060708 1112131415161718' + '0000abcd';
    const [n] = roundTrip(hex, 11);
    expect(n).toEqual({ type: 11, doi: 1, protocolId: 1, notifyType: 36136, spi: h('01020304050607081112131415161718'), data: h('0000abcd') });
  });

  it('INITIAL-CONTACT without SPI; SPI Size beyond the payload is an error', () => {
    const [n] = roundTrip('00 00 000c 00000001 01 00 6002', 11);
    expect(n).toMatchObject({ notifyType: 24578, spi: new Uint8Array(0), data: new Uint8Array(0) });
    expect(chainError('00 00 000c 00000001 01 04 6002', 11).message).toMatch(/SPI/);
  });

  it('Delete: one ISAKMP SA (16-octet cookie pair) and two ESP SPIs', () => {
    const isakmp = '0c 00 001c 00000001 01 10 0001 0102030405060708 1112131415161718';
    const esp = '00 00 0014 00000001 03 04 0002 c0ffee01 c0ffee02';
    const [d1, d2] = roundTrip(isakmp + esp, 12);
    expect(d1).toEqual({ type: 12, doi: 1, protocolId: 1, spiSize: 16, spis: [h('01020304050607081112131415161718')] });
    expect(d2).toEqual({ type: 12, doi: 1, protocolId: 3, spiSize: 4, spis: [h('c0ffee01'), h('c0ffee02')] });
  });

  it('Delete: # of SPIs x SPI Size must fill the payload; ISAKMP SPI Size must be 16', () => {
    expect(chainError('00 00 0014 00000001 03 04 0003 c0ffee01 c0ffee02', 12).message).toMatch(/# of SPIs 3/);
    expect(chainError('00 00 0014 00000001 03 04 0001 c0ffee01 c0ffee02', 12).message).toMatch(/# of SPIs 1/);
    expect(chainError('00 00 0010 00000001 01 04 0001 c0ffee01', 12).message).toMatch(/16-octet/);
    expect(chainError('00 00 000c 00000001 03 00 ffff', 12).message).toMatch(/SPI Size 0/);
  });
});

describe('NAT-D and NAT-OA (RFC 3947 sections 3.2, 5.2, and the draft numbers 130/131)', () => {
  it('decodes both numberings', () => {
    const hex =
      '82 00 0018 ' + '11'.repeat(20) + // NAT-D (20), next = NAT-D draft (130)
      '15 00 0018 ' + '22'.repeat(20) + // NAT-D draft (130), next = NAT-OA (21)
      '83 00 000c 01 000000 c0a80001' + // NAT-OA IPv4, next = NAT-OA draft (131)
      '00 00 0018 05 000000 20010db8000000000000000000000002';
    expect(roundTrip(hex, 20)).toEqual([
      { type: 20, hash: h('11'.repeat(20)) },
      { type: 130, hash: h('22'.repeat(20)) },
      { type: 21, idType: 1, address: h('c0a80001') },
      { type: 131, idType: 5, address: h('20010db8000000000000000000000002') },
    ]);
  });

  it('NAT-OA allows only ID_IPV4_ADDR / ID_IPV6_ADDR, with the matching address length and zero RESERVED', () => {
    expect(chainError('00 00 000c 02 000000 c0a80001', 21).message).toMatch(/ID_FQDN/);
    expect(chainError('00 00 000c 05 000000 c0a80001', 21).message).toMatch(/expected 16/);
    expect(chainError('00 00 000c 01 000100 c0a80001', 21).message).toMatch(/RESERVED/);
  });
});

describe('Mode-Config Attribute payload (draft-dukes-ike-mode-cfg-02 3.2) and XAUTH attributes', () => {
  const XAUTH_REQUEST = '00 00 0014 01 00 1234 c088 0000 408a 0000 408a 0000'.replace('408a 0000 408a', '4089 0000 408a');
  it('ISAKMP_CFG_REQUEST with XAUTH_TYPE (TV), empty XAUTH_USER_NAME and XAUTH_USER_PASSWORD (TLV)', () => {
    const [a] = roundTrip(XAUTH_REQUEST, 14);
    expect(a).toEqual({
      type: 14,
      cfgType: 1,
      identifier: 0x1234,
      attributes: [
        { type: 16520, form: 'TV', value: h('0000') },
        { type: 16521, form: 'TLV', value: new Uint8Array(0) },
        { type: 16522, form: 'TLV', value: new Uint8Array(0) },
      ],
    });
  });

  it('the trace never prints an XAUTH password', () => {
    const reply = '00 00 0018 02 00 1234 4089 0003 626f62 408a 0005 7333637233';
    const payloads = roundTrip(reply, 14);
    const trace = describeMessageV1({ header: header(6, false), payloads });
    expect(trace).toContain('XAUTH_USER_NAME = "bob"');
    expect(trace).toContain('XAUTH_USER_PASSWORD = <5 byte(s) not shown>');
    expect(trace).not.toContain('s3cr3');
    expect(trace).not.toContain('7333637233');
  });
});

describe('IKEv1 fragment payload (type 132)', () => {
  it('decodes ID, number and the LAST flag', () => {
    const [f] = roundTrip('00 00 000b 0001 02 01 aabbcc', 132);
    expect(f).toEqual({ type: 132, fragmentId: 1, fragmentNumber: 2, last: true, data: h('aabbcc') });
  });
  it('rejects undefined flag bits and fragment number 0', () => {
    expect(chainError('00 00 000b 0001 02 03 aabbcc', 132).message).toMatch(/flag/);
    expect(chainError('00 00 000b 0001 00 01 aabbcc', 132).message).toMatch(/Fragment Number/);
  });
});

describe('Generic payload header and chain (RFC 2408 section 3.2)', () => {
  it('an unknown payload type is kept (ISAKMP has no critical bit) and round-trips', () => {
    expect(roundTrip('0d 00 0006 aabb 00 00 0005 01', 200)).toEqual([
      { type: 'UNKNOWN', payloadType: 200, body: h('aabb') },
      { type: 13, vendorId: h('01') },
    ]);
  });

  it('Proposal and Transform types at the top level are unknown payloads, not SA contents', () => {
    expect(roundTrip('00 00 0005 01', 2)).toEqual([{ type: 'UNKNOWN', payloadType: 2, body: h('01') }]);
  });

  it('RESERVED must be zero; Payload Length below 4 or beyond the data is an error', () => {
    expect(chainError('00 01 0005 01', 13).message).toMatch(/RESERVED/);
    expect(chainError('00 00 0003 01', 13).message).toMatch(/shorter than the generic header/);
    expect(chainError('00 00 0006 01', 13).message).toMatch(/Payload Length/);
    expect(chainError('0d 00 0005 01', 13).message).toMatch(/only 0 byte/);
  });

  it('trailing bytes after the last payload are rejected unless padding is allowed', () => {
    expect(chainError('00 00 0005 01 0000', 13).message).toMatch(/after the last payload/);
    const zeros = decodePayloadChainV1(h('00 00 0005 01 000000'), 13, { allowTrailingPadding: true });
    expect(zeros.paddingLength).toBe(3);
    expect(zeros.payloads).toHaveLength(1);
    // RFC 2409 Appendix B form (count in the last byte) and the random padding real peers send.
    expect(decodePayloadChainV1(h('00 00 0005 01 000002'), 13, { allowTrailingPadding: true }).paddingLength).toBe(3);
    expect(decodePayloadChainV1(h('00 00 0005 01 c2ca86a8adc3f7'), 13, { allowTrailingPadding: true }).paddingLength).toBe(7);
    // Padding never hides a broken chain: the payload lengths are still checked.
    expect(() => decodePayloadChainV1(h('00 00 0009 01 0000'), 13, { allowTrailingPadding: true })).toThrowError(IkeParseError);
  });
});

function header(exchangeType: number, encryption: boolean, messageId = 0): IsakmpHeader {
  return {
    initiatorCookie: h('0102030405060708'),
    responderCookie: h('1112131415161718'),
    majorVersion: 1,
    minorVersion: 0,
    exchangeType,
    flags: { encryption, commit: false, authenticationOnly: false },
    messageId,
  };
}

describe('ISAKMP header and message (RFC 2408 section 3.1)', () => {
  const MM1 = '0102030405060708 0000000000000000 01 10 02 00 00000000 00000058' + PHASE1_SA;

  it('decodes the Main Mode first message and re-encodes it', () => {
    const bytes = h(MM1);
    const m = decodeMessageV1(bytes);
    expect(m.header).toEqual({
      initiatorCookie: h('0102030405060708'),
      responderCookie: new Uint8Array(8),
      majorVersion: 1,
      minorVersion: 0,
      exchangeType: 2,
      flags: { encryption: false, commit: false, authenticationOnly: false },
      messageId: 0,
    });
    expect(toHex(encodeMessageV1(m))).toBe(toHex(bytes));
    expect(describeMessageV1(m)).toContain('LIFE_DURATION = 86400');
    expect(describeMessageV1(m)).toContain('IDENTITY_PROTECTION');
  });

  it('E flag: the body stays opaque with the first inner payload type; both forms round-trip', () => {
    const bytes = h('0102030405060708 1112131415161718 08 10 20 01 a1b2c3d4 0000002c 00112233445566778899aabbccddeeff');
    const m = decodeMessageV1(bytes);
    expect(m).toEqual({ header: header(32, true, 0xa1b2c3d4), firstPayload: 8, encrypted: h('00112233445566778899aabbccddeeff') });
    expect(toHex(encodeMessageV1(m))).toBe(toHex(bytes));
    const plain: IkeV1Message = { header: header(5, false), payloads: [{ type: 8, hash: h('aa') }] };
    expect(decodeMessageV1(encodeMessageV1(plain))).toEqual(plain);
    expect(() => encodeMessageV1({ header: header(5, true), payloads: [] })).toThrowError(RangeError);
    expect(() => encodeMessageV1({ header: header(5, false), firstPayload: 8, encrypted: h('00') })).toThrowError(RangeError);
  });

  it('flags C and A decode; undefined flag bits are rejected', () => {
    const base = '0102030405060708 1112131415161718 00 10 05 FF 00000000 0000001c';
    expect(decodeMessageV1(h(base.replace('FF', '06'))).header.flags).toEqual({ encryption: false, commit: true, authenticationOnly: true });
    const e = parseError(() => decodeMessageV1(h(base.replace('FF', '08'))));
    expect(e.offset).toBe(19);
  });

  it('RFC 2408 5.1: a major version other than 1 is INVALID_MAJOR_VERSION (notify 5)', () => {
    const e = parseError(() => decodeMessageV1(h('0102030405060708 1112131415161718 00 20 05 00 00000000 0000001c')));
    expect(e.kind).toBe('INVALID_MAJOR_VERSION');
    expect(e.ikev1Notify).toBe(5);
    expect(e.offset).toBe(17);
  });

  it('header Length must equal the datagram length, in both directions', () => {
    const ok = '0102030405060708 1112131415161718 00 10 05 00 00000000 0000001c';
    expect(decodeMessageV1(h(ok))).toEqual({ header: header(5, false), payloads: [] });
    expect(parseError(() => decodeMessageV1(h(ok + '00'))).message).toMatch(/Length 28 but the datagram has 29/);
    expect(parseError(() => decodeMessageV1(h(ok.replace('0000001c', '0000001d')))).offset).toBe(24);
    expect(parseError(() => decodeMessageV1(h(ok).subarray(0, 27))).message).toMatch(/Length/);
    expect(parseError(() => decodeMessageV1(h(ok.replace('08 10 05 01', '')).subarray(0, 0)))).toBeInstanceOf(IkeParseError);
  });

  it('an encrypted message with nothing after the header is malformed', () => {
    expect(parseError(() => decodeMessageV1(h('0102030405060708 1112131415161718 08 10 05 01 00000000 0000001c'))).message).toMatch(/E flag/);
  });
});

describe('Encoders refuse objects the wire cannot carry', () => {
  const base = (payloads: PayloadV1[]): IkeV1Message => ({ header: header(5, false), payloads });
  it('numbers that do not fit their field are a RangeError, not a silent truncation', () => {
    expect(() => encodeMessageV1({ header: { ...header(5, false), exchangeType: 256 }, payloads: [] })).toThrowError(RangeError);
    expect(() => encodeMessageV1({ header: { ...header(5, false), messageId: -1 }, payloads: [] })).toThrowError(RangeError);
    expect(() => encodeMessageV1({ header: { ...header(5, false), minorVersion: 16 }, payloads: [] })).toThrowError(RangeError);
    expect(() => encodeMessageV1(base([{ type: 5, idType: 1, protocolId: 17, port: 65536, data: h('c0000201') }]))).toThrowError(/Port/);
    expect(() => encodeMessageV1(base([{ type: 11, doi: 1, protocolId: 1, notifyType: 70000, spi: h(''), data: h('') }]))).toThrowError(/Notify Message Type/);
    expect(() => encodeMessageV1(base([{ type: 'UNKNOWN', payloadType: 300, body: h('') }]))).toThrowError(RangeError);
    expect(() =>
      encodeMessageV1(base([{ type: 1, doi: 1, situation: 1, proposals: [{ proposalNumber: 1, protocolId: 1, spi: h(''), transforms: [{ transformNumber: 1, transformId: 256, attributes: [] }] }] }])),
    ).toThrowError(/Transform-Id/);
    expect(() => encodeMessageV1(base([{ type: 12, doi: 1, protocolId: 3, spiSize: 4, spis: [h('00')] }]))).toThrowError(/SPI Size/);
    expect(() => encodeMessageV1(base([{ type: 8, hash: new Uint8Array(70000) }]))).toThrowError(RangeError);
  });
});
