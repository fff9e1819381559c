/**
 * RFC 2408 sections 3.4-3.6: the Security Association payload and the Proposal and Transform
 * payloads nested in it, with the IPsec DOI Situation of RFC 2407 section 4.6.1.
 */
import { Doi, PayloadType, Situation } from '../iana/ikev1.js';
import type { Reader } from '../reader.js';
import { concatBytes } from '../../util/bytes.js';
import { decodeDataAttributesV1, encodeDataAttributesV1 } from './attributes.js';
import type { PayloadBodyCodecV1 } from './bodies.js';
import { expectZero } from './reserved.js';
import type { ProposalV1, SaPayloadV1, TransformV1 } from './types.js';
import { uintField } from './fields.js';

const GENERIC_HEADER_LENGTH = 4;

/**
 * RFC 2407 section 4.6.1: after the Situation, SIT_SECRECY / SIT_INTEGRITY add a Labeled Domain
 * Identifier and, per bit set, a level (Length in octets) and a category bitmap (Length in bits),
 * each padded to a 32-bit boundary. Returns the raw span so that it round-trips.
 */
/** A 2-octet length followed by 2 RESERVED octets that must be zero; returns all 4 octets. */
function lengthWithReserved(r: Reader, field: string): Uint8Array {
  const b = r.bytes(4, field);
  if (b[2] !== 0 || b[3] !== 0) r.fail(`RESERVED after ${field} is not zero`, 'INVALID_SYNTAX', r.offset - 2);
  return b;
}

function readLabeledDomain(r: Reader, situation: number): Uint8Array | undefined {
  const secrecy = (situation & Situation.SIT_SECRECY) !== 0;
  const integrity = (situation & Situation.SIT_INTEGRITY) !== 0;
  if (!secrecy && !integrity) return undefined;
  const parts: Uint8Array[] = [r.bytes(4, 'Labeled Domain Identifier')];
  const pad4 = (n: number) => (n + 3) & ~3;
  for (const [on, what] of [
    [secrecy, 'Secrecy'],
    [integrity, 'Integrity'],
  ] as const) {
    if (!on) continue;
    const level = lengthWithReserved(r, `${what} Length`);
    parts.push(level, r.bytes(pad4((level[0] << 8) | level[1]), `${what} Level`));
    const category = lengthWithReserved(r, `${what} Category Length`);
    parts.push(category, r.bytes(pad4(Math.ceil(((category[0] << 8) | category[1]) / 8)), `${what} Category Bitmap`));
  }
  return concatBytes(...parts);
}

function decodeTransform(r: Reader): TransformV1 {
  const transformNumber = r.u8('Transform #');
  const transformId = r.u8('Transform-Id');
  expectZero(r, 2, 'RESERVED2');
  const attributes = decodeDataAttributesV1(r);
  return { transformNumber, transformId, attributes };
}

function decodeProposal(r: Reader): ProposalV1 {
  const proposalNumber = r.u8('Proposal #');
  const protocolId = r.u8('Protocol-Id');
  const spiSize = r.u8('SPI Size');
  const countAt = r.offset;
  const count = r.u8('# of Transforms');
  const spi = r.bytes(spiSize, 'SPI');
  const transforms: TransformV1[] = [];
  let next: number = PayloadType.T;
  while (!r.atEnd) {
    const start = r.offset;
    if (next !== PayloadType.T) r.fail(`bytes follow the last Transform (Next Payload 0)`, 'INVALID_SYNTAX', start);
    next = r.u8('Next Payload');
    if (next !== PayloadType.T && next !== PayloadType.NONE) {
      r.fail(`Transform Next Payload is ${next}; RFC 2408 section 3.6 allows 3 (T) or 0`, 'INVALID_SYNTAX', start);
    }
    expectZero(r, 1, 'RESERVED');
    const length = r.u16('Payload Length');
    if (length < GENERIC_HEADER_LENGTH + 4) {
      r.fail(`Transform Payload Length ${length} is shorter than its 8 fixed octets`, 'INVALID_SYNTAX', start + 2);
    }
    const body = r.sub(length - GENERIC_HEADER_LENGTH, 'Transform', 'Transform Payload Length');
    transforms.push(decodeTransform(body));
  }
  // RFC 2408 section 3.5: a Proposal offers its protocol with at least one Transform.
  if (transforms.length === 0) r.fail('a Proposal with no Transform (BAD-PROPOSAL-SYNTAX)', 'INVALID_SYNTAX', countAt);
  if (next !== PayloadType.NONE) r.fail('the last Transform has Next Payload 3 (T)');
  // RFC 2408 section 3.5: # of Transforms counts the Transform payloads that follow.
  if (transforms.length !== count) {
    r.fail(`# of Transforms is ${count} but ${transforms.length} Transform payload(s) follow`, 'INVALID_SYNTAX', countAt);
  }
  return { proposalNumber, protocolId, spi, transforms };
}

export const saCodecV1: PayloadBodyCodecV1<SaPayloadV1> = {
  name: 'Security Association',
  decode(r) {
    const doiAt = r.offset;
    const doi = r.u32('Domain of Interpretation');
    // RFC 2408 section 3.4: the Situation's format belongs to the DOI; we know ISAKMP (0) and IPsec (1).
    if (doi !== Doi.ISAKMP && doi !== Doi.IPSEC) {
      r.fail(`DOI ${doi} is not supported (DOI-NOT-SUPPORTED)`, 'INVALID_SYNTAX', doiAt);
    }
    const situation = r.u32('Situation');
    const labeledDomain = readLabeledDomain(r, situation);
    const proposals: ProposalV1[] = [];
    let next: number = PayloadType.P;
    while (!r.atEnd) {
      const start = r.offset;
      if (next !== PayloadType.P) r.fail('bytes follow the last Proposal (Next Payload 0)', 'INVALID_SYNTAX', start);
      next = r.u8('Next Payload');
      if (next !== PayloadType.P && next !== PayloadType.NONE) {
        r.fail(`Proposal Next Payload is ${next}; RFC 2408 section 3.5 allows 2 (P) or 0`, 'INVALID_SYNTAX', start);
      }
      expectZero(r, 1, 'RESERVED');
      const length = r.u16('Payload Length');
      if (length < GENERIC_HEADER_LENGTH + 4) {
        r.fail(`Proposal Payload Length ${length} is shorter than its 8 fixed octets`, 'INVALID_SYNTAX', start + 2);
      }
      proposals.push(decodeProposal(r.sub(length - GENERIC_HEADER_LENGTH, 'Proposal', 'Proposal Payload Length')));
    }
    if (proposals.length === 0) r.fail('an SA payload carries at least one Proposal (RFC 2408 section 3.4)');
    if (next !== PayloadType.NONE) r.fail('the last Proposal has Next Payload 2 (P)');
    const sa: SaPayloadV1 = { type: PayloadType.SA, doi, situation, proposals };
    if (labeledDomain) sa.labeledDomain = labeledDomain;
    return sa;
  },
  encode(w, p) {
    w.u32(uintField(p.doi, 32, 'DOI')).u32(uintField(p.situation, 32, 'Situation'));
    if (p.labeledDomain) w.bytes(p.labeledDomain);
    p.proposals.forEach((prop, i) => {
      w.u8(i + 1 < p.proposals.length ? PayloadType.P : PayloadType.NONE).u8(0);
      const lengthAt = w.reserve16();
      if (prop.spi.length > 255) throw new RangeError('SPI Size is one octet');
      if (prop.transforms.length > 255) throw new RangeError('# of Transforms is one octet');
      w.u8(uintField(prop.proposalNumber, 8, 'Proposal #')).u8(uintField(prop.protocolId, 8, 'Protocol-Id')).u8(prop.spi.length).u8(prop.transforms.length).bytes(prop.spi);
      prop.transforms.forEach((t, j) => {
        w.u8(j + 1 < prop.transforms.length ? PayloadType.T : PayloadType.NONE).u8(0);
        const tAt = w.reserve16();
        w.u8(uintField(t.transformNumber, 8, 'Transform #')).u8(uintField(t.transformId, 8, 'Transform-Id')).u16(0);
        encodeDataAttributesV1(w, t.attributes);
        w.patch16(tAt, w.length - tAt + 2);
      });
      w.patch16(lengthAt, w.length - lengthAt + 2);
    });
  },
};

