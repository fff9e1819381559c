/**
 * SA payloads of phase 1 (RFC 2409 section 5, attributes of Appendix A) and phase 2 (RFC 2407
 * sections 4.4 and 4.5), and the responder's choice among them. In IKEv1 every transform is a
 * complete policy; the responder answers with exactly one proposal holding exactly one transform,
 * copied from the offer (RFC 2408 section 4.2).
 */
import {
  AuthMethod,
  Doi,
  EncapsulationMode,
  IpsecAttribute,
  IsakmpTransformId,
  LifeType,
  Phase1Attribute,
  PayloadType,
  ProtocolId,
  Situation,
} from '../payloads/iana/ikev1.js';
import { attributeNumberV1, makeAttributeV1 } from '../payloads/ikev1/attributes.js';
import type { DataAttributeV1, ProposalV1, SaPayloadV1, TransformV1 } from '../payloads/ikev1/types.js';
import type { Phase1Policy, Phase2Policy } from './algorithms.js';

// ---- phase 1 ---------------------------------------------------------------------------------

/** The ISAKMP SA offer: one proposal (PROTO_ISAKMP, no SPI: the cookies are the SPI), one KEY_IKE transform per policy. */
export function phase1Sa(policies: readonly Phase1Policy[], lifetime: number): SaPayloadV1 {
  const transforms: TransformV1[] = policies.map((p, i) => {
    const attributes: DataAttributeV1[] = [makeAttributeV1(Phase1Attribute.ENCRYPTION_ALGORITHM, p.encryption)];
    if (p.keyBits !== undefined) attributes.push(makeAttributeV1(Phase1Attribute.KEY_LENGTH, p.keyBits));
    attributes.push(
      makeAttributeV1(Phase1Attribute.HASH_ALGORITHM, p.hash),
      makeAttributeV1(Phase1Attribute.AUTHENTICATION_METHOD, AuthMethod.PRE_SHARED_KEY),
      makeAttributeV1(Phase1Attribute.GROUP_DESCRIPTION, p.group),
      makeAttributeV1(Phase1Attribute.LIFE_TYPE, LifeType.SECONDS),
      makeAttributeV1(Phase1Attribute.LIFE_DURATION, lifetime),
    );
    return { transformNumber: i + 1, transformId: IsakmpTransformId.KEY_IKE, attributes };
  });
  return {
    type: PayloadType.SA,
    doi: Doi.IPSEC,
    situation: Situation.SIT_IDENTITY_ONLY,
    proposals: [{ proposalNumber: 1, protocolId: ProtocolId.PROTO_ISAKMP, spi: new Uint8Array(0), transforms }],
  };
}

export interface Phase1Transform {
  policy: Phase1Policy;
  authMethod: number;
  /** LIFE_DURATION in seconds, when LIFE_TYPE seconds was given. */
  lifetime?: number;
}

/**
 * Reads a KEY_IKE transform. RFC 2409 Appendix A: LIFE_TYPE is followed by its LIFE_DURATION;
 * kilobyte lifetimes are accepted and not enforced. Returns a reason for anything we cannot run
 * (PRF attribute, private groups), which makes the transform unacceptable.
 */
export function readPhase1Transform(t: TransformV1): Phase1Transform | string {
  if (t.transformId !== IsakmpTransformId.KEY_IKE) return `transform ID ${t.transformId} is not KEY_IKE`;
  let encryption: number | undefined;
  let keyBits: number | undefined;
  let hash: number | undefined;
  let group: number | undefined;
  let authMethod: number | undefined;
  let lifeType: number | undefined;
  let lifetime: number | undefined;
  try {
    for (const a of t.attributes) {
      const v = attributeNumberV1(a);
      switch (a.type) {
        case Phase1Attribute.ENCRYPTION_ALGORITHM:
          encryption = v;
          break;
        case Phase1Attribute.KEY_LENGTH:
          keyBits = v;
          break;
        case Phase1Attribute.HASH_ALGORITHM:
          hash = v;
          break;
        case Phase1Attribute.GROUP_DESCRIPTION:
          group = v;
          break;
        case Phase1Attribute.AUTHENTICATION_METHOD:
          authMethod = v;
          break;
        case Phase1Attribute.LIFE_TYPE:
          lifeType = v;
          break;
        case Phase1Attribute.LIFE_DURATION:
          if (lifeType === LifeType.SECONDS) lifetime = v;
          else if (lifeType !== LifeType.KILOBYTES) return 'LIFE_DURATION without LIFE_TYPE';
          break;
        default:
          return `attribute ${Phase1Attribute.label(a.type)} is not supported`;
      }
    }
  } catch {
    return 'an attribute value is too large';
  }
  if (encryption === undefined || hash === undefined || group === undefined || authMethod === undefined) {
    return 'ENCRYPTION_ALGORITHM, HASH_ALGORITHM, AUTHENTICATION_METHOD and GROUP_DESCRIPTION are mandatory (RFC 2409 Appendix A)';
  }
  const policy: Phase1Policy = keyBits === undefined ? { encryption, hash, group } : { encryption, keyBits, hash, group };
  return lifetime === undefined ? { policy, authMethod } : { policy, authMethod, lifetime };
}

export function samePhase1(a: Phase1Policy, b: Phase1Policy): boolean {
  return a.encryption === b.encryption && a.keyBits === b.keyBits && a.hash === b.hash && a.group === b.group;
}

export interface Phase1Choice {
  /** The transform to answer with: the offered one, its lifetime lowered to ours when ours is shorter. */
  answer: SaPayloadV1;
  policy: Phase1Policy;
  lifetime: number;
}

/** The transform with the LIFE_DURATION that follows a LIFE_TYPE seconds replaced (RFC 2409 Appendix A pairs them). */
function withSecondsLifetime(t: TransformV1, lifetime: number): TransformV1 {
  let seconds = false;
  const attributes = t.attributes.map((a) => {
    if (a.type === Phase1Attribute.LIFE_TYPE) seconds = attributeNumberV1(a) === LifeType.SECONDS;
    else if (a.type === Phase1Attribute.LIFE_DURATION && seconds) return makeAttributeV1(Phase1Attribute.LIFE_DURATION, lifetime);
    return a;
  });
  return { ...t, attributes };
}

/**
 * RFC 2408 section 4.2 / RFC 2409 section 5: the responder picks the first of its own policies
 * that the offer contains (pre-shared key authentication only) and answers with that transform.
 */
export function selectPhase1(offer: SaPayloadV1, configured: readonly Phase1Policy[], ourLifetime: number): Phase1Choice | undefined {
  if (offer.doi !== Doi.IPSEC) return undefined;
  const candidates: { proposal: ProposalV1; transform: TransformV1; read: Phase1Transform }[] = [];
  for (const proposal of offer.proposals) {
    if (proposal.protocolId !== ProtocolId.PROTO_ISAKMP) continue;
    for (const transform of proposal.transforms) {
      const read = readPhase1Transform(transform);
      if (typeof read !== 'string' && read.authMethod === AuthMethod.PRE_SHARED_KEY) candidates.push({ proposal, transform, read });
    }
  }
  for (const policy of configured) {
    const hit = candidates.find((c) => samePhase1(c.read.policy, policy));
    if (!hit) continue;
    const offered = hit.read.lifetime;
    const lifetime = offered === undefined ? ourLifetime : Math.min(offered, ourLifetime);
    const transform =
      offered !== undefined && lifetime < offered
        ? withSecondsLifetime(hit.transform, lifetime)
        : hit.transform;
    return {
      answer: { ...offer, proposals: [{ ...hit.proposal, transforms: [transform] }] },
      policy: hit.read.policy,
      lifetime,
    };
  }
  return undefined;
}

/**
 * The initiator's check of the responder's SA (RFC 2408 section 4.2): one proposal, one transform,
 * equal to one we offered, with a lifetime no longer than ours.
 */
export function acceptPhase1Answer(answer: SaPayloadV1, offered: readonly Phase1Policy[], ourLifetime: number): { policy: Phase1Policy; lifetime: number } | string {
  if (answer.proposals.length !== 1 || answer.proposals[0].transforms.length !== 1) return 'the answer must hold exactly one proposal with one transform';
  const p = answer.proposals[0];
  if (p.protocolId !== ProtocolId.PROTO_ISAKMP) return 'the answer is not a PROTO_ISAKMP proposal';
  const read = readPhase1Transform(p.transforms[0]);
  if (typeof read === 'string') return read;
  if (read.authMethod !== AuthMethod.PRE_SHARED_KEY) return 'the answer changed the authentication method';
  const policy = offered.find((o) => samePhase1(o, read.policy));
  if (!policy) return 'the chosen transform is not one we offered';
  const lifetime = read.lifetime ?? ourLifetime;
  if (lifetime > ourLifetime) return `the answer raised the lifetime to ${lifetime} s`;
  return { policy, lifetime };
}

// ---- phase 2 ---------------------------------------------------------------------------------

/** RFC 3947 section 5.1: UDP-encapsulated modes once a NAT is detected. */
export function encapsulationFor(transport: boolean, udp: boolean): number {
  if (udp) return transport ? EncapsulationMode.UDP_TRANSPORT : EncapsulationMode.UDP_TUNNEL;
  return transport ? EncapsulationMode.TRANSPORT : EncapsulationMode.TUNNEL;
}

export function isTransportMode(mode: number): boolean {
  return mode === EncapsulationMode.TRANSPORT || mode === EncapsulationMode.UDP_TRANSPORT || mode === EncapsulationMode.UDP_TRANSPORT_DRAFT;
}

export function isUdpMode(mode: number): boolean {
  return mode !== EncapsulationMode.TUNNEL && mode !== EncapsulationMode.TRANSPORT;
}

/** An ESP offer with our inbound SPI: one proposal, a transform per policy (RFC 2407 section 4.5 attributes). */
export function phase2Sa(policies: readonly Phase2Policy[], spi: Uint8Array, lifetime: number, encapsulation: number): SaPayloadV1 {
  const transforms: TransformV1[] = policies.map((p, i) => {
    const attributes: DataAttributeV1[] = [
      makeAttributeV1(IpsecAttribute.SA_LIFE_TYPE, LifeType.SECONDS),
      makeAttributeV1(IpsecAttribute.SA_LIFE_DURATION, lifetime),
    ];
    if (p.group !== undefined) attributes.push(makeAttributeV1(IpsecAttribute.GROUP_DESCRIPTION, p.group));
    attributes.push(makeAttributeV1(IpsecAttribute.ENCAPSULATION_MODE, encapsulation));
    if (p.authAlgorithm !== undefined) attributes.push(makeAttributeV1(IpsecAttribute.AUTHENTICATION_ALGORITHM, p.authAlgorithm));
    if (p.keyBits !== undefined) attributes.push(makeAttributeV1(IpsecAttribute.KEY_LENGTH, p.keyBits));
    return { transformNumber: i + 1, transformId: p.transformId, attributes };
  });
  return {
    type: PayloadType.SA,
    doi: Doi.IPSEC,
    situation: Situation.SIT_IDENTITY_ONLY,
    proposals: [{ proposalNumber: 1, protocolId: ProtocolId.PROTO_IPSEC_ESP, spi, transforms }],
  };
}

export interface Phase2Transform {
  policy: Phase2Policy;
  encapsulation: number;
  lifetime?: number;
}

/** Reads an ESP transform's attributes (RFC 2407 section 4.5); a reason string when we cannot run it. */
export function readPhase2Transform(t: TransformV1): Phase2Transform | string {
  const policy: Phase2Policy = { transformId: t.transformId };
  let encapsulation: number | undefined;
  let lifeType: number | undefined;
  let lifetime: number | undefined;
  try {
    for (const a of t.attributes) {
      const v = attributeNumberV1(a);
      switch (a.type) {
        case IpsecAttribute.SA_LIFE_TYPE:
          lifeType = v;
          break;
        case IpsecAttribute.SA_LIFE_DURATION:
          if (lifeType === LifeType.SECONDS) lifetime = v;
          else if (lifeType !== LifeType.KILOBYTES) return 'SA_LIFE_DURATION without SA_LIFE_TYPE';
          break;
        case IpsecAttribute.GROUP_DESCRIPTION:
          policy.group = v;
          break;
        case IpsecAttribute.ENCAPSULATION_MODE:
          encapsulation = v;
          break;
        case IpsecAttribute.AUTHENTICATION_ALGORITHM:
          policy.authAlgorithm = v;
          break;
        case IpsecAttribute.KEY_LENGTH:
          policy.keyBits = v;
          break;
        default:
          return `attribute ${IpsecAttribute.label(a.type)} is not supported`;
      }
    }
  } catch {
    return 'an attribute value is too large';
  }
  // RFC 2407 section 4.5 leaves an absent Encapsulation Mode host-dependent; we read it as tunnel.
  const out: Phase2Transform = { policy, encapsulation: encapsulation ?? EncapsulationMode.TUNNEL };
  if (lifetime !== undefined) out.lifetime = lifetime;
  return out;
}

export function samePhase2(a: Phase2Policy, b: Phase2Policy): boolean {
  return a.transformId === b.transformId && a.keyBits === b.keyBits && a.authAlgorithm === b.authAlgorithm && a.group === b.group;
}

export interface Phase2Choice {
  /** The offered proposal, reduced to the chosen transform (the SPI is replaced by the caller). */
  proposal: ProposalV1;
  policy: Phase2Policy;
  encapsulation: number;
  /** Lifetime in force: the shorter of the offer and ours. */
  lifetime: number;
  /** Set when ours is shorter than the offer: send RESPONDER-LIFETIME (RFC 2407 section 4.6.3.1). */
  shortened: boolean;
}

/**
 * The responder's choice of an ESP transform (RFC 2409 section 5.5): the first of our policies
 * present in a single-protocol ESP proposal of the offer, with an acceptable encapsulation mode.
 */
export function selectPhase2(
  offer: SaPayloadV1,
  configured: readonly Phase2Policy[],
  ourLifetime: number,
  acceptableModes: readonly number[],
): Phase2Choice | undefined {
  if (offer.doi !== Doi.IPSEC) return undefined;
  const numbers = offer.proposals.map((p) => p.proposalNumber);
  const candidates: { proposal: ProposalV1; transform: TransformV1; read: Phase2Transform }[] = [];
  for (const proposal of offer.proposals) {
    // RFC 2408 section 4.2: proposals sharing a number are one AND-ed offer (e.g. AH + ESP); not supported.
    if (numbers.filter((n) => n === proposal.proposalNumber).length > 1) continue;
    if (proposal.protocolId !== ProtocolId.PROTO_IPSEC_ESP || proposal.spi.length !== 4) continue;
    for (const transform of proposal.transforms) {
      const read = readPhase2Transform(transform);
      if (typeof read !== 'string' && acceptableModes.includes(read.encapsulation)) candidates.push({ proposal, transform, read });
    }
  }
  for (const policy of configured) {
    const hit = candidates.find((c) => samePhase2(c.read.policy, policy));
    if (!hit) continue;
    const offered = hit.read.lifetime;
    const lifetime = offered === undefined ? ourLifetime : Math.min(offered, ourLifetime);
    return {
      proposal: { ...hit.proposal, transforms: [hit.transform] },
      policy: hit.read.policy,
      encapsulation: hit.read.encapsulation,
      lifetime,
      shortened: offered !== undefined && lifetime < offered,
    };
  }
  return undefined;
}

/** The initiator's check of QM2's SA: one ESP proposal with a 4-octet SPI and one transform we offered. */
export function acceptPhase2Answer(
  answer: SaPayloadV1,
  offered: readonly Phase2Policy[],
  encapsulation: number,
): { policy: Phase2Policy; spi: Uint8Array; lifetime?: number } | string {
  if (answer.proposals.length !== 1 || answer.proposals[0].transforms.length !== 1) return 'the answer must hold exactly one proposal with one transform';
  const p = answer.proposals[0];
  if (p.protocolId !== ProtocolId.PROTO_IPSEC_ESP || p.spi.length !== 4) return 'the answer is not an ESP proposal with a 4-octet SPI';
  const read = readPhase2Transform(p.transforms[0]);
  if (typeof read === 'string') return read;
  const policy = offered.find((o) => samePhase2(o, read.policy));
  if (!policy) return 'the chosen transform is not one we offered';
  if (read.encapsulation !== encapsulation) return 'the answer changed the encapsulation mode';
  return read.lifetime === undefined ? { policy, spi: p.spi } : { policy, spi: p.spi, lifetime: read.lifetime };
}
