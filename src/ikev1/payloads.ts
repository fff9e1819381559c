/** Small builders and finders for IKEv1 payload objects. */
import { IkeError } from '../errors.js';
import { Doi, ExchangeType, NotifyType, PayloadType } from '../payloads/iana/ikev1.js';
import type { IsakmpHeader } from '../payloads/ikev1/header.js';
import type { KnownPayloadV1, NotifyPayloadV1, PayloadOfTypeV1, PayloadV1 } from '../payloads/ikev1/types.js';
import { concatBytes } from '../util/bytes.js';
import type { IsakmpSa } from './state.js';

export function find<T extends number>(payloads: readonly PayloadV1[], type: T): PayloadOfTypeV1<T> | undefined {
  return payloads.find((p) => p.type === type) as PayloadOfTypeV1<T> | undefined;
}

export function findAll<T extends number>(payloads: readonly PayloadV1[], type: T): PayloadOfTypeV1<T>[] {
  return payloads.filter((p) => p.type === type) as PayloadOfTypeV1<T>[];
}

/** A payload the message must carry (RFC 2409 section 5 lists each exchange's payloads). */
export function required<T extends number>(payloads: readonly PayloadV1[], type: T, message: string): PayloadOfTypeV1<T> {
  const p = find(payloads, type);
  if (!p) throw new IkeError('PAYLOAD_MALFORMED', `${message} has no ${PayloadType.label(type)} payload`, { payload: message });
  return p;
}

export function notifyPayload(notifyType: number, protocolId: number, spi: Uint8Array, data: Uint8Array = new Uint8Array(0)): NotifyPayloadV1 {
  return { type: PayloadType.N, doi: Doi.IPSEC, protocolId, notifyType, spi, data };
}

export function hashPayload(hash: Uint8Array): KnownPayloadV1 {
  return { type: PayloadType.HASH, hash };
}

export function noncePayload(nonce: Uint8Array): KnownPayloadV1 {
  return { type: PayloadType.NONCE, nonce };
}

export function kePayload(data: Uint8Array): KnownPayloadV1 {
  return { type: PayloadType.KE, keyExchangeData: data };
}

export function vidPayload(vendorId: Uint8Array): KnownPayloadV1 {
  return { type: PayloadType.VID, vendorId };
}

export function natdPayload(hash: Uint8Array): KnownPayloadV1 {
  return { type: PayloadType.NAT_D, hash };
}

/** RFC 2408 section 3.15 / RFC 3706 section 5: an ISAKMP SA is named by CKY-I | CKY-R. */
export function isakmpSpi(sa: IsakmpSa): Uint8Array {
  return concatBytes(sa.ckyI, sa.ckyR);
}

export function headerOf(sa: IsakmpSa, exchangeType: number, messageId = 0, commit = false): IsakmpHeader {
  return {
    initiatorCookie: sa.ckyI,
    responderCookie: sa.ckyR,
    majorVersion: 1,
    minorVersion: 0,
    exchangeType,
    flags: { encryption: false, commit, authenticationOnly: false },
    messageId,
  };
}

/** The first error notify (types below 8192 are errors, RFC 2408 section 3.14.1). */
export function errorNotify(payloads: readonly PayloadV1[]): NotifyPayloadV1 | undefined {
  return findAll(payloads, PayloadType.N).find((n) => n.notifyType < 16384);
}

export function notifyName(n: number): string {
  return NotifyType.label(n);
}

export function exchangeName(n: number): string {
  return ExchangeType.label(n);
}

/** A non-zero message ID (RFC 2408 section 3.1: phase 2 and Informational exchanges use random, unique IDs). */
export function randomMessageId(random: (n: number) => Uint8Array, used: (id: number) => boolean): number {
  for (let i = 0; i < 64; i++) {
    const b = random(4);
    const id = ((b[0] << 24) >>> 0) + ((b[1] << 16) | (b[2] << 8) | b[3]);
    if (id !== 0 && !used(id)) return id;
  }
  throw new IkeError('INTERNAL_ERROR', 'the random source keeps returning used message IDs');
}
