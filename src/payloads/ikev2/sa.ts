/**
 * RFC 7296 section 3.3: the Security Association payload, its Proposal (3.3.1) and Transform
 * (3.3.2) substructures and Transform Attributes (3.3.5).
 */
import { PayloadType, ProtocolId, TransformAttributeType } from '../iana/ikev2.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBodyCodec } from './bodies.js';
import { checkField, invalidPayload, nestedReader } from './invalid.js';
import type { Proposal, SaPayload, Transform, TransformAttribute } from './types.js';

/** RFC 7296 section 3.3.1: Last Substructure is 0 for the last Proposal, 2 when more follow. */
const MORE_PROPOSALS = 2;
/** RFC 7296 section 3.3.2: Last Substructure is 0 for the last Transform, 3 when more follow. */
const MORE_TRANSFORMS = 3;
const LAST = 0;
const PROPOSAL_HEADER = 8;
const TRANSFORM_HEADER = 8;
/** RFC 7296 section 3.3.5: the high bit of the attribute type selects TV (1) or TLV (0). */
const AF_TV = 0x8000;

/** IKE: empty in IKE_SA_INIT, 8 when rekeying the IKE SA (RFC 7296 section 1.3.2). */
const IKE_SPI_SIZES: readonly number[] = [0, 8];
const CHILD_SPI_SIZES: readonly number[] = [4];

/** RFC 7296 section 3.3.1: the SPI Size each protocol allows. */
function allowedSpiSizes(protocolId: number): readonly number[] | undefined {
  switch (protocolId) {
    case ProtocolId.IKE:
      return IKE_SPI_SIZES;
    case ProtocolId.AH:
    case ProtocolId.ESP:
      return CHILD_SPI_SIZES;
    default:
      return undefined;
  }
}

function decodeAttribute(r: Reader): TransformAttribute {
  const at = r.offset;
  const word = r.u16('Attribute Type');
  const type = word & 0x7fff;
  if (word & AF_TV) return { type, value: r.u16('Attribute Value') };
  // RFC 7296 section 3.3.5: Key Length is only ever TV.
  if (type === TransformAttributeType.KEY_LENGTH) r.fail('KEY_LENGTH must use the TV format', 'INVALID_SYNTAX', at);
  const length = r.u16('Attribute Length');
  return { type, value: r.bytes(length, 'Attribute Value') };
}

function decodeTransform(r: Reader): { transform: Transform; last: boolean } {
  const at = r.offset;
  const last = r.u8('Last Substructure');
  if (last !== LAST && last !== MORE_TRANSFORMS) r.fail(`Last Substructure ${last}, expected 0 or 3`, 'INVALID_SYNTAX', at);
  r.skip(1, 'RESERVED');
  const length = r.u16('Transform Length');
  if (length < TRANSFORM_HEADER) r.fail(`Transform Length ${length} is shorter than its 8-byte header`, 'INVALID_SYNTAX', at + 2);
  const t = nestedReader(r, length, 4, 'SA Transform', 'Transform Length', at + 2);
  const transformType = t.u8('Transform Type');
  t.skip(1, 'RESERVED');
  const transformId = t.u16('Transform ID');
  const attributes: TransformAttribute[] = [];
  while (!t.atEnd) attributes.push(decodeAttribute(t));
  return { transform: { transformType, transformId, attributes }, last: last === LAST };
}

function decodeProposal(r: Reader, expectedNum: number | undefined): { proposal: Proposal; last: boolean } {
  const at = r.offset;
  const last = r.u8('Last Substructure');
  if (last !== LAST && last !== MORE_PROPOSALS) r.fail(`Last Substructure ${last}, expected 0 or 2`, 'INVALID_SYNTAX', at);
  r.skip(1, 'RESERVED');
  const length = r.u16('Proposal Length');
  if (length < PROPOSAL_HEADER) r.fail(`Proposal Length ${length} is shorter than its 8-byte header`, 'INVALID_SYNTAX', at + 2);
  const p = nestedReader(r, length, 4, 'SA Proposal', 'Proposal Length', at + 2);
  const numAt = p.offset;
  const proposalNum = p.u8('Proposal Num');
  // RFC 7296 section 3.3.1: numbering starts at one and each further proposal is one more.
  if (proposalNum === 0) p.fail('Proposal Num 0; proposals are numbered from 1', 'INVALID_SYNTAX', numAt);
  if (expectedNum !== undefined && proposalNum !== expectedNum) {
    p.fail(`Proposal Num ${proposalNum}, expected ${expectedNum} (one more than the previous)`, 'INVALID_SYNTAX', numAt);
  }
  const protocolId = p.u8('Protocol ID');
  const spiSizeAt = p.offset;
  const spiSize = p.u8('SPI Size');
  const allowed = allowedSpiSizes(protocolId);
  if (allowed && !allowed.includes(spiSize)) {
    p.fail(`SPI Size ${spiSize} for protocol ${ProtocolId.label(protocolId)}, expected ${allowed.join(' or ')}`, 'INVALID_SYNTAX', spiSizeAt);
  }
  const countAt = p.offset;
  const count = p.u8('Num Transforms');
  const spi = p.bytes(spiSize, 'SPI');
  const transforms: Transform[] = [];
  let sawLast = false;
  while (!p.atEnd) {
    if (sawLast) p.fail('a Transform follows the one marked last');
    const { transform, last: isLast } = decodeTransform(p);
    transforms.push(transform);
    sawLast = isLast;
  }
  if (transforms.length && !sawLast) p.fail('the last Transform has Last Substructure 3 (more)');
  if (transforms.length !== count) {
    p.fail(`Num Transforms is ${count} but ${transforms.length} Transform(s) are present`, 'INVALID_SYNTAX', countAt);
  }
  return { proposal: { proposalNum, protocolId, spi, transforms }, last: last === LAST };
}

export const saCodec: PayloadBodyCodec<SaPayload> = {
  name: 'Security Association',
  decode(r) {
    const proposals: Proposal[] = [];
    let sawLast = false;
    while (!r.atEnd) {
      if (sawLast) r.fail('a Proposal follows the one marked last');
      const { proposal, last } = decodeProposal(r, proposals.length > 0 ? proposals[proposals.length - 1].proposalNum + 1 : undefined);
      proposals.push(proposal);
      sawLast = last;
    }
    if (proposals.length === 0) r.fail('no Proposal in the SA payload');
    if (!sawLast) r.fail('the last Proposal has Last Substructure 2 (more)');
    return { type: PayloadType.SA, proposals };
  },
  encode(w, p) {
    const name = 'Security Association';
    if (p.proposals.length === 0) invalidPayload(name, 'an SA payload needs at least one Proposal');
    const proposals = p.proposals;
    for (let i = 0; i < proposals.length; i++) {
      const prop = proposals[i];
      const prev = i > 0 ? proposals[i - 1] : undefined;
      if (prop.proposalNum === 0 || (prev && prop.proposalNum !== prev.proposalNum + 1)) {
        invalidPayload('SA Proposal', `Proposal Num ${prop.proposalNum}: numbering starts at 1 and rises by one`);
      }
      encodeProposal(w, prop, i === proposals.length - 1);
    }
  },
};

function encodeProposal(w: Writer, p: Proposal, last: boolean): void {
  const name = 'SA Proposal';
  checkField(name, 'Proposal Num', p.proposalNum, 8);
  checkField(name, 'Protocol ID', p.protocolId, 8);
  checkField(name, 'SPI Size', p.spi.length, 8);
  const allowed = allowedSpiSizes(p.protocolId);
  if (allowed && !allowed.includes(p.spi.length)) {
    invalidPayload(name, `an SPI of ${p.spi.length} bytes for protocol ${ProtocolId.label(p.protocolId)}, expected ${allowed.join(' or ')}`);
  }
  checkField(name, 'Num Transforms', p.transforms.length, 8);
  const start = w.length;
  w.u8(last ? LAST : MORE_PROPOSALS).u8(0);
  const lengthAt = w.reserve16();
  w.u8(p.proposalNum).u8(p.protocolId).u8(p.spi.length).u8(p.transforms.length).bytes(p.spi);
  const transforms = p.transforms;
  for (let i = 0; i < transforms.length; i++) encodeTransform(w, transforms[i], i === transforms.length - 1);
  w.patch16(lengthAt, w.length - start);
}

function encodeTransform(w: Writer, t: Transform, last: boolean): void {
  const name = 'SA Transform';
  checkField(name, 'Transform Type', t.transformType, 8);
  checkField(name, 'Transform ID', t.transformId, 16);
  const start = w.length;
  w.u8(last ? LAST : MORE_TRANSFORMS).u8(0);
  const lengthAt = w.reserve16();
  w.u8(t.transformType).u8(0).u16(t.transformId);
  for (const a of t.attributes) {
    checkField('Transform Attribute', 'Attribute Type', a.type, 15);
    if (typeof a.value === 'number') {
      checkField('Transform Attribute', 'Attribute Value', a.value, 16);
      w.u16(AF_TV | a.type).u16(a.value);
    } else {
      if (a.type === TransformAttributeType.KEY_LENGTH) invalidPayload('Transform Attribute', 'KEY_LENGTH must use the TV format');
      checkField('Transform Attribute', 'Attribute Length', a.value.length, 16);
      w.u16(a.type).u16(a.value.length).bytes(a.value);
    }
  }
  w.patch16(lengthAt, w.length - start);
}

/** The KEY_LENGTH attribute of a transform, in bits (RFC 7296 section 3.3.5), if present. */
export function keyLengthOf(t: Transform): number | undefined {
  const a = t.attributes.find((x) => x.type === TransformAttributeType.KEY_LENGTH);
  return typeof a?.value === 'number' ? a.value : undefined;
}

/** A Transform with an optional KEY_LENGTH attribute. */
export function makeTransform(transformType: number, transformId: number, keyLength?: number): Transform {
  return {
    transformType,
    transformId,
    attributes: keyLength === undefined ? [] : [{ type: TransformAttributeType.KEY_LENGTH, value: keyLength }],
  };
}
