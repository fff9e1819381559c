/**
 * ISAKMP message codec: header plus the chain of generic payload headers (RFC 2408 sections 3.1
 * and 3.2). Each payload body is handled by the codec registered for its type in `bodies.ts`.
 * When the E flag is set the body is ciphertext (RFC 2408 section 3.1): it is kept opaque, and the
 * crypto layer decodes the plaintext with decodePayloadChainV1.
 */
import { IkeParseError } from '../../errors.js';
import { PayloadType } from '../iana/ikev1.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';
import { BODY_CODECS_V1 } from './bodies.js';
import { decodeIsakmpHeader, encodeIsakmpHeader, ISAKMP_HEADER_LENGTH, type IsakmpHeader } from './header.js';
import { expectZero } from './reserved.js';
import type { PayloadV1 } from './types.js';
import { uintField } from './fields.js';

/** A message whose payloads are in the clear (E flag clear). */
export interface IkeV1PlainMessage {
  header: IsakmpHeader;
  payloads: PayloadV1[];
}

/** A message with the E flag set: the payload chain is ciphertext. */
export interface IkeV1EncryptedMessage {
  header: IsakmpHeader;
  /** The header's Next Payload: the type of the first payload inside the ciphertext. */
  firstPayload: number;
  encrypted: Uint8Array;
}

export type IkeV1Message = IkeV1PlainMessage | IkeV1EncryptedMessage;

export function isEncryptedMessageV1(m: IkeV1Message): m is IkeV1EncryptedMessage {
  return 'encrypted' in m;
}

export interface DecodeChainOptionsV1 {
  /**
   * Decrypted plaintext ends with padding to the cipher block size (RFC 2409 Appendix B). Allows
   * any bytes after the payload whose Next Payload is NONE: Appendix B asks for zeros with a count
   * in the last byte, but deployed peers (the Wireshark captures ikev1-bug-12610/12620) send blocks
   * of random padding, and the HASH payload authenticates the message, not the padding.
   */
  allowTrailingPadding?: boolean;
}

export interface PayloadChainV1 {
  payloads: PayloadV1[];
  /** Number of padding bytes after the last payload (0 unless allowTrailingPadding). */
  paddingLength: number;
}

const GENERIC_HEADER_LENGTH = 4;

/** Decodes a whole ISAKMP datagram (without the non-ESP marker, see framing.ts). */
export function decodeMessageV1(datagram: Uint8Array): IkeV1Message {
  const r = Reader.of(datagram, 'ISAKMP Header');
  const { header, nextPayload, length } = decodeIsakmpHeader(r);
  // RFC 2408 section 3.1: Length is the total message (header + payloads). Checked strictly: the
  // real captures we test against never send a datagram longer than Length.
  if (length !== datagram.length) {
    throw new IkeParseError('INVALID_SYNTAX', `header Length ${length} but the datagram has ${datagram.length} bytes`, {
      payload: 'ISAKMP Header',
      offset: 24,
    });
  }
  const body = r.sub(length - ISAKMP_HEADER_LENGTH, 'Payload chain');
  if (header.flags.encryption) {
    const encrypted = body.rest();
    if (encrypted.length === 0) body.fail('the E flag is set but no encrypted payloads follow the header');
    return { header, firstPayload: nextPayload, encrypted };
  }
  return { header, payloads: decodeChain(body, nextPayload, false).payloads };
}

/**
 * Decodes a chain of payloads starting with type `firstPayload` until Next Payload is NONE: the
 * plaintext of an encrypted message, with `{ allowTrailingPadding: true }`.
 */
export function decodePayloadChainV1(
  plaintext: Uint8Array,
  firstPayload: number,
  options: DecodeChainOptionsV1 = {},
): PayloadChainV1 {
  return decodeChain(Reader.of(plaintext, 'Payload chain'), firstPayload, options.allowTrailingPadding === true);
}

function decodeChain(r: Reader, first: number, allowPadding: boolean): PayloadChainV1 {
  const payloads: PayloadV1[] = [];
  let next = first;
  while (next !== PayloadType.NONE) {
    const type = next;
    const start = r.offset;
    const codec = BODY_CODECS_V1.get(type);
    const name = codec?.name ?? `Payload type ${type}`;
    if (r.remaining < GENERIC_HEADER_LENGTH) {
      r.fail(`${name}: Next Payload announces it but only ${r.remaining} byte(s) remain`);
    }
    next = r.u8('Next Payload');
    expectZero(r, 1, 'RESERVED');
    const length = r.u16('Payload Length');
    if (length < GENERIC_HEADER_LENGTH) {
      r.fail(`${name}: Payload Length ${length} is shorter than the generic header`, 'INVALID_SYNTAX', start + 2);
    }
    const body = r.sub(length - GENERIC_HEADER_LENGTH, name, `${name} Payload Length`);
    if (!codec) {
      payloads.push({ type: 'UNKNOWN', payloadType: type, body: body.rest() });
      continue;
    }
    const decoded = codec.decode(body) as PayloadV1;
    body.expectEnd(name);
    payloads.push(decoded);
  }
  const paddingAt = r.offset;
  const padding = r.rest();
  if (padding.length && !allowPadding) r.fail(`${padding.length} byte(s) after the last payload`, 'INVALID_SYNTAX', paddingAt);
  return { payloads, paddingLength: padding.length };
}

function wireType(p: PayloadV1): number {
  return p.type === 'UNKNOWN' ? p.payloadType : p.type;
}

/** Writes a payload chain; returns the type of its first payload (the Next Payload before it). */
export function encodePayloadChainV1(w: Writer, payloads: readonly PayloadV1[]): number {
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i];
    const type = wireType(p);
    w.u8(i + 1 < payloads.length ? uintField(wireType(payloads[i + 1]), 8, 'Next Payload') : PayloadType.NONE);
    w.u8(0);
    const lengthAt = w.reserve16();
    if (p.type === 'UNKNOWN') w.bytes(p.body);
    else {
      const codec = BODY_CODECS_V1.get(type);
      if (!codec) throw new RangeError(`no codec for ISAKMP payload type ${type}`);
      codec.encode(w, p);
    }
    w.patch16(lengthAt, w.length - lengthAt + 2);
  }
  return payloads.length ? uintField(wireType(payloads[0]), 8, 'Next Payload') : PayloadType.NONE;
}

/** The plaintext of a payload chain (before padding and encryption) and its first payload type. */
export function encodePayloadChainBytesV1(payloads: readonly PayloadV1[]): { firstPayload: number; bytes: Uint8Array } {
  const w = new Writer(512);
  const firstPayload = encodePayloadChainV1(w, payloads);
  return { firstPayload, bytes: w.finish() };
}

/**
 * The body of one payload without its generic header, e.g. SAi_b for the RFC 2409 section 5
 * HASH_I / HASH_R computation. Every decoded payload re-encodes to the bytes it came from.
 */
export function encodePayloadBodyV1(p: PayloadV1): Uint8Array {
  return encodePayloadChainBytesV1([p]).bytes.subarray(4);
}

export function encodeMessageV1(msg: IkeV1Message): Uint8Array {
  const w = new Writer(512);
  w.zeros(ISAKMP_HEADER_LENGTH);
  let first: number;
  if (isEncryptedMessageV1(msg)) {
    if (!msg.header.flags.encryption) throw new RangeError('an encrypted message needs the E flag (RFC 2408 section 3.1)');
    first = msg.firstPayload;
    w.bytes(msg.encrypted);
  } else {
    if (msg.header.flags.encryption) throw new RangeError('the E flag is set: encrypt the payload chain and pass { firstPayload, encrypted }');
    first = encodePayloadChainV1(w, msg.payloads);
  }
  // The header carries the first payload's type and the total length, so it is written last.
  const end = w.seek(0);
  encodeIsakmpHeader(w, msg.header, first, end);
  w.seek(end);
  return w.finish();
}
