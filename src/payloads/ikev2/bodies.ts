/**
 * The registry of payload body codecs, by wire Payload Type. Each payload module exports a
 * PayloadBodyCodec; this table is the one place that lists them.
 */
import { PayloadType } from '../iana/ikev2.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { authCodec } from './auth.js';
import { certCodec, certReqCodec } from './cert.js';
import { cpCodec } from './cp.js';
import { deleteCodec } from './delete.js';
import { eapCodec } from './eap.js';
import { idiCodec, idrCodec } from './id.js';
import { keCodec } from './ke.js';
import { nonceCodec } from './nonce.js';
import { notifyCodec } from './notify.js';
import { saCodec } from './sa.js';
import { skCodec, skfCodec } from './sk.js';
import { tsiCodec, tsrCodec } from './ts.js';
import { vendorIdCodec } from './vendor.js';
import type { KnownPayloadV2 } from './types.js';

export interface PayloadBodyCodec<P extends KnownPayloadV2 = KnownPayloadV2> {
  /** RFC name used in errors and traces ("Nonce", "Security Association"). */
  name: string;
  /**
   * Decodes the body (after the 4-byte generic header). `nextPayload` is the generic header's
   * Next Payload, which SK and SKF keep as the type of the first inner payload.
   */
  decode(r: Reader, nextPayload: number): P;
  encode(w: Writer, p: P): void;
  /** For SK/SKF: the Next Payload value to write (the first inner payload), instead of the chain's next. */
  innerNextPayload?(p: P): number;
}

export const BODY_CODECS: ReadonlyMap<number, PayloadBodyCodec> = new Map<number, PayloadBodyCodec>(
  (
    [
      [PayloadType.SA, saCodec],
      [PayloadType.KE, keCodec],
      [PayloadType.IDi, idiCodec],
      [PayloadType.IDr, idrCodec],
      [PayloadType.CERT, certCodec],
      [PayloadType.CERTREQ, certReqCodec],
      [PayloadType.AUTH, authCodec],
      [PayloadType.NONCE, nonceCodec],
      [PayloadType.N, notifyCodec],
      [PayloadType.D, deleteCodec],
      [PayloadType.V, vendorIdCodec],
      [PayloadType.TSi, tsiCodec],
      [PayloadType.TSr, tsrCodec],
      [PayloadType.SK, skCodec],
      [PayloadType.CP, cpCodec],
      [PayloadType.EAP, eapCodec],
      [PayloadType.SKF, skfCodec],
    ] as Array<[number, PayloadBodyCodec<any>]>
  ).map(([t, c]) => [t, c]),
);

/** BODY_CODECS as an array indexed by Payload Type (one octet), for the per-payload look-up. */
const CODEC_BY_TYPE: Array<PayloadBodyCodec | undefined> = new Array(256).fill(undefined);
for (const [t, c] of BODY_CODECS) CODEC_BY_TYPE[t] = c;

/** The body codec of a wire Payload Type, if there is one. */
export function codecOf(type: number): PayloadBodyCodec | undefined {
  // typeof: as with BODY_CODECS.get, a numeric string is not a payload type.
  return typeof type === 'number' ? CODEC_BY_TYPE[type] : undefined;
}

/** The RFC name of a payload type for errors, "Payload type <n>" when it has no codec. */
export function payloadName(type: number): string {
  return codecOf(type)?.name ?? `Payload type ${type}`;
}
