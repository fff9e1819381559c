/**
 * Quick Mode (RFC 2409 section 5.5): HASH(1)..HASH(3), ESP proposals, nonces, optional KE for
 * PFS, client identities, RESPONDER-LIFETIME (RFC 2407 section 4.6.3.1), the commit bit (RFC 2408
 * section 3.1), and KEYMAT for each direction's SPI. Each Quick Mode has its own message ID and
 * IV chain, so several run at once on one ISAKMP SA.
 */
import { IkeError } from '../errors.js';
import { quickModeHash1, quickModeHash2, quickModeHash3, quickModeKeymat } from '../keys/ikev1.js';
import { ExchangeType, IdType, IpsecAttribute, LifeType, NotifyType, PayloadType, ProtocolId } from '../payloads/iana/ikev1.js';
import { decodeDataAttributesV1, encodeDataAttributesV1, makeAttributeV1, attributeNumberV1 } from '../payloads/ikev1/attributes.js';
import { encodePayloadBodyV1, encodePayloadChainBytesV1, type IkeV1EncryptedMessage } from '../payloads/ikev1/message.js';
import type { IdPayloadV1, PayloadV1 } from '../payloads/ikev1/types.js';
import { ipToBytes } from '../payloads/address.js';
import { Reader } from '../payloads/reader.js';
import { Writer } from '../payloads/writer.js';
import { bytesEqual, constantTimeEqual } from '../util/bytes.js';
import { describePhase2, espIntegId, espKeyLengths, espCipherId, weakPhase2 } from './algorithms.js';
import { clientIdFromPayload, clientIdPayload, clientIdWithin, formatClientId, hostClientId, type ClientId } from './ids.js';
import { find, findAll, hashPayload, headerOf, kePayload, noncePayload, notifyPayload, required } from './payloads.js';
import { encapsulationFor, isTransportMode, isUdpMode, phase2Sa, selectPhase2, acceptPhase2Answer } from './proposals.js';
import { afterHash, exchangeIv, openMessage, sealMessage, type Opened } from './protection.js';
import { traceMessage } from './trace.js';
import { type Context, hex, type IpsecSa, type IsakmpSa, type QuickMode, sendOn } from './state.js';
import { EncapsulationMode } from '../payloads/iana/ikev1.js';
import { encrInfo } from '../crypto/cipher/catalog.js';
import { integInfo } from '../crypto/catalog.js';

const NONCE_LENGTH = 32;

function qmError(kind: 'INTEGRITY_CHECK_FAILED' | 'NO_PROPOSAL_CHOSEN' | 'PAYLOAD_MALFORMED' | 'INVALID_KE_PAYLOAD' | 'TS_UNACCEPTABLE', reason: string): never {
  const notify = kind === 'TS_UNACCEPTABLE' ? Uint8Array.of(0, NotifyType.INVALID_ID_INFORMATION) : undefined;
  throw new IkeError(kind, reason, { payload: 'Quick Mode', notifyData: notify });
}

/** RFC 4303 section 2.1: SPI values 1-255 are reserved, 0 is never used. */
export function newSpi(ctx: Context): Uint8Array {
  for (;;) {
    const s = ctx.random(4);
    if (s[0] | s[1] | s[2]) return s;
  }
}

function keyExchange(ctx: Context, group: number) {
  const kex = ctx.provider.keyExchange(group);
  if (!kex) throw new IkeError('UNSUPPORTED_ALGORITHM', `no key exchange for group ${group}`, { payload: 'Quick Mode' });
  return kex;
}

function restBytes(payloads: readonly PayloadV1[]): Uint8Array {
  return encodePayloadChainBytesV1(payloads).bytes;
}

function udp(sa: IsakmpSa): boolean {
  return sa.nat.local || sa.nat.remote;
}

function send(ctx: Context, sa: IsakmpSa, qm: QuickMode, label: string, bytes: Uint8Array, now: number, awaitReply: boolean, inner: readonly PayloadV1[]): void {
  traceMessage(ctx, sa, 'send', label, bytes, inner);
  sendOn(ctx, sa, qm, bytes, now, awaitReply);
}

/** QM1: HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]. */
export function startQuickMode(ctx: Context, sa: IsakmpSa, messageId: number, now: number, ts?: { local: ClientId; remote: ClientId }, rekeyOf?: string): QuickMode {
  const cfg = sa.cfg;
  const encapsulation = encapsulationFor(cfg.transport, udp(sa));
  const qm: QuickMode = {
    messageId,
    initiator: true,
    state: 'QM_I_QM1',
    iv: exchangeIv(ctx.provider, sa.keys!, sa.lastPhase1Block!, messageId),
    spiOwn: newSpi(ctx),
    ni: ctx.random(NONCE_LENGTH),
    idci: ts?.local ?? cfg.localTs[0],
    idcr: ts?.remote ?? cfg.remoteTs[0],
    sentIds: true,
    encapsulation,
    lifetime: cfg.phase2Lifetime,
    commit: ctx.opts.commitBit,
    startedAt: now,
  };
  if (rekeyOf !== undefined) qm.rekeyOf = rekeyOf;
  const rest: PayloadV1[] = [phase2Sa(cfg.phase2, qm.spiOwn, cfg.phase2Lifetime, encapsulation), noncePayload(qm.ni)];
  if (cfg.pfsGroup !== undefined) {
    qm.ke = keyExchange(ctx, cfg.pfsGroup).initiate(ctx.opts.random);
    rest.push(kePayload(qm.ke.publicValue));
  }
  rest.push(clientIdPayload(qm.idci), clientIdPayload(qm.idcr));
  if (cfg.transport && udp(sa)) rest.push(...natOa(sa.local.address, sa.remote.address));
  const hash = quickModeHash1(sa.keys!.prf, sa.keys!.SKEYID_a, messageId, restBytes(rest));
  const inner = [hashPayload(hash), ...rest];
  const sealed = sealMessage(sa.keys!, qm.iv, headerOf(sa, ExchangeType.QUICK_MODE, messageId, qm.commit), inner);
  qm.iv = sealed.nextIv;
  sa.quickModes.set(messageId, qm);
  ctx.trace(`${sa.id}: Quick Mode 0x${messageId.toString(16).padStart(8, '0')} started: ${formatClientId(qm.idci)} === ${formatClientId(qm.idcr)}`);
  send(ctx, sa, qm, 'QM1', sealed.bytes, now, true, inner);
  return qm;
}

function openQm(ctx: Context, sa: IsakmpSa, qm: QuickMode | undefined, msg: IkeV1EncryptedMessage, label: string): Opened {
  const iv = qm ? qm.iv : exchangeIv(ctx.provider, sa.keys!, sa.lastPhase1Block!, msg.header.messageId);
  let opened: Opened;
  try {
    opened = openMessage(sa.keys!, iv, msg);
  } catch (e) {
    if (!(e instanceof IkeError)) throw e;
    qmError('INTEGRITY_CHECK_FAILED', `${label} does not decrypt to a payload chain: ${e instanceof Error ? e.message : e}`);
  }
  traceMessage(ctx, sa, 'recv', `${label} (decrypted)`, new Uint8Array(0), opened.payloads);
  return opened;
}

function lifetimeFromNotify(payloads: readonly PayloadV1[]): number | undefined {
  for (const n of findAll(payloads, PayloadType.N)) {
    if (n.notifyType !== NotifyType.RESPONDER_LIFETIME) continue;
    const r = Reader.of(n.data, 'RESPONDER-LIFETIME');
    const attrs = decodeDataAttributesV1(r);
    let type: number | undefined;
    for (const a of attrs) {
      if (a.type === IpsecAttribute.SA_LIFE_TYPE) type = attributeNumberV1(a);
      else if (a.type === IpsecAttribute.SA_LIFE_DURATION && type === LifeType.SECONDS) return attributeNumberV1(a);
    }
  }
  return undefined;
}

function responderLifetimeNotify(spi: Uint8Array, lifetime: number): PayloadV1 {
  const w = new Writer(16);
  encodeDataAttributesV1(w, [makeAttributeV1(IpsecAttribute.SA_LIFE_TYPE, LifeType.SECONDS), makeAttributeV1(IpsecAttribute.SA_LIFE_DURATION, lifetime)]);
  return notifyPayload(NotifyType.RESPONDER_LIFETIME, ProtocolId.PROTO_IPSEC_ESP, spi, w.finish());
}

/**
 * RFC 3947 section 5.2: NAT-OA of the initiator (NAT-OAi) then of the responder (NAT-OAr), as the
 * sender knows them; `initiator` and `responder` are address texts.
 */
function natOa(initiator: string, responder: string): PayloadV1[] {
  return [initiator, responder].map((a) => {
    const address = ipToBytes(a);
    return { type: PayloadType.NAT_OA, idType: address.length === 4 ? IdType.ID_IPV4_ADDR : IdType.ID_IPV6_ADDR, address } as const;
  });
}

/** Modes we accept from an initiator: the configured one, UDP-encapsulated when a NAT was seen (RFC 3947 section 5.1). */
function acceptableModes(sa: IsakmpSa): number[] {
  const t = sa.cfg.transport;
  if (udp(sa)) return t ? [EncapsulationMode.UDP_TRANSPORT, EncapsulationMode.UDP_TRANSPORT_DRAFT] : [EncapsulationMode.UDP_TUNNEL, EncapsulationMode.UDP_TUNNEL_DRAFT];
  return t ? [EncapsulationMode.TRANSPORT] : [EncapsulationMode.TUNNEL];
}

/** A responder's QM1: choose, answer with QM2 (RFC 2409 section 5.5). */
function onQM1(ctx: Context, sa: IsakmpSa, msg: IkeV1EncryptedMessage, raw: Uint8Array, now: number): void {
  const mid = msg.header.messageId;
  const opened = openQm(ctx, sa, undefined, msg, 'QM1');
  const h = afterHash(opened);
  if (!h) qmError('INTEGRITY_CHECK_FAILED', 'QM1 does not start with HASH(1)');
  if (!constantTimeEqual(h.hash, quickModeHash1(sa.keys!.prf, sa.keys!.SKEYID_a, mid, h.rest))) qmError('INTEGRITY_CHECK_FAILED', 'QM1: HASH(1) does not verify');
  const payloads = opened.payloads;
  const offer = required(payloads, PayloadType.SA, 'QM1');
  const ni = required(payloads, PayloadType.NONCE, 'QM1').nonce;
  const choice = selectPhase2(offer, sa.cfg.phase2, sa.cfg.phase2Lifetime, acceptableModes(sa));
  if (!choice) qmError('NO_PROPOSAL_CHOSEN', 'QM1: none of the offered ESP transforms matches our policy');
  const ke = find(payloads, PayloadType.KE);
  if ((choice.policy.group !== undefined) !== (ke !== undefined)) {
    qmError('INVALID_KE_PAYLOAD', choice.policy.group !== undefined ? 'QM1 offers PFS but carries no KE payload' : 'QM1 carries a KE payload but no PFS group');
  }
  const ids = findAll(payloads, PayloadType.ID);
  if (ids.length !== 0 && ids.length !== 2) qmError('PAYLOAD_MALFORMED', `QM1 carries ${ids.length} ID payloads; IDci and IDcr come as a pair`);
  const idci = ids.length ? clientIdFromPayload(ids[0]) : hostClientId(sa.remote.address);
  const idcr = ids.length ? clientIdFromPayload(ids[1]) : hostClientId(sa.local.address);
  if (!idci || !idcr) qmError('TS_UNACCEPTABLE', `QM1: client IDs of type ${IdType.label(ids[0].idType)} / ${IdType.label(ids[1].idType)} name no addresses`);
  // The initiator's client is our remote side and must lie within our configuration.
  if (!sa.cfg.remoteTs.some((t) => clientIdWithin(idci, t)) || !sa.cfg.localTs.some((t) => clientIdWithin(idcr, t))) {
    qmError('TS_UNACCEPTABLE', `QM1: ${formatClientId(idci)} === ${formatClientId(idcr)} is outside our traffic selectors`);
  }
  const qm: QuickMode = {
    messageId: mid,
    initiator: false,
    state: 'QM_R_QM2',
    iv: opened.nextIv,
    spiOwn: newSpi(ctx),
    spiPeer: choice.proposal.spi,
    ni,
    nr: ctx.random(NONCE_LENGTH),
    idci,
    idcr,
    sentIds: ids.length === 2,
    policy: choice.policy,
    encapsulation: choice.encapsulation,
    lifetime: choice.lifetime,
    commit: msg.header.flags.commit,
    startedAt: now,
    lastIn: raw,
  };
  const rest: PayloadV1[] = [
    { ...offer, proposals: [{ ...choice.proposal, spi: qm.spiOwn }] },
    noncePayload(qm.nr!),
  ];
  if (ke) {
    const r = keyExchange(ctx, choice.policy.group!).respond(ke.keyExchangeData, ctx.opts.random);
    qm.gqmxy = r.sharedSecret;
    rest.push(kePayload(r.publicValue));
  }
  // RFC 2409 section 5.5: the responder returns the client IDs it received.
  if (ids.length) rest.push(ids[0], ids[1]);
  // RFC 3947 section 5.2: in transport mode behind a NAT both sides tell their original addresses.
  if (payloads.some((p) => p.type === PayloadType.NAT_OA) && isTransportMode(choice.encapsulation)) {
    rest.push(...natOa(sa.remote.address, sa.local.address));
  }
  if (choice.shortened) rest.push(responderLifetimeNotify(qm.spiOwn, choice.lifetime));
  const hash = quickModeHash2(sa.keys!.prf, sa.keys!.SKEYID_a, mid, ni, restBytes(rest));
  const inner = [hashPayload(hash), ...rest];
  const sealed = sealMessage(sa.keys!, qm.iv, headerOf(sa, ExchangeType.QUICK_MODE, mid, qm.commit), inner);
  qm.iv = sealed.nextIv;
  sa.quickModes.set(mid, qm);
  ctx.trace(`${sa.id}: Quick Mode 0x${mid.toString(16).padStart(8, '0')}: chose ${describePhase2(choice.policy)}, lifetime ${choice.lifetime} s`);
  send(ctx, sa, qm, 'QM2', sealed.bytes, now, true, inner);
  qm.replyOut = qm.lastOut;
}

function sameIdPayload(a: IdPayloadV1, b: IdPayloadV1): boolean {
  return bytesEqual(encodePayloadBodyV1(a), encodePayloadBodyV1(b));
}

/** The initiator's QM2: check HASH(2), the answer and the echoed IDs; send QM3. */
function onQM2(ctx: Context, sa: IsakmpSa, qm: QuickMode, msg: IkeV1EncryptedMessage, raw: Uint8Array, now: number): IpsecSa | undefined {
  const mid = qm.messageId;
  const opened = openQm(ctx, sa, qm, msg, 'QM2');
  const h = afterHash(opened);
  if (!h) qmError('INTEGRITY_CHECK_FAILED', 'QM2 does not start with HASH(2)');
  if (!constantTimeEqual(h.hash, quickModeHash2(sa.keys!.prf, sa.keys!.SKEYID_a, mid, qm.ni, h.rest))) qmError('INTEGRITY_CHECK_FAILED', 'QM2: HASH(2) does not verify');
  qm.iv = opened.nextIv;
  qm.lastIn = raw;
  const payloads = opened.payloads;
  const answer = acceptPhase2Answer(required(payloads, PayloadType.SA, 'QM2'), sa.cfg.phase2, qm.encapsulation);
  if (typeof answer === 'string') qmError('NO_PROPOSAL_CHOSEN', `QM2: ${answer}`);
  qm.policy = answer.policy;
  qm.spiPeer = answer.spi;
  qm.nr = required(payloads, PayloadType.NONCE, 'QM2').nonce;
  const ke = find(payloads, PayloadType.KE);
  if (answer.policy.group !== undefined) {
    if (!ke) qmError('INVALID_KE_PAYLOAD', 'QM2 chose PFS but carries no KE payload');
    qm.gqmxy = keyExchange(ctx, answer.policy.group).complete(qm.ke!, ke.keyExchangeData);
  } else if (ke) qmError('INVALID_KE_PAYLOAD', 'QM2 carries a KE payload without PFS');
  const ids = findAll(payloads, PayloadType.ID);
  if (ids.length) {
    if (ids.length !== 2 || !sameIdPayload(ids[0], clientIdPayload(qm.idci)) || !sameIdPayload(ids[1], clientIdPayload(qm.idcr))) {
      qmError('TS_UNACCEPTABLE', 'QM2 does not return the client IDs we sent (RFC 2409 section 5.5)');
    }
  }
  // RFC 2407 section 4.6.3.1: a shorter responder lifetime is adopted.
  const rl = lifetimeFromNotify(payloads);
  qm.lifetime = Math.min(qm.lifetime, answer.lifetime ?? qm.lifetime, rl ?? qm.lifetime);
  const inner = [hashPayload(quickModeHash3(sa.keys!.prf, sa.keys!.SKEYID_a, mid, qm.ni, qm.nr))];
  const sealed = sealMessage(sa.keys!, qm.iv, headerOf(sa, ExchangeType.QUICK_MODE, mid), inner);
  qm.iv = sealed.nextIv;
  send(ctx, sa, qm, 'QM3', sealed.bytes, now, false, inner);
  qm.replyOut = qm.lastOut;
  // RFC 2408 section 3.1: with the commit bit the SA is used only after CONNECTED.
  if (msg.header.flags.commit) {
    qm.state = 'QM_I_CONNECTED';
    qm.retx = { at: now + ctx.opts.retransmitBase, tries: 0, interval: ctx.opts.retransmitBase };
    ctx.trace(`${sa.id}: Quick Mode 0x${mid.toString(16)}: commit bit set, waiting for CONNECTED`);
    return undefined;
  }
  return installChild(ctx, sa, qm, now);
}

/** The responder's QM3: check HASH(3) and install. */
function onQM3(ctx: Context, sa: IsakmpSa, qm: QuickMode, msg: IkeV1EncryptedMessage, now: number): IpsecSa {
  const opened = openQm(ctx, sa, qm, msg, 'QM3');
  const hash = opened.payloads[0];
  if (!hash || hash.type !== PayloadType.HASH) qmError('INTEGRITY_CHECK_FAILED', 'QM3 does not start with HASH(3)');
  if (!constantTimeEqual(hash.hash, quickModeHash3(sa.keys!.prf, sa.keys!.SKEYID_a, qm.messageId, qm.ni, qm.nr!))) {
    qmError('INTEGRITY_CHECK_FAILED', 'QM3: HASH(3) does not verify');
  }
  qm.iv = opened.nextIv;
  return installChild(ctx, sa, qm, now);
}

/** KEYMAT for both SPIs (RFC 2409 section 5.5), the IPsec SA record and its events. */
export function installChild(ctx: Context, sa: IsakmpSa, qm: QuickMode, now: number): IpsecSa {
  qm.state = 'QM_DONE';
  qm.retx = undefined;
  const policy = qm.policy!;
  const child: IpsecSa = {
    id: ctx.newId('ipsec'),
    spiIn: qm.spiOwn,
    spiOut: qm.spiPeer!,
    policy,
    encapsulation: qm.encapsulation,
    localTs: qm.initiator ? qm.idci : qm.idcr,
    remoteTs: qm.initiator ? qm.idcr : qm.idci,
    establishedAt: now,
    expiresAt: now + qm.lifetime * 1000,
  };
  const rekey = sa.cfg.config.child.rekeyTime;
  if (qm.initiator && rekey !== undefined && rekey < qm.lifetime) child.rekeyAt = now + rekey * 1000;
  qm.child = child;
  sa.children.set(child.id, child);
  const algorithms = describePhase2(policy);
  if (ctx.opts.keylog) {
    const lengths = espKeyLengths(policy);
    if (lengths) {
      const total = lengths.encrKeyLength + lengths.integKeyLength;
      const keymat = (spi: Uint8Array) =>
        quickModeKeymat(sa.keys!.prf, sa.keys!.SKEYID_d, { protocol: ProtocolId.PROTO_IPSEC_ESP, spi, niB: qm.ni, nrB: qm.nr!, gqmxy: qm.gqmxy }, total);
      const spiItoR = qm.initiator ? qm.spiPeer! : qm.spiOwn;
      const spiRtoI = qm.initiator ? qm.spiOwn : qm.spiPeer!;
      const itor = keymat(spiItoR);
      const rtoi = keymat(spiRtoI);
      const encrId = espCipherId(policy.transformId);
      const integId = policy.authAlgorithm === undefined ? undefined : espIntegId(policy.authAlgorithm);
      ctx.emit({
        event: 'keys',
        kind: 'child',
        ikeSaId: sa.id,
        childSaId: child.id,
        protocol: 'esp',
        spiItoR: hex(spiItoR),
        spiRtoI: hex(spiRtoI),
        encr: (encrId !== undefined ? encrInfo(encrId, policy.keyBits)?.name : undefined) ?? String(policy.transformId),
        integ: (integId !== undefined ? integInfo(integId)?.name : undefined) ?? 'NONE',
        encrKeyItoR: hex(itor.subarray(0, lengths.encrKeyLength)),
        integKeyItoR: hex(itor.subarray(lengths.encrKeyLength)),
        encrKeyRtoI: hex(rtoi.subarray(0, lengths.encrKeyLength)),
        integKeyRtoI: hex(rtoi.subarray(lengths.encrKeyLength)),
      });
    }
  }
  qm.gqmxy?.fill(0);
  ctx.emit({
    event: 'child-sa-up',
    ikeSaId: sa.id,
    childSaId: child.id,
    spiIn: hex(child.spiIn),
    spiOut: hex(child.spiOut),
    localTs: [formatClientId(child.localTs)],
    remoteTs: [formatClientId(child.remoteTs)],
    mode: `${isTransportMode(child.encapsulation) ? 'transport' : 'tunnel'}${isUdpMode(child.encapsulation) ? ' (UDP-encapsulated)' : ''}`,
    algorithms: policy.group !== undefined ? algorithms : `${algorithms} (no PFS)`,
    ...(qm.rekeyOf !== undefined ? { rekeyOf: qm.rekeyOf } : {}),
  });
  if (qm.rekeyOf !== undefined) ctx.emit({ event: 'child-sa-rekeyed', ikeSaId: sa.id, childSaId: qm.rekeyOf, newChildSaId: child.id });
  const weak = sa.cfg.config.ike.allowWeak ? weakPhase2(policy) : undefined;
  if (weak) ctx.emit({ event: 'warning', ikeSaId: sa.id, childSaId: child.id, message: `${child.id} uses a weak algorithm (allowWeak): ${weak}` });
  return child;
}

export type QuickModeResult = { installed?: IpsecSa; connected?: { sa: IsakmpSa; spi: Uint8Array } };

/**
 * A Quick Mode message: QM1 for a new message ID (responder), QM2 or QM3 for one in progress.
 * Returns the IPsec SA when one was installed, and whether a CONNECTED notify is owed.
 */
export function onQuickMode(ctx: Context, sa: IsakmpSa, msg: IkeV1EncryptedMessage, raw: Uint8Array, now: number): QuickModeResult {
  const qm = sa.quickModes.get(msg.header.messageId);
  if (!qm) {
    onQM1(ctx, sa, msg, raw, now);
    return {};
  }
  if (qm.initiator && qm.state === 'QM_I_QM1') return { installed: onQM2(ctx, sa, qm, msg, raw, now) };
  if (!qm.initiator && qm.state === 'QM_R_QM2') {
    const installed = onQM3(ctx, sa, qm, msg, now);
    return qm.commit ? { installed, connected: { sa, spi: qm.spiOwn } } : { installed };
  }
  ctx.trace(`${sa.id}: Quick Mode 0x${qm.messageId.toString(16)} message in state ${qm.state} dropped`);
  return {};
}

