/**
 * A Child SA (RFC 7296 section 1.3): there is no ESP here, so it is an object with SPIs, the
 * negotiated algorithms, keys, traffic selectors and lifetimes. The negotiation steps that the
 * IKE_AUTH and CREATE_CHILD_SA exchanges share live here too.
 */
import { IkeError } from '../errors.js';
import type { Prf } from '../crypto/provider.js';
import { deriveChildSaKeymat, type ChildSaKeys } from '../keys/ikev2.js';
import { NotifyType, PayloadType, ProtocolId, TransformType } from '../payloads/iana/ikev2.js';
import type { Proposal, TrafficSelector, PayloadV2 } from '../payloads/ikev2/types.js';
import { childKeyLengths } from './protection.js';
import { acceptChosenProposal, formatTrafficSelector, narrowTrafficSelectors, negotiatedAlgorithms, selectProposal, trafficSelectorsWithin, type NegotiatedAlgorithms } from './policy.js';
import { find, findNotify, required, requiredTs } from './payloads.js';

export type ChildSaState = 'INSTALLED' | 'REKEYING' | 'REKEYED' | 'DELETING' | 'DELETED';

export interface ChildSa {
  id: string;
  ikeSaId: string;
  state: ChildSaState;
  /** Our SPI: the peer sends to it. */
  spiIn: Uint8Array;
  /** The peer's SPI: we send to it. */
  spiOut: Uint8Array;
  proposal: Proposal;
  algorithms: NegotiatedAlgorithms;
  mode: 'tunnel' | 'transport';
  localTs: TrafficSelector[];
  remoteTs: TrafficSelector[];
  /** KEYMAT split (RFC 7296 section 2.17), from the view of the exchange that created it. */
  keys: ChildSaKeys;
  /** Whether we initiated the exchange that created this Child SA (decides which keys are ours). */
  createdByUs: boolean;
  pfsGroup?: number;
  establishedAt: number;
  rekeyAt?: number;
  expiresAt?: number;
  virtualIps?: string[];
  /** The peer rekeyed this SA while our own rekey of it was in flight (RFC 7296 section 2.8.1). */
  peerRekey?: { low: Uint8Array; newChildId: string };
}

/** The ESP proposals we offer, each carrying our inbound SPI (RFC 7296 section 3.3.1). */
export function offerWithSpi(proposals: Proposal[], spi: Uint8Array, stripKe: boolean): Proposal[] {
  return proposals.map((p) => ({
    ...p,
    spi,
    transforms: stripKe ? p.transforms.filter((t) => t.transformType !== TransformType.KE) : p.transforms,
  }));
}

/** A random ESP SPI outside the reserved 1-255 range (RFC 4303 section 2.1). */
export function newEspSpi(random: (n: number) => Uint8Array): Uint8Array {
  for (let i = 0; i < 16; i++) {
    const spi = random(4);
    if (spi[0] | spi[1] || spi[2]) return spi;
  }
  throw new IkeError('INTERNAL_ERROR', 'the random source keeps returning reserved SPIs');
}

export interface ChildRequestPlan {
  /** Our SPI and the proposals as offered. */
  spi: Uint8Array;
  offered: Proposal[];
  tsi: TrafficSelector[];
  tsr: TrafficSelector[];
  mode: 'tunnel' | 'transport';
}

/** The SA, TSi, TSr and mode notifies of a Child SA request (RFC 7296 sections 1.2 and 1.3.1). */
export function childRequestPayloads(plan: ChildRequestPlan): PayloadV2[] {
  const out: PayloadV2[] = [
    { type: PayloadType.SA, proposals: plan.offered },
    { type: PayloadType.TSi, selectors: plan.tsi },
    { type: PayloadType.TSr, selectors: plan.tsr },
  ];
  if (plan.mode === 'transport') out.push(modeNotify());
  // strongSwan sends this; there is no TFC padding without ESP (RFC 7296 section 3.10.1).
  out.push({ type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED, data: new Uint8Array(0) });
  return out;
}

function modeNotify(): PayloadV2 {
  return { type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.USE_TRANSPORT_MODE, data: new Uint8Array(0) };
}

export interface ResponderChoice {
  chosen: Proposal;
  algorithms: NegotiatedAlgorithms;
  /** TSi and TSr narrowed to what we allow (RFC 7296 section 2.9), in the peer's orientation. */
  tsi: TrafficSelector[];
  tsr: TrafficSelector[];
  mode: 'tunnel' | 'transport';
}

/**
 * The responder's half of a Child SA negotiation: choose a proposal (NO_PROPOSAL_CHOSEN), narrow
 * the selectors (TS_UNACCEPTABLE), agree on the mode (RFC 7296 section 1.3.1: without
 * USE_TRANSPORT_MODE in the request, tunnel mode).
 */
export function chooseChild(
  request: readonly PayloadV2[],
  configured: Proposal[],
  localTs: TrafficSelector[],
  remoteTs: TrafficSelector[],
  wantMode: 'tunnel' | 'transport',
  /** IKE_AUTH: the first Child SA takes its keys from the IKE SA, so KE transforms do not count (RFC 7296 section 1.2). */
  ignoreKe = false,
): ResponderChoice {
  const sa = required(request, PayloadType.SA, 'Child SA request');
  const tsiP = requiredTs(request, PayloadType.TSi, 'Child SA request');
  const tsrP = requiredTs(request, PayloadType.TSr, 'Child SA request');
  const pick = selectProposal(sa.proposals, configured, 'esp', { ignoreKe });
  if (!pick) throw new IkeError('NO_PROPOSAL_CHOSEN', 'no ESP proposal matches the configuration', { payload: 'Security Association' });
  if (pick.chosen.spi.length !== 4) throw new IkeError('INVALID_SYNTAX', `ESP SPI of ${pick.chosen.spi.length} bytes`, { payload: 'Proposal' });
  // RFC 4303 section 2.1: SPIs 1-255 are reserved and 0 never appears on the wire.
  if (!(pick.chosen.spi[0] | pick.chosen.spi[1] | pick.chosen.spi[2])) throw new IkeError('INVALID_SYNTAX', 'reserved ESP SPI', { payload: 'Proposal' });
  // The initiator's TSi is its side, our remote; its TSr is ours.
  const tsi = narrowTrafficSelectors(tsiP.selectors, remoteTs);
  const tsr = narrowTrafficSelectors(tsrP.selectors, localTs);
  if (tsi.length === 0 || tsr.length === 0) throw new IkeError('TS_UNACCEPTABLE', 'the traffic selectors do not intersect the configured ones', { payload: 'Traffic Selector' });
  const transport = findNotify(request, NotifyType.USE_TRANSPORT_MODE) !== undefined;
  const mode = transport && wantMode === 'transport' ? 'transport' : 'tunnel';
  return { chosen: pick.chosen, algorithms: negotiatedAlgorithms(pick.chosen), tsi, tsr, mode };
}

export function childResponsePayloads(choice: ResponderChoice, ourSpi: Uint8Array): PayloadV2[] {
  const out: PayloadV2[] = [
    { type: PayloadType.SA, proposals: [{ ...choice.chosen, spi: ourSpi }] },
    { type: PayloadType.TSi, selectors: choice.tsi },
    { type: PayloadType.TSr, selectors: choice.tsr },
  ];
  if (choice.mode === 'transport') out.push(modeNotify());
  out.push({ type: PayloadType.N, protocolId: 0, spi: new Uint8Array(0), notifyType: NotifyType.ESP_TFC_PADDING_NOT_SUPPORTED, data: new Uint8Array(0) });
  return out;
}

/**
 * The initiator's check of a Child SA response: one proposal, one of ours (RFC 7296 section
 * 2.7), selectors within what we asked for (section 2.9).
 */
export function acceptChildResponse(
  response: readonly PayloadV2[],
  plan: ChildRequestPlan,
): { chosen: Proposal; algorithms: NegotiatedAlgorithms; peerSpi: Uint8Array; tsi: TrafficSelector[]; tsr: TrafficSelector[]; mode: 'tunnel' | 'transport' } {
  const sa = required(response, PayloadType.SA, 'Child SA response');
  if (sa.proposals.length !== 1) throw new IkeError('INVALID_SYNTAX', `the responder returned ${sa.proposals.length} proposals`, { payload: 'Security Association' });
  const answer = sa.proposals[0];
  if (answer.protocolId !== ProtocolId.ESP || answer.spi.length !== 4) throw new IkeError('INVALID_SYNTAX', 'the responder returned no ESP proposal with a 4-byte SPI', { payload: 'Proposal' });
  acceptChosenProposal(plan.offered, answer);
  const tsi = requiredTs(response, PayloadType.TSi, 'Child SA response').selectors;
  const tsr = requiredTs(response, PayloadType.TSr, 'Child SA response').selectors;
  if (!trafficSelectorsWithin(tsi, plan.tsi) || !trafficSelectorsWithin(tsr, plan.tsr)) {
    throw new IkeError('TS_UNACCEPTABLE', 'the responder narrowed the selectors outside what we proposed', { payload: 'Traffic Selector' });
  }
  const mode = find(response, PayloadType.N) && findNotify(response, NotifyType.USE_TRANSPORT_MODE) ? 'transport' : 'tunnel';
  return { chosen: answer, algorithms: negotiatedAlgorithms(answer), peerSpi: answer.spi, tsi, tsr, mode };
}

/** KEYMAT for a Child SA (RFC 7296 section 2.17), split initiator-to-responder first. */
export function childKeys(prf: Prf, SK_d: Uint8Array, ni: Uint8Array, nr: Uint8Array, alg: NegotiatedAlgorithms, gir?: Uint8Array): ChildSaKeys {
  return deriveChildSaKeymat(prf, SK_d, ni, nr, childKeyLengths(alg), gir);
}

export function tsTexts(ts: TrafficSelector[]): string[] {
  return ts.map(formatTrafficSelector);
}
