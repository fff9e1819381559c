/**
 * The registry of payload body codecs, by wire Payload Type. Each payload module exports a
 * PayloadBodyCodec; this table is the one place that lists them.
 */
import { PayloadType } from '../iana/ikev2.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { keCodec } from './ke.js';
import { nonceCodec } from './nonce.js';
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
      [PayloadType.KE, keCodec],
      [PayloadType.NONCE, nonceCodec],
    ] as Array<[number, PayloadBodyCodec<any>]>
  ).map(([t, c]) => [t, c]),
);
