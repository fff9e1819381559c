/**
 * Phase 1 with pre-shared keys: Main Mode (RFC 2409 section 5, identity protection) and
 * Aggressive Mode (section 5.4), with NAT-T detection and the port float of RFC 3947.
 */
import { IkeError } from '../errors.js';
import { hashI, hashR, IKEV1_HASH_ALGORITHMS, natDetectionHashV1 } from '../keys/ikev1.js';
import { ipToBytes } from '../payloads/address.js';
import { ExchangeType, NotifyType, PayloadType, ProtocolId } from '../payloads/iana/ikev1.js';
import { encodeMessageV1, encodePayloadBodyV1, type IkeV1Message, isEncryptedMessageV1 } from '../payloads/ikev1/message.js';
import type { NatDPayloadV1, PayloadV1, SaPayloadV1 } from '../payloads/ikev1/types.js';
import { identifyVendorId, VendorId } from '../payloads/vendor-ids.js';
import { constantTimeEqual } from '../util/bytes.js';
import { describePhase1, weakPhase1 } from './algorithms.js';
import type { CompiledConfigV1 } from './config.js';
import { identityMatches, identityPayload, identityText } from './ids.js';
import {
  findAll,
  hashPayload,
  headerOf,
  isakmpSpi,
  kePayload,
  natdPayload,
  noncePayload,
  notifyPayload,
  required,
  vidPayload,
} from './payloads.js';
import { acceptPhase1Answer, phase1Sa, readPhase1Transform, selectPhase1 } from './proposals.js';
import { derivePhase1Keys, openMessage, sealMessage } from './protection.js';
import { type Context, hex, type IsakmpSa, sendOn } from './state.js';
import type { Address, Datagram } from './types.js';
import { traceMessage } from './trace.js';

const NONCE_LENGTH = 32;

function fail(kind: 'NO_PROPOSAL_CHOSEN' | 'AUTHENTICATION_FAILED' | 'PAYLOAD_MALFORMED' | 'INVALID_SYNTAX', reason: string): never {
  throw new IkeError(kind, reason, { payload: 'IKEv1 phase 1' });
}

/** A cookie is 8 random octets, never all zero (RFC 2408 section 2.5.3). */
export function newCookie(ctx: Context): Uint8Array {
  for (;;) {
    const c = ctx.random(8);
    if (c.some((b) => b !== 0)) return c;
  }
}

function ourVendorIds(): PayloadV1[] {
  // RFC 3947 section 3.1 and RFC 3706 section 5.
  return [vidPayload(VendorId.NAT_T_RFC3947), vidPayload(VendorId.DPD)];
}

function readVendorIds(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[]): void {
  for (const v of findAll(payloads, PayloadType.VID)) {
    const known = identifyVendorId(v.vendorId);
    if (known?.key === 'NAT_T_RFC3947') sa.natT = true;
    if (known?.key === 'DPD') sa.dpd = true;
    // XAUTH, Cisco Unity and IKE fragmentation are recognised and reported; we run none of them.
    if (sa.peerVendorIds.length < 32) sa.peerVendorIds.push(known ? known.name : hex(v.vendorId));
    ctx.trace(() => `${sa.id}: peer Vendor ID ${known ? known.name : hex(v.vendorId)}`);
  }
}

export function setState(ctx: Context, sa: IsakmpSa, state: IsakmpSa['state']): void {
  ctx.trace(`${sa.id}: ${sa.state} -> ${state}`);
  sa.state = state;
}

function send(ctx: Context, sa: IsakmpSa, label: string, bytes: Uint8Array, now: number, awaitReply: boolean, inner?: readonly PayloadV1[]): void {
  traceMessage(ctx, sa, 'send', label, bytes, inner);
  sendOn(ctx, sa, sa, bytes, now, awaitReply);
}

/** RFC 3947 section 3.2: NAT-D uses the negotiated hash. */
function hashFn(ctx: Context, sa: IsakmpSa): (d: Uint8Array) => Uint8Array {
  const h = sa.policy ? IKEV1_HASH_ALGORITHMS[sa.policy.hash] : undefined;
  if (!h) throw new IkeError('UNSUPPORTED_ALGORITHM', `no hash for NAT-D (hash algorithm ${sa.policy?.hash})`, { payload: 'NAT-D' });
  return (d) => ctx.provider.hash(h.name, d);
}

function natD(ctx: Context, sa: IsakmpSa, a: Address): Uint8Array {
  return natDetectionHashV1(hashFn(ctx, sa), sa.ckyI, sa.ckyR, ipToBytes(a.address), a.port);
}

/** RFC 3947 section 3.2: the first NAT-D hashes the destination (the peer), the rest our own address. */
function natDPayloads(ctx: Context, sa: IsakmpSa): PayloadV1[] {
  return [natdPayload(natD(ctx, sa, sa.remote)), natdPayload(natD(ctx, sa, sa.local))];
}

/**
 * RFC 3947 section 3.2: we are behind a NAT when the first hash is not of the address the packet
 * reached; the peer is when none of the others is of the address it came from.
 */
function detectNat(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[], dgram: Datagram): void {
  const hashes = payloads.filter((p): p is NatDPayloadV1 => p.type === PayloadType.NAT_D);
  if (!sa.natT || hashes.length < 2) return;
  const mine = natD(ctx, sa, dgram.local);
  const theirs = natD(ctx, sa, dgram.remote);
  sa.nat = {
    local: !constantTimeEqual(hashes[0].hash, mine),
    remote: !hashes.slice(1).some((h) => constantTimeEqual(h.hash, theirs)),
  };
  ctx.trace(`${sa.id}: NAT detection: local ${sa.nat.local ? 'behind NAT' : 'no NAT'}, remote ${sa.nat.remote ? 'behind NAT' : 'no NAT'}`);
}

/** RFC 3947 section 4: once a NAT is seen, the initiator moves to the NAT-T ports and adds the non-ESP marker. */
function floatIfNat(ctx: Context, sa: IsakmpSa): void {
  if (!sa.initiator || !(sa.nat.local || sa.nat.remote) || sa.floated) return;
  sa.local = { address: sa.local.address, port: sa.cfg.nattPortLocal };
  sa.remote = { address: sa.remote.address, port: sa.cfg.nattPortRemote };
  sa.floated = true;
  ctx.trace(`${sa.id}: floating to NAT-T ports ${sa.local.port} -> ${sa.remote.port} (RFC 3947 section 4)`);
}

export interface NewSaInit {
  id: string;
  cfg: CompiledConfigV1;
  initiator: boolean;
  mode: 'main' | 'aggressive';
  local: Address;
  remote: Address;
  peerMarker: boolean;
  ckyI: Uint8Array;
  ckyR: Uint8Array;
  now: number;
}

export function newIsakmpSa(init: NewSaInit): IsakmpSa {
  return {
    id: init.id,
    cfg: init.cfg,
    initiator: init.initiator,
    mode: init.mode,
    state: init.initiator ? (init.mode === 'main' ? 'IKE_I_MM1' : 'IKE_I_AM1') : init.mode === 'main' ? 'IKE_R_MM2' : 'IKE_R_AM2',
    ckyI: init.ckyI,
    ckyR: init.ckyR,
    local: init.local,
    remote: init.remote,
    peerMarker: init.peerMarker,
    floated: false,
    natT: false,
    dpd: false,
    peerVendorIds: [],
    initialContact: false,
    nat: { local: false, remote: false },
    lifetime: init.cfg.phase1Lifetime,
    localId: init.cfg.config.local.id,
    createdAt: init.now,
    lastHeard: init.now,
    quickModes: new Map(),
    children: new Map(),
    dpdSeq: 0,
    pendingQuickModes: 0,
  };
}

function keyExchange(ctx: Context, group: number) {
  const kex = ctx.provider.keyExchange(group);
  if (!kex) throw new IkeError('UNSUPPORTED_ALGORITHM', `no key exchange for group ${group}`, { payload: 'IKEv1 phase 1' });
  return kex;
}

function deriveKeys(ctx: Context, sa: IsakmpSa, gxy: Uint8Array): void {
  const keys = derivePhase1Keys(ctx.provider, sa.policy!, {
    psk: sa.cfg.psk,
    ni: sa.ni!,
    nr: sa.nr!,
    gxy,
    gxi: sa.gxi!,
    gxr: sa.gxr!,
    ckyI: sa.ckyI,
    ckyR: sa.ckyR,
  });
  gxy.fill(0);
  sa.keys = keys;
  sa.iv = keys.phase1Iv;
  if (ctx.opts.keylog) {
    ctx.emit({ event: 'keys', kind: 'isakmp', ikeSaId: sa.id, spiI: hex(sa.ckyI), spiR: hex(sa.ckyR), encr: keys.cipherName, encryptionKey: hex(keys.key) });
  }
}

function hashInputs(sa: IsakmpSa) {
  return { gxi: sa.gxi!, gxr: sa.gxr!, ckyI: sa.ckyI, ckyR: sa.ckyR, saiB: sa.saiB! };
}

function established(ctx: Context, sa: IsakmpSa, now: number): void {
  setState(ctx, sa, 'IKE_P1_COMPLETE');
  sa.establishedAt = now;
  sa.expiresAt = now + sa.lifetime * 1000;
  const rekey = sa.cfg.config.ike.rekeyTime;
  if (sa.initiator && rekey !== undefined && rekey < sa.lifetime) sa.rekeyAt = now + rekey * 1000;
  sa.retx = undefined;
  ctx.emit({
    event: 'ike-sa-up',
    ikeSaId: sa.id,
    spiI: hex(sa.ckyI),
    spiR: hex(sa.ckyR),
    initiator: sa.initiator,
    local: { ...sa.local },
    remote: { ...sa.remote },
    localId: sa.localId,
    remoteId: sa.remoteId ?? '',
    algorithms: describePhase1(sa.policy!),
    natDetected: { ...sa.nat },
  });
  const weak = sa.cfg.config.ike.allowWeak ? weakPhase1(sa.policy!) : undefined;
  if (weak) ctx.emit({ event: 'warning', ikeSaId: sa.id, message: `${sa.id} uses a weak phase 1 algorithm (allowWeak): ${weak}` });
  // RFC 2409 section 5.4: Aggressive Mode sends the identities and HASH_R in the clear, so a
  // passive observer can test guesses of the pre-shared key offline.
  if (sa.mode === 'aggressive') ctx.emit({ event: 'warning', ikeSaId: sa.id, message: `${sa.id} runs Aggressive Mode with a pre-shared key: its hash can be attacked offline` });
}

function checkRemoteId(sa: IsakmpSa, payloads: readonly PayloadV1[], message: string): Uint8Array {
  const id = required(payloads, PayloadType.ID, message);
  const want = sa.cfg.config.remote.id;
  if (want !== undefined && !identityMatches(want, id)) {
    throw new IkeError('AUTHENTICATION_FAILED', `peer identity ${identityText(id.idType, id.data)} is not the configured ${want}`, {
      payload: message,
    });
  }
  sa.remoteId = identityText(id.idType, id.data);
  return encodePayloadBodyV1(id);
}

// ---- initiator -------------------------------------------------------------------------------

/** MM1: HDR, SA, VIDs; or AM1: HDR, SA, KE, Ni, IDii, VIDs. */
export function startPhase1(ctx: Context, sa: IsakmpSa, now: number): void {
  if (sa.mode === 'main') {
    const saPayload = phase1Sa(sa.cfg.phase1, sa.lifetime);
    sa.saiB = encodePayloadBodyV1(saPayload);
    const payloads = [saPayload, ...ourVendorIds()];
    send(ctx, sa, 'MM1', encodeMessageV1({ header: headerOf(sa, ExchangeType.IDENTITY_PROTECTION), payloads }), now, true);
    return;
  }
  // RFC 2409 section 5.4: the KE travels in the first message, so every transform offers the same group.
  const group = sa.cfg.phase1[0].group;
  const saPayload = phase1Sa(sa.cfg.phase1.filter((p) => p.group === group), sa.lifetime);
  sa.saiB = encodePayloadBodyV1(saPayload);
  sa.ke = keyExchange(ctx, group).initiate(ctx.opts.random);
  sa.gxi = sa.ke.publicValue;
  sa.ni = ctx.random(NONCE_LENGTH);
  const id = identityPayload(sa.localId);
  sa.idiiB = encodePayloadBodyV1(id);
  const payloads = [saPayload, kePayload(sa.gxi), noncePayload(sa.ni), id, ...ourVendorIds()];
  send(ctx, sa, 'AM1', encodeMessageV1({ header: headerOf(sa, ExchangeType.AGGRESSIVE), payloads }), now, true);
}

function onMM2(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[], now: number): void {
  const answer = acceptPhase1Answer(required(payloads, PayloadType.SA, 'MM2'), sa.cfg.phase1, sa.lifetime);
  if (typeof answer === 'string') fail('NO_PROPOSAL_CHOSEN', `MM2: ${answer}`);
  sa.policy = answer.policy;
  sa.lifetime = answer.lifetime;
  readVendorIds(ctx, sa, payloads);
  sa.ke = keyExchange(ctx, sa.policy.group).initiate(ctx.opts.random);
  sa.gxi = sa.ke.publicValue;
  sa.ni = ctx.random(NONCE_LENGTH);
  const out: PayloadV1[] = [kePayload(sa.gxi), noncePayload(sa.ni)];
  if (sa.natT) out.push(...natDPayloads(ctx, sa));
  setState(ctx, sa, 'IKE_I_MM3');
  send(ctx, sa, 'MM3', encodeMessageV1({ header: headerOf(sa, ExchangeType.IDENTITY_PROTECTION), payloads: out }), now, true);
}


function onMM4(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[], dgram: Datagram, now: number): void {
  sa.gxr = required(payloads, PayloadType.KE, 'MM4').keyExchangeData;
  sa.nr = required(payloads, PayloadType.NONCE, 'MM4').nonce;
  const gxy = keyExchange(ctx, sa.policy!.group).complete(sa.ke!, sa.gxr);
  deriveKeys(ctx, sa, gxy);
  detectNat(ctx, sa, payloads, dgram);
  floatIfNat(ctx, sa);
  const id = identityPayload(sa.localId);
  sa.idiiB = encodePayloadBodyV1(id);
  const hash = hashI(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idiiB);
  // RFC 2407 section 4.6.3.3: INITIAL-CONTACT tells the peer to drop state from our earlier lives.
  const inner: PayloadV1[] = [id, hashPayload(hash)];
  if (sa.initialContact) inner.push(notifyPayload(NotifyType.INITIAL_CONTACT, ProtocolId.PROTO_ISAKMP, isakmpSpi(sa)));
  const sealed = sealMessage(sa.keys!, sa.iv!, headerOf(sa, ExchangeType.IDENTITY_PROTECTION), inner);
  sa.iv = sealed.nextIv;
  setState(ctx, sa, 'IKE_I_MM5');
  send(ctx, sa, 'MM5', sealed.bytes, now, true, inner);
}

function onMM6(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, now: number): void {
  if (!isEncryptedMessageV1(msg)) fail('PAYLOAD_MALFORMED', 'MM6 is not encrypted (RFC 2409 section 5)');
  const opened = openMessage(sa.keys!, sa.iv!, msg);
  traceMessage(ctx, sa, 'recv', 'MM6 (decrypted)', new Uint8Array(0), opened.payloads);
  sa.idirB = checkRemoteId(sa, opened.payloads, 'MM6');
  const got = required(opened.payloads, PayloadType.HASH, 'MM6').hash;
  const want = hashR(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idirB);
  if (!constantTimeEqual(got, want)) fail('AUTHENTICATION_FAILED', 'MM6: HASH_R does not verify (wrong pre-shared key?)');
  sa.lastPhase1Block = opened.nextIv;
  established(ctx, sa, now);
}

function onAM2(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[], dgram: Datagram, now: number): void {
  const answer = acceptPhase1Answer(required(payloads, PayloadType.SA, 'AM2'), sa.cfg.phase1, sa.lifetime);
  if (typeof answer === 'string') fail('NO_PROPOSAL_CHOSEN', `AM2: ${answer}`);
  if (answer.policy.group !== sa.cfg.phase1[0].group) fail('NO_PROPOSAL_CHOSEN', 'AM2 chose another group than our KE payload');
  sa.policy = answer.policy;
  sa.lifetime = answer.lifetime;
  readVendorIds(ctx, sa, payloads);
  sa.gxr = required(payloads, PayloadType.KE, 'AM2').keyExchangeData;
  sa.nr = required(payloads, PayloadType.NONCE, 'AM2').nonce;
  const idir = checkRemoteId(sa, payloads, 'AM2');
  const gxy = keyExchange(ctx, sa.policy.group).complete(sa.ke!, sa.gxr);
  deriveKeys(ctx, sa, gxy);
  const got = required(payloads, PayloadType.HASH, 'AM2').hash;
  if (!constantTimeEqual(got, hashR(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), idir))) {
    fail('AUTHENTICATION_FAILED', 'AM2: HASH_R does not verify (wrong pre-shared key?)');
  }
  sa.idirB = idir;
  detectNat(ctx, sa, payloads, dgram);
  floatIfNat(ctx, sa);
  const inner: PayloadV1[] = [hashPayload(hashI(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idiiB!))];
  if (sa.natT) inner.push(...natDPayloads(ctx, sa));
  // RFC 2409 section 5.4 leaves AM3 unencrypted; deployed peers encrypt it, which we do too.
  const sealed = sealMessage(sa.keys!, sa.iv!, headerOf(sa, ExchangeType.AGGRESSIVE), inner);
  sa.lastPhase1Block = sealed.nextIv;
  send(ctx, sa, 'AM3', sealed.bytes, now, false, inner);
  established(ctx, sa, now);
}

// ---- responder -------------------------------------------------------------------------------

/** MM1 or AM1 arrived for a new SA: choose a transform (RFC 2408 section 4.2) and answer. */
export function respondPhase1(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[], now: number): void {
  const label = sa.mode === 'main' ? 'MM1' : 'AM1';
  const offer = required(payloads, PayloadType.SA, label);
  sa.saiB = encodePayloadBodyV1(offer);
  readVendorIds(ctx, sa, payloads);
  let configured = sa.cfg.phase1;
  let ke: Uint8Array | undefined;
  if (sa.mode === 'aggressive') {
    ke = required(payloads, PayloadType.KE, label).keyExchangeData;
    // RFC 2409 section 5.4: the KE was made for the group of the offered transforms (the first one's).
    const first = offer.proposals[0]?.transforms[0];
    const read = first ? readPhase1Transform(first) : 'no transform';
    configured = typeof read === 'string' ? [] : sa.cfg.phase1.filter((p) => p.group === read.policy.group);
  }
  const choice = selectPhase1(offer, configured, sa.cfg.phase1Lifetime);
  if (!choice) fail('NO_PROPOSAL_CHOSEN', `${label}: none of the offered transforms matches our policy`);
  sa.policy = choice.policy;
  sa.lifetime = choice.lifetime;
  ctx.trace(`${sa.id}: chose ${describePhase1(choice.policy)}, lifetime ${choice.lifetime} s`);
  if (sa.mode === 'main') {
    const out = [choice.answer as SaPayloadV1, ...ourVendorIds()];
    send(ctx, sa, 'MM2', encodeMessageV1({ header: headerOf(sa, ExchangeType.IDENTITY_PROTECTION), payloads: out }), now, true);
    return;
  }
  sa.gxi = ke!;
  sa.ni = required(payloads, PayloadType.NONCE, label).nonce;
  const idii = checkRemoteId(sa, payloads, label);
  sa.idiiB = idii;
  const r = keyExchange(ctx, sa.policy.group).respond(sa.gxi, ctx.opts.random);
  sa.gxr = r.publicValue;
  sa.nr = ctx.random(NONCE_LENGTH);
  deriveKeys(ctx, sa, r.sharedSecret);
  const id = identityPayload(sa.localId);
  sa.idirB = encodePayloadBodyV1(id);
  const hash = hashR(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idirB);
  const out: PayloadV1[] = [choice.answer, kePayload(sa.gxr), noncePayload(sa.nr), id, hashPayload(hash), ...ourVendorIds()];
  if (sa.natT) out.push(...natDPayloads(ctx, sa));
  send(ctx, sa, 'AM2', encodeMessageV1({ header: headerOf(sa, ExchangeType.AGGRESSIVE), payloads: out }), now, true);
}

function onMM3(ctx: Context, sa: IsakmpSa, payloads: readonly PayloadV1[], dgram: Datagram, now: number): void {
  sa.gxi = required(payloads, PayloadType.KE, 'MM3').keyExchangeData;
  sa.ni = required(payloads, PayloadType.NONCE, 'MM3').nonce;
  const r = keyExchange(ctx, sa.policy!.group).respond(sa.gxi, ctx.opts.random);
  sa.gxr = r.publicValue;
  sa.nr = ctx.random(NONCE_LENGTH);
  const peerSentNatD = payloads.some((p) => p.type === PayloadType.NAT_D);
  deriveKeys(ctx, sa, r.sharedSecret);
  detectNat(ctx, sa, payloads, dgram);
  const out: PayloadV1[] = [kePayload(sa.gxr), noncePayload(sa.nr)];
  if (sa.natT && peerSentNatD) out.push(...natDPayloads(ctx, sa));
  setState(ctx, sa, 'IKE_R_MM4');
  send(ctx, sa, 'MM4', encodeMessageV1({ header: headerOf(sa, ExchangeType.IDENTITY_PROTECTION), payloads: out }), now, true);
}

function onMM5(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, now: number): void {
  if (!isEncryptedMessageV1(msg)) fail('PAYLOAD_MALFORMED', 'MM5 is not encrypted (RFC 2409 section 5)');
  let opened;
  try {
    opened = openMessage(sa.keys!, sa.iv!, msg);
  } catch (e) {
    if (!(e instanceof IkeError)) throw e;
    // With another pre-shared key the body decrypts to noise (RFC 2409 section 5: SKEYID depends on it).
    throw new IkeError('AUTHENTICATION_FAILED', `MM5 does not decrypt to a payload chain (wrong pre-shared key?): ${e instanceof Error ? e.message : e}`, {
      payload: 'MM5',
    });
  }
  traceMessage(ctx, sa, 'recv', 'MM5 (decrypted)', new Uint8Array(0), opened.payloads);
  sa.iv = opened.nextIv;
  sa.mm5Opened = true;
  sa.idiiB = checkRemoteId(sa, opened.payloads, 'MM5');
  const got = required(opened.payloads, PayloadType.HASH, 'MM5').hash;
  if (!constantTimeEqual(got, hashI(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idiiB))) {
    fail('AUTHENTICATION_FAILED', 'MM5: HASH_I does not verify (wrong pre-shared key?)');
  }
  sa.peerInitialContact = findAll(opened.payloads, PayloadType.N).some((n) => n.notifyType === NotifyType.INITIAL_CONTACT);
  const id = identityPayload(sa.localId);
  sa.idirB = encodePayloadBodyV1(id);
  const inner: PayloadV1[] = [id, hashPayload(hashR(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idirB))];
  const sealed = sealMessage(sa.keys!, sa.iv, headerOf(sa, ExchangeType.IDENTITY_PROTECTION), inner);
  sa.lastPhase1Block = sealed.nextIv;
  send(ctx, sa, 'MM6', sealed.bytes, now, false, inner);
  established(ctx, sa, now);
}

function onAM3(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, dgram: Datagram, now: number): void {
  let payloads: readonly PayloadV1[];
  if (isEncryptedMessageV1(msg)) {
    let opened;
    try {
      opened = openMessage(sa.keys!, sa.iv!, msg);
    } catch (e) {
      if (!(e instanceof IkeError)) throw e;
      throw new IkeError('AUTHENTICATION_FAILED', `AM3 does not decrypt (wrong pre-shared key?): ${e instanceof Error ? e.message : e}`, { payload: 'AM3' });
    }
    traceMessage(ctx, sa, 'recv', 'AM3 (decrypted)', new Uint8Array(0), opened.payloads);
    payloads = opened.payloads;
    sa.lastPhase1Block = opened.nextIv;
  } else {
    payloads = msg.payloads;
    sa.lastPhase1Block = sa.iv;
  }
  const got = required(payloads, PayloadType.HASH, 'AM3').hash;
  if (!constantTimeEqual(got, hashI(sa.keys!.prf, sa.keys!.SKEYID, hashInputs(sa), sa.idiiB!))) {
    fail('AUTHENTICATION_FAILED', 'AM3: HASH_I does not verify (wrong pre-shared key?)');
  }
  detectNat(ctx, sa, payloads, dgram);
  established(ctx, sa, now);
}

/**
 * A phase 1 message for an SA under negotiation: 'done' when phase 1 completed, 'dropped' for a
 * message that does not fit the state (RFC 2408 section 5: no answer to what we did not expect).
 */
export function onPhase1Message(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, dgram: Datagram, now: number): 'dropped' | 'progress' | 'done' {
  // A late retransmission of an earlier message (or one of the other direction) is not the one this
  // state waits for: it is dropped rather than taken as a malformed answer.
  const encrypted = isEncryptedMessageV1(msg);
  const plain = encrypted ? [] : msg.payloads;
  const has = (t: number) => plain.some((p) => p.type === t);
  // RFC 2408 section 3.1: the responder's answer carries its (non-zero) cookie.
  const cookie = msg.header.responderCookie.some((b) => b !== 0);
  switch (sa.state) {
    case 'IKE_I_MM1':
      if (encrypted || !cookie || !has(PayloadType.SA)) return 'dropped';
      sa.ckyR = msg.header.responderCookie;
      onMM2(ctx, sa, plain, now);
      return 'progress';
    case 'IKE_R_MM2':
      if (encrypted || !has(PayloadType.KE)) return 'dropped';
      onMM3(ctx, sa, plain, dgram, now);
      return 'progress';
    case 'IKE_I_MM3':
      if (encrypted || !has(PayloadType.KE)) return 'dropped';
      onMM4(ctx, sa, plain, dgram, now);
      return 'progress';
    case 'IKE_R_MM4':
      if (!encrypted) return 'dropped';
      onMM5(ctx, sa, msg, now);
      return 'done';
    case 'IKE_I_MM5':
      if (!encrypted) return 'dropped';
      onMM6(ctx, sa, msg, now);
      return 'done';
    case 'IKE_I_AM1':
      if (encrypted || !cookie || !has(PayloadType.SA)) return 'dropped';
      sa.ckyR = msg.header.responderCookie;
      onAM2(ctx, sa, plain, dgram, now);
      return 'done';
    case 'IKE_R_AM2':
      if (!encrypted && !has(PayloadType.HASH)) return 'dropped';
      onAM3(ctx, sa, msg, dgram, now);
      return 'done';
    default:
      return 'dropped';
  }
}
