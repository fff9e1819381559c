import { describe, expect, it } from 'vitest';
import { IkeParseError } from '../../src/errors.js';
import { decodeMessageV2, encodeMessageV2, keyLengthOf, makeTransform, type SaPayload } from '../../src/payloads/ikev2/index.js';
import { toHex } from '../../src/util/bytes.js';
import { datagram, gp, HEADER } from './ikev2-helpers.js';

// RFC 7296 section 3.3.1/3.3.2 figures, field by field:
// Transform: Last Substructure (1) | RESERVED (1) | Transform Length (2) | Transform Type (1) | RESERVED (1) | Transform ID (2) | attributes
const T_ENCR_AES_CBC_128 = '03 00 000c 01 00 000c 800e 0080'; // KEY_LENGTH (14) TV, AF bit set: 0x800e
const T_PRF_SHA256 = '03 00 0008 02 00 0005';
const T_INTEG_SHA256 = '03 00 0008 03 00 000c';
const T_KE_ECP256_LAST = '00 00 0008 04 00 0013';
// Proposal: Last Substructure | RESERVED | Proposal Length | Proposal Num | Protocol ID | SPI Size | Num Transforms | SPI | transforms
const IKE_PROPOSAL = '00 00 002c 01 01 00 04' + T_ENCR_AES_CBC_128 + T_PRF_SHA256 + T_INTEG_SHA256 + T_KE_ECP256_LAST;

const IKE_SA: SaPayload = {
  type: 33,
  proposals: [
    {
      proposalNum: 1,
      protocolId: 1,
      spi: new Uint8Array(0),
      transforms: [
        { transformType: 1, transformId: 12, attributes: [{ type: 14, value: 128 }] },
        { transformType: 2, transformId: 5, attributes: [] },
        { transformType: 3, transformId: 12, attributes: [] },
        { transformType: 4, transformId: 19, attributes: [] },
      ],
    },
  ],
};

function decodeSa(hex: string): SaPayload {
  const m = decodeMessageV2(datagram(33, gp(0, hex)));
  return m.payloads[0] as SaPayload;
}

function parseError(hex: string): IkeParseError {
  try {
    decodeSa(hex);
  } catch (e) {
    expect(e).toBeInstanceOf(IkeParseError);
    return e as IkeParseError;
  }
  throw new Error('expected an IkeParseError');
}

describe('IKEv2 SA payload (RFC 7296 section 3.3)', () => {
  it('decodes an IKE proposal written from the section 3.3.1/3.3.2 figures', () => {
    expect(decodeSa(IKE_PROPOSAL)).toEqual(IKE_SA);
  });

  it('encodes the same proposal to the hand-written bytes', () => {
    const bytes = encodeMessageV2({ header: HEADER, payloads: [IKE_SA] });
    expect(toHex(bytes)).toBe(toHex(datagram(33, gp(0, IKE_PROPOSAL))));
  });

  it('section 3.3.5: KEY_LENGTH is a TV attribute; keyLengthOf and makeTransform agree with the wire', () => {
    const t = IKE_SA.proposals[0].transforms[0];
    expect(keyLengthOf(t)).toBe(128);
    expect(makeTransform(1, 12, 128)).toEqual(t);
    expect(keyLengthOf(IKE_SA.proposals[0].transforms[1])).toBeUndefined();
  });

  it('section 3.3.1: ESP proposal with a 4-byte SPI, second proposal numbered one more', () => {
    const esp =
      '02 00 0020 01 03 04 02 c0ffee01' + // 8 + 4 (SPI) + 12 + 8 = 32
      '03 00 000c 01 00 0014 800e 0100' + // ENCR_AES_GCM_16, 256-bit key
      '00 00 0008 05 00 0000' + // ESN: NO_ESN
      '00 00 001c 02 03 04 02 c0ffee02' + // 8 + 4 + 8 + 8 = 28
      '03 00 0008 01 00 000c' + // ENCR_AES_CBC without KEY_LENGTH
      '00 00 0008 03 00 000c';
    const sa = decodeSa(esp);
    expect(sa.proposals.map((p) => [p.proposalNum, p.protocolId, toHex(p.spi), p.transforms.length])).toEqual([
      [1, 3, 'c0ffee01', 2],
      [2, 3, 'c0ffee02', 2],
    ]);
    expect(sa.proposals[0].transforms[0]).toEqual({ transformType: 1, transformId: 20, attributes: [{ type: 14, value: 256 }] });
    expect(toHex(encodeMessageV2({ header: HEADER, payloads: [sa] }))).toBe(toHex(datagram(33, gp(0, esp))));
  });

  it('section 3.3.5: a TLV attribute (AF=0) keeps its bytes', () => {
    const hex = '00 00 0014 01 01 00 01' + '00 00 000c 01 00 0401 0123 0000'; // private ENCR id 1025, attribute 0x123 with empty value
    const sa = decodeSa(hex);
    expect(sa.proposals[0].transforms[0].attributes).toEqual([{ type: 0x123, value: new Uint8Array(0) }]);
    expect(toHex(encodeMessageV2({ header: HEADER, payloads: [sa] }))).toBe(toHex(datagram(33, gp(0, hex))));
  });

  it('section 3.3.1: Num Transforms must match the transforms present', () => {
    const e = parseError('00 00 002c 01 01 00 03' + T_ENCR_AES_CBC_128 + T_PRF_SHA256 + T_INTEG_SHA256 + T_KE_ECP256_LAST);
    expect(e.message).toMatch(/Num Transforms is 3 but 4/);
    expect(e.payload).toBe('SA Proposal');
    expect(e.offset).toBe(28 + 4 + 7);
  });

  it('section 3.3.1: Last Substructure of a proposal is 0 or 2', () => {
    expect(parseError('01' + IKE_PROPOSAL.replace(/\s+/g, '').slice(2)).message).toMatch(/expected 0 or 2/);
  });

  it('section 3.3.2: Last Substructure of a transform is 0 or 3, and the last one is 0', () => {
    expect(parseError('00 00 0010 01 01 00 01 02 00 0008 01 00 000c').message).toMatch(/expected 0 or 3/);
    expect(parseError('00 00 0010 01 01 00 01 03 00 0008 01 00 000c').message).toMatch(/last Transform/);
  });

  it('section 3.3.1: proposals after the one marked last are refused, and the last one must be marked 0', () => {
    const one = '00 00 0010 01 01 00 01 00 00 0008 01 00 000c';
    const two = '00 00 0010 02 01 00 01 00 00 0008 01 00 000c';
    expect(parseError(one + two).message).toMatch(/follows the one marked last/);
    expect(parseError('02' + one.replace(/\s+/g, '').slice(2)).message).toMatch(/Last Substructure 2/);
  });

  it('section 3.3.1: proposal numbers start at 1 and rise by one', () => {
    expect(parseError('00 00 0010 00 01 00 01 00 00 0008 01 00 000c').message).toMatch(/Proposal Num 0/);
    const one = '02 00 0010 01 01 00 01 00 00 0008 01 00 000c';
    const three = '00 00 0010 03 01 00 01 00 00 0008 01 00 000c';
    expect(parseError(one + three).message).toMatch(/expected 2/);
  });

  it('section 3.3.1: SPI Size is 4 for ESP and AH, 0 or 8 for IKE', () => {
    expect(parseError('00 00 0010 01 03 08 00 0102030405060708').message).toMatch(/SPI Size 8 for protocol ESP, expected 4/);
    expect(parseError('00 00 000c 01 01 04 00 01020304').message).toMatch(/SPI Size 4 for protocol IKE, expected 0 or 8/);
    const rekey = decodeSa('00 00 0018 01 01 08 01 0102030405060708 00 00 0008 01 00 000c');
    expect(toHex(rekey.proposals[0].spi)).toBe('0102030405060708');
  });

  it('every nested length is checked: Proposal Length, Transform Length, Attribute Length', () => {
    expect(parseError('00 00 0030 01 01 00 01 00 00 0008 01 00 000c').message).toMatch(/Proposal Length 48 exceeds/);
    expect(parseError('00 00 0007 01 01 00').message).toMatch(/Proposal Length 7 is shorter/);
    expect(parseError('00 00 0010 01 01 00 01 00 00 0009 01 00 000c').message).toMatch(/Transform Length 9 exceeds/);
    expect(parseError('00 00 0010 01 01 00 01 00 00 0007 01 00 000c').message).toMatch(/Transform Length 7 is shorter/);
    expect(parseError('00 00 0014 01 01 00 01 00 00 000c 01 00 000c 0123 0001').message).toMatch(/Attribute Value/);
    expect(parseError('00 00 0012 01 01 00 01 00 00 000a 01 00 000c 800e').message).toMatch(/Attribute Value/);
  });

  it('section 3.3.5: KEY_LENGTH in TLV form is refused', () => {
    expect(parseError('00 00 0016 01 01 00 01 00 00 000e 01 00 000c 000e 0002 0080').message).toMatch(/KEY_LENGTH must use the TV/);
  });

  it('an SA payload with no proposal is refused', () => {
    expect(parseError('').message).toMatch(/no Proposal/);
  });

  it('the encoder refuses what the decoder would refuse: SPI sizes and proposal numbering', () => {
    const esp = { proposalNum: 1, protocolId: 3, spi: new Uint8Array(8), transforms: [] };
    expect(() => encodeMessageV2({ header: HEADER, payloads: [{ type: 33, proposals: [esp] }] })).toThrowError(/expected 4/);
    const ok = { ...esp, spi: new Uint8Array(4) };
    expect(() => encodeMessageV2({ header: HEADER, payloads: [{ type: 33, proposals: [ok, { ...ok, proposalNum: 3 }] }] })).toThrowError(/rises by one/);
    expect(() => encodeMessageV2({ header: HEADER, payloads: [{ type: 33, proposals: [] }] })).toThrowError(/at least one Proposal/);
  });
});
