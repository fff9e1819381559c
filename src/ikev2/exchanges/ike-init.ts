/**
 * IKE_SA_INIT (RFC 7296 section 1.2): SA, KE, nonces and NAT detection in clear, then SKEYSEED
 * and the SK_* keys (section 2.14). Retries for COOKIE (section 2.6) and INVALID_KE_PAYLOAD
 * (section 1.2) on the initiator's side.
 */
import { IkeError, isIkeError } from '../../errors.js';
import { ipToBytes } from '../../payloads/address.js';
import { EncrId, ExchangeType, IntegId, KeId, NotifyType, PayloadType, TransformType } from '../../payloads/iana/ikev2.js';
import { encodeMessageV2, type IkeV2Message } from '../../payloads/ikev2/message.js';
import type { PayloadV2, Proposal } from '../../payloads/ikev2/types.js';
import { deriveIkeSaKeys, natDetectionHash, skeyseed } from '../../keys/ikev2.js';
import { bytesEqual, toHex, wipe } from '../../util/bytes.js';
import type { SessionContext } from '../context.js';
import type { IkeSa } from '../ike-sa.js';
import { find, findNotify, findNotifies, errorNotify, notify, notifyName, readU16, required, u16 } from '../payloads.js';
import { acceptChosenProposal, describeProposal, negotiatedAlgorithms, parseProposals, retainedProposal, selectProposal, type NegotiatedAlgorithms } from '../policy.js';
import { ikeKeyLengths, ikeTransforms, type IkeTransforms } from '../protection.js';
import { wipeKeSecret } from '../lifecycle.js';
import type { Address, Datagram } from '../types.js';
import { startIkeAuth } from './ike-auth.js';

const NONCE_LENGTH = 32;
/** RFC 7427 section 7: SHA2-256, SHA2-384, SHA2-512 (Hash Algorithm Identifiers 2, 3, 4). */
const SIGNATURE_HASHES = new Uint8Array([0, 2, 0, 3, 0, 4]);
const MAX_INIT_RETRIES = 5;

export function ikeProposals(sa: IkeSa): Proposal[] {
  return parseProposals(sa.config.ike.proposals, 'ike', { allowWeak: sa.config.ike.allowWeak });
}

function keGroupOf(p: Proposal): number | undefined {
  return p.transforms.find((t) => t.transformType === TransformType.KE && t.transformId !== 0)?.transformId;
}

function offersGroup(proposals: Proposal[], group: number): boolean {
  return proposals.some((p) => p.transforms.some((t) => t.transformType === TransformType.KE && t.transformId === group));
}

/** RFC 7296 section 2.23: SHA-1(SPIi | SPIr | IP | Port). */
export function natHash(ctx: SessionContext, spiI: Uint8Array, spiR: Uint8Array, at: Address): Uint8Array {
  return natDetectionHash((d) => ctx.provider.hash('sha1', d), spiI, spiR, ipToBytes(at.address), at.port);
}

function natPayloads(ctx: SessionContext, spiI: Uint8Array, spiR: Uint8Array, local: Address, remote: Address): PayloadV2[] {
  return [
    notify(NotifyType.NAT_DETECTION_SOURCE_IP, natHash(ctx, spiI, spiR, local)),
    notify(NotifyType.NAT_DETECTION_DESTINATION_IP, natHash(ctx, spiI, spiR, remote)),
  ];
}

/**
 * RFC 7296 section 2.23: the peer is behind a NAT when none of its SOURCE_IP hashes matches the
 * address the packet came from; we are when its DESTINATION_IP hash does not match ours.
 */
function detectNat(ctx: SessionContext, payloads: PayloadV2[], spiI: Uint8Array, spiR: Uint8Array, dgram: Datagram): { local: boolean; remote: boolean } | undefined {
  const sources = findNotifies(payloads, NotifyType.NAT_DETECTION_SOURCE_IP);
  const dest = findNotify(payloads, NotifyType.NAT_DETECTION_DESTINATION_IP);
  if (!sources.length || !dest) return undefined;
  const remoteHash = natHash(ctx, spiI, spiR, dgram.remote);
  const localHash = natHash(ctx, spiI, spiR, dgram.local);
  return { remote: !sources.some((s) => bytesEqual(s.data, remoteHash)), local: !bytesEqual(dest.data, localHash) };
}

/**
 * A fresh IKE SPI: eight random octets, never all zero (RFC 7296 section 3.1); with a partition,
 * the first octet is uniform over the octets congruent to its index.
 */
export function randomSpi(ctx: SessionContext): Uint8Array {
  for (let i = 0; i < 16; i++) {
    const spi = ctx.random(8).slice();
    if (ctx.spiPartition) spi[0] = partitionOctet(ctx, ctx.spiPartition.index, ctx.spiPartition.count);
    if (spi.some((b) => b !== 0)) return spi;
  }
  throw new IkeError('INTERNAL_ERROR', 'the random source keeps returning zeros');
}

/**
 * An octet congruent to `index` modulo `count`, uniform over the `m` such octets: a 16-bit draw
 * below the largest multiple of m is reduced modulo m (rejection sampling, each draw rejected with
 * probability below m / 65536, at most 16 draws).
 */
function partitionOctet(ctx: SessionContext, index: number, count: number): number {
  const m = Math.floor((255 - index) / count) + 1;
  const limit = 65536 - (65536 % m);
  for (let i = 0; i < 16; i++) {
    const r = ctx.random(2);
    const v = (r[0] << 8) | r[1];
    if (v < limit) return index + count * (v % m);
  }
  throw new IkeError('INTERNAL_ERROR', 'the random source keeps returning values out of range');
}

/** Starts an IKE SA as initiator: offers the configured proposals with a KE for the first one's group. */
export function startInitiator(sa: IkeSa, ctx: SessionContext, now: number): void {
  const proposals = ikeProposals(sa);
  const group = keGroupOf(proposals[0]);
  if (group === undefined) throw new IkeError('INVALID_ARGUMENT', 'the first IKE proposal has no key exchange method');
  sa.ni = ctx.random(NONCE_LENGTH);
  sa.init = { proposals, group, ke: newKe(ctx, group), retries: 0 };
  sendInitRequest(sa, ctx, now);
}

function newKe(ctx: SessionContext, group: number) {
  const kex = ctx.provider.keyExchange(group);
  if (!kex) throw new IkeError('UNSUPPORTED_ALGORITHM', `key exchange ${KeId.label(group)} is not available from the ${ctx.provider.name} provider`);
  return kex.initiate(ctx.random);
}

function sendInitRequest(sa: IkeSa, ctx: SessionContext, now: number): void {
  const init = sa.init!;
  const payloads: PayloadV2[] = [];
  // RFC 7296 section 2.6: the COOKIE comes first, everything else unchanged.
  if (init.cookie) payloads.push(notify(NotifyType.COOKIE, init.cookie));
  payloads.push(
    { type: PayloadType.SA, proposals: init.proposals },
    { type: PayloadType.KE, group: init.group, keyExchangeData: init.ke.publicValue },
    { type: PayloadType.NONCE, nonce: sa.ni },
    ...natPayloads(ctx, sa.spiI, new Uint8Array(8), sa.local, sa.remote),
    notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED),
    notify(NotifyType.SIGNATURE_HASH_ALGORITHMS, SIGNATURE_HASHES),
  );
  const msg: IkeV2Message = { header: sa.header(ExchangeType.IKE_SA_INIT, 0, false), payloads };
  const bytes = encodeMessageV2(msg);
  sa.initRequest = bytes;
  sa.traceMessage(ctx, 'sending', msg);
  const d = sa.datagram(ctx, bytes);
  sa.inFlight = { messageId: 0, exchangeType: ExchangeType.IKE_SA_INIT, datagrams: [d], tries: 0, nextAt: now + ctx.limits.retransmitBase };
  sa.setState(ctx, 'INIT_SENT');
  ctx.out.datagrams.push(d);
}

function emitIkeKeys(sa: IkeSa, ctx: SessionContext, t: IkeTransforms): void {
  if (!ctx.keylog || !sa.crypto) return;
  const k = sa.crypto.keys;
  const bits = t.algorithms.encr.keyBits;
  ctx.emit({
    event: 'keys',
    kind: 'ike',
    ikeSaId: sa.id,
    spiI: toHex(sa.spiI),
    spiR: toHex(sa.spiR),
    encr: `${EncrId.label(t.algorithms.encr.id)}${bits ? `/${bits}` : ''}`,
    integ: t.algorithms.integ !== undefined ? IntegId.label(t.algorithms.integ) : 'NONE',
    SK_ei: toHex(k.SK_ei),
    SK_er: toHex(k.SK_er),
    SK_ai: toHex(k.SK_ai),
    SK_ar: toHex(k.SK_ar),
  });
}

/** RFC 7296 section 2.14: SKEYSEED and the seven keys of a new IKE SA. */
export function installIkeKeys(sa: IkeSa, ctx: SessionContext, alg: NegotiatedAlgorithms, SKEYSEED: Uint8Array): void {
  const t = ikeTransforms(ctx.provider, alg);
  const keys = deriveIkeSaKeys(t.prf, SKEYSEED, sa.ni, sa.nr, sa.spiI, sa.spiR, ikeKeyLengths(t));
  wipe(SKEYSEED);
  // A literal, not a spread of t: V8 gave each spread copy a map (hidden class) of its own.
  sa.crypto = { prf: t.prf, encr: t.encr, integ: t.integ, algorithms: t.algorithms, keys, initiator: sa.initiator };
  emitIkeKeys(sa, ctx, t);
}

/** The initiator's handling of the IKE_SA_INIT response. */
export function processInitResponse(sa: IkeSa, ctx: SessionContext, dgram: Datagram, msg: IkeV2Message, now: number): void {
  const init = sa.init;
  if (!init || sa.state !== 'INIT_SENT' || msg.header.messageId !== 0) return;
  sa.traceMessage(ctx, 'received', msg, undefined, dgram.remote);
  const payloads = msg.payloads;
  const cookie = findNotify(payloads, NotifyType.COOKIE);
  if (cookie && !find(payloads, PayloadType.SA)) {
    if (++init.retries > MAX_INIT_RETRIES) return fail(sa, ctx, 'too many COOKIE requests');
    init.cookie = cookie.data;
    sa.inFlight = undefined;
    return sendInitRequest(sa, ctx, now);
  }
  const invalidKe = findNotify(payloads, NotifyType.INVALID_KE_PAYLOAD);
  if (invalidKe) {
    const group = readU16(invalidKe.data);
    // RFC 7296 section 1.2: retry with the group the responder asked for, if we offered it.
    if (group === undefined || group === init.group || !offersGroup(init.proposals, group)) {
      return fail(sa, ctx, `INVALID_KE_PAYLOAD asks for ${group === undefined ? 'nothing' : KeId.label(group)}, which we cannot use`, 'INVALID_KE_PAYLOAD');
    }
    if (++init.retries > MAX_INIT_RETRIES) return fail(sa, ctx, 'too many INVALID_KE_PAYLOAD retries');
    if (ctx.trace) ctx.emit({ event: 'trace', text: `${sa.name} responder wants ${KeId.label(group)}, retrying` });
    init.group = group;
    init.ke = newKe(ctx, group);
    sa.inFlight = undefined;
    return sendInitRequest(sa, ctx, now);
  }
  const error = errorNotify(payloads);
  if (error) return fail(sa, ctx, `the responder answered ${notifyName(error.notifyType)}`, notifyName(error.notifyType));
  try {
    const saP = required(payloads, PayloadType.SA, 'IKE_SA_INIT response');
    const ke = required(payloads, PayloadType.KE, 'IKE_SA_INIT response');
    const nonce = required(payloads, PayloadType.NONCE, 'IKE_SA_INIT response');
    if (saP.proposals.length !== 1) throw new IkeError('INVALID_SYNTAX', `${saP.proposals.length} proposals in the response`);
    const answer = saP.proposals[0];
    acceptChosenProposal(init.proposals, answer);
    const alg = negotiatedAlgorithms(answer);
    if (alg.ke !== init.group || ke.group !== init.group) throw new IkeError('INVALID_KE_PAYLOAD', `the responder used ${KeId.label(ke.group)} instead of ${KeId.label(init.group)}`);
    if (msg.header.spiR.every((b) => b === 0)) throw new IkeError('INVALID_SYNTAX', 'the responder SPI is zero');
    sa.spiR = msg.header.spiR;
    sa.nr = nonce.nonce.slice();
    const kex = ctx.provider.keyExchange(init.group)!;
    const gir = kex.complete(init.ke, ke.keyExchangeData);
    wipeKeSecret(init.ke);
    const t = ikeTransforms(ctx.provider, alg);
    installIkeKeys(sa, ctx, alg, skeyseed(t.prf, sa.ni, sa.nr, gir));
    wipe(gir);
    sa.chosen = retainedProposal(answer);
    sa.initResponse = dgram.data;
    const nat = detectNat(ctx, payloads, sa.spiI, sa.spiR, dgram);
    if (nat) sa.nat = nat;
    sa.fragmentation = !!findNotify(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
    sa.peerMarker = !!dgram.marker;
    sa.inFlight = undefined;
    sa.nextRequestId = 1;
    sa.init = undefined;
    sa.setState(ctx, 'INIT_DONE');
    // RFC 7296 section 2.23: behind a NAT (either side), the initiator moves to the NAT-T ports.
    if (sa.nat.local || sa.nat.remote) {
      sa.local = { address: sa.local.address, port: sa.localNattPort };
      sa.remote = { address: dgram.remote.address, port: sa.remoteNattPort };
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${sa.name} NAT detected (local ${sa.nat.local}, remote ${sa.nat.remote}): floating to ${sa.local.port} -> ${sa.remote.address}:${sa.remote.port}` });
    }
    startIkeAuth(sa, ctx, now);
  } catch (e) {
    const err = isIkeError(e) ? e : new IkeError('INTERNAL_ERROR', String(e));
    fail(sa, ctx, err.message, err.kind);
  }
}

function fail(sa: IkeSa, ctx: SessionContext, message: string, notifyText?: string): void {
  ctx.emit({ event: 'error', ikeSaId: sa.id, notify: notifyText, message: `IKE_SA_INIT: ${message}` });
  sa.close(ctx, message);
}

/** A clear IKE_SA_INIT response carrying one error notify, with no state kept (RFC 7296 sections 1.2 and 2.6). */
export function initErrorResponse(request: IkeV2Message, payloads: PayloadV2[]): Uint8Array {
  return encodeMessageV2({
    header: {
      spiI: request.header.spiI,
      spiR: new Uint8Array(8),
      majorVersion: 2,
      minorVersion: 0,
      exchangeType: ExchangeType.IKE_SA_INIT,
      flags: { initiator: false, version: false, response: true },
      messageId: request.header.messageId,
    },
    payloads,
  });
}

export type InitDecision =
  | { kind: 'reply'; data: Uint8Array; message: string; notify?: string }
  | { kind: 'accept' };

/**
 * The responder's handling of an IKE_SA_INIT request on a fresh SA. Returns the clear error reply
 * (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD, INVALID_SYNTAX) without keeping the SA, or accepts and
 * sends the response.
 */
export function respondInit(sa: IkeSa, ctx: SessionContext, dgram: Datagram, msg: IkeV2Message): InitDecision {
  const payloads = msg.payloads;
  const refuse = (n: number, message: string, data?: Uint8Array): InitDecision => ({
    kind: 'reply',
    data: initErrorResponse(msg, [notify(n, data)]),
    message,
    notify: notifyName(n),
  });
  const saP = find(payloads, PayloadType.SA);
  const ke = find(payloads, PayloadType.KE);
  const nonce = find(payloads, PayloadType.NONCE);
  if (!saP || !ke || !nonce) return refuse(NotifyType.INVALID_SYNTAX, 'IKE_SA_INIT request without SA, KE or Nonce');
  const configured = ikeProposals(sa);
  const pick = selectProposal(saP.proposals, configured, 'ike', { preferKe: ke.group });
  if (!pick) return refuse(NotifyType.NO_PROPOSAL_CHOSEN, 'no offered IKE proposal matches the configuration');
  const alg = negotiatedAlgorithms(pick.chosen);
  let t: IkeTransforms;
  try {
    t = ikeTransforms(ctx.provider, alg);
  } catch {
    return refuse(NotifyType.NO_PROPOSAL_CHOSEN, `${describeProposal(pick.chosen)} is not available`);
  }
  // RFC 7296 section 1.2: a KE for another group than the chosen one gets INVALID_KE_PAYLOAD with the wanted group.
  if (alg.ke === undefined || ke.group !== alg.ke) {
    return refuse(NotifyType.INVALID_KE_PAYLOAD, `KE for ${KeId.label(ke.group)}, chose ${KeId.label(alg.ke ?? 0)}`, u16(alg.ke ?? 0));
  }
  const kex = ctx.provider.keyExchange(alg.ke);
  if (!kex) return refuse(NotifyType.NO_PROPOSAL_CHOSEN, `${KeId.label(alg.ke)} is not available`);
  let response: { publicValue: Uint8Array; sharedSecret: Uint8Array };
  try {
    response = kex.respond(ke.keyExchangeData, ctx.random);
  } catch (e) {
    return refuse(NotifyType.INVALID_SYNTAX, `bad KE data: ${(e as Error).message}`);
  }
  sa.spiR = randomSpi(ctx);
  sa.ni = nonce.nonce.slice();
  sa.nr = ctx.random(NONCE_LENGTH);
  installIkeKeys(sa, ctx, alg, skeyseed(t.prf, sa.ni, sa.nr, response.sharedSecret));
  wipe(response.sharedSecret);
  sa.chosen = pick.chosen;
  const nat = detectNat(ctx, payloads, sa.spiI, new Uint8Array(8), dgram);
  if (nat) sa.nat = nat;
  sa.fragmentation = !!findNotify(payloads, NotifyType.IKEV2_FRAGMENTATION_SUPPORTED);
  sa.peerMarker = !!dgram.marker;
  sa.initRequest = dgram.data;
  const out: IkeV2Message = {
    header: sa.header(ExchangeType.IKE_SA_INIT, 0, true),
    payloads: [
      { type: PayloadType.SA, proposals: [pick.chosen] },
      { type: PayloadType.KE, group: alg.ke, keyExchangeData: response.publicValue },
      { type: PayloadType.NONCE, nonce: sa.nr },
      ...natPayloads(ctx, sa.spiI, sa.spiR, dgram.local, dgram.remote),
      notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED),
      notify(NotifyType.SIGNATURE_HASH_ALGORITHMS, SIGNATURE_HASHES),
    ],
  };
  const bytes = encodeMessageV2(out);
  sa.initResponse = bytes;
  sa.traceMessage(ctx, 'sending', out, undefined, dgram.remote);
  const d: Datagram = { data: bytes, local: { ...dgram.local }, remote: { ...dgram.remote }, marker: sa.useMarker(ctx, dgram.local, dgram.remote) || (ctx.markerPolicy === 'nat-t-port-only' && !!dgram.marker) };
  sa.lastResponse = { messageId: 0, datagrams: [d] };
  sa.expectedRequestId = 1;
  sa.setState(ctx, 'INIT_DONE');
  ctx.out.datagrams.push(d);
  return { kind: 'accept' };
}
