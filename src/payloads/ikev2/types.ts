/**
 * IKEv2 payloads as plain typed objects, a discriminated union on `type` (the wire Payload Type,
 * RFC 7296 section 3.2). Length and Next Payload fields are derived when encoding, so they are not
 * stored. `critical` is kept only so that a received critical bit round-trips; RFC 7296 section 2.5
 * says a recipient that understands the payload ignores it.
 */
import type { PayloadType } from '../iana/ikev2.js';

interface PayloadBase {
  /** RFC 7296 section 3.2, the C bit of the generic payload header. */
  critical?: boolean;
}

/** RFC 7296 section 3.9: Ni / Nr. */
export interface NoncePayload extends PayloadBase {
  type: typeof PayloadType.NONCE;
  nonce: Uint8Array;
}

/** RFC 7296 section 3.4: Key Exchange. */
export interface KePayload extends PayloadBase {
  type: typeof PayloadType.KE;
  /** Key Exchange Method (Diffie-Hellman Group Num), see KeId. */
  group: number;
  keyExchangeData: Uint8Array;
}

/**
 * A payload type this codec does not know. RFC 7296 section 2.5: skipped and kept when its critical
 * bit is clear; an error (UNSUPPORTED_CRITICAL_PAYLOAD) when set.
 */
export interface UnknownPayloadV2 {
  type: 'UNKNOWN';
  payloadType: number;
  critical: boolean;
  body: Uint8Array;
}

/** Every payload the codec knows. Extended by each payload module. */
export type KnownPayloadV2 = NoncePayload | KePayload;

export type PayloadV2 = KnownPayloadV2 | UnknownPayloadV2;

/** The payload of a given wire type. */
export type PayloadOfType<T extends number> = Extract<KnownPayloadV2, { type: T }>;
