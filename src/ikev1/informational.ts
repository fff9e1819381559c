/**
 * Informational exchanges (RFC 2409 section 5.7): once keys exist, HDR*, HASH(1), N/D with
 * HASH(1) = prf(SKEYID_a, M-ID | N/D) and an IV from the last phase 1 block and the M-ID
 * (Appendix B). Before that, notifications travel in the clear (RFC 2408 section 5).
 */
import { IkeError } from '../errors.js';
import { informationalHash } from '../keys/ikev1.js';
import { Doi, ExchangeType, NotifyType, PayloadType, ProtocolId } from '../payloads/iana/ikev1.js';
import { encodeMessageV1, encodePayloadChainBytesV1, type IkeV1EncryptedMessage } from '../payloads/ikev1/message.js';
import type { PayloadV1 } from '../payloads/ikev1/types.js';
import { constantTimeEqual, u32be } from '../util/bytes.js';
import { hashPayload, headerOf, isakmpSpi, notifyPayload, randomMessageId } from './payloads.js';
import { traceMessage } from './trace.js';
import { afterHash, exchangeIv, openMessage, sealMessage } from './protection.js';
import type { Context, Exchange, IsakmpSa } from './state.js';
import { sendOn } from './state.js';

function midUsed(sa: IsakmpSa): (id: number) => boolean {
  return (id) => sa.quickModes.has(id);
}

/** Sends an encrypted Informational carrying `payloads` (notifies and deletes); `ex` records it for retransmission. */
export function sendInformational(
  ctx: Context,
  sa: IsakmpSa,
  payloads: readonly PayloadV1[],
  now: number,
  label: string,
  ex?: Exchange,
  lastBlock = sa.lastPhase1Block!,
): void {
  const mid = randomMessageId((n) => ctx.random(n), midUsed(sa));
  const hash = informationalHash(sa.keys!.prf, sa.keys!.SKEYID_a, mid, encodePayloadChainBytesV1(payloads).bytes);
  const inner = [hashPayload(hash), ...payloads];
  const iv = exchangeIv(ctx.provider, sa.keys!, lastBlock, mid);
  const sealed = sealMessage(sa.keys!, iv, headerOf(sa, ExchangeType.INFORMATIONAL, mid), inner);
  traceMessage(ctx, sa, 'send', label, sealed.bytes, inner);
  sendOn(ctx, sa, ex ?? {}, sealed.bytes, now, ex !== undefined);
}

/** An error notification in the clear, for failures before the keys are shared (RFC 2408 section 5). */
export function sendPlainNotify(ctx: Context, sa: IsakmpSa, notifyType: number, now: number): void {
  const mid = randomMessageId((n) => ctx.random(n), () => false);
  const payloads = [notifyPayload(notifyType, ProtocolId.PROTO_ISAKMP, isakmpSpi(sa))];
  const bytes = encodeMessageV1({ header: headerOf(sa, ExchangeType.INFORMATIONAL, mid), payloads });
  traceMessage(ctx, sa, 'send', `INFORMATIONAL ${NotifyType.label(notifyType)}`, bytes);
  sendOn(ctx, sa, {}, bytes, now, false);
}

/**
 * Decrypts an Informational and checks its HASH(1) (RFC 2409 section 5.7). `lastBlock` is the last
 * phase 1 CBC block; while phase 1 is still running (a peer reporting a failure of our MM5), the
 * last block sent so far.
 */
export function openInformational(ctx: Context, sa: IsakmpSa, msg: IkeV1EncryptedMessage, lastBlock = sa.lastPhase1Block!): PayloadV1[] {
  const iv = exchangeIv(ctx.provider, sa.keys!, lastBlock, msg.header.messageId);
  const opened = openMessage(sa.keys!, iv, msg);
  traceMessage(ctx, sa, 'recv', 'INFORMATIONAL (decrypted)', new Uint8Array(0), opened.payloads);
  const h = afterHash(opened);
  if (!h) throw new IkeError('PAYLOAD_MALFORMED', 'the Informational does not start with HASH(1)', { payload: 'Informational' });
  if (!constantTimeEqual(h.hash, informationalHash(sa.keys!.prf, sa.keys!.SKEYID_a, msg.header.messageId, h.rest))) {
    throw new IkeError('INTEGRITY_CHECK_FAILED', 'Informational HASH(1) does not verify', { payload: 'Informational' });
  }
  return opened.payloads.slice(1);
}

/** RFC 3706 section 5: R-U-THERE / R-U-THERE-ACK name the ISAKMP SA and carry a 32-bit sequence number. */
export function dpdNotify(sa: IsakmpSa, ack: boolean, seq: number): PayloadV1 {
  return notifyPayload(ack ? NotifyType.R_U_THERE_ACK : NotifyType.R_U_THERE, ProtocolId.PROTO_ISAKMP, isakmpSpi(sa), u32be(seq));
}

/** RFC 2408 section 3.15: deletes the ISAKMP SA named by its cookies. */
export function isakmpDelete(sa: IsakmpSa): PayloadV1 {
  return { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.PROTO_ISAKMP, spiSize: 16, spis: [isakmpSpi(sa)] };
}

/** RFC 2408 section 3.15: deletes ESP SAs by the SPIs the sender receives on. */
export function espDelete(spis: Uint8Array[]): PayloadV1 {
  return { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.PROTO_IPSEC_ESP, spiSize: 4, spis };
}
