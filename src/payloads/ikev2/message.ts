/**
 * IKEv2 message codec: header plus the chain of generic payload headers (RFC 7296 sections 3.1
 * and 3.2). Each payload body is handled by the codec registered for its type in `bodies.ts`.
 */
import { IkeParseError } from '../../errors.js';
import { PayloadType } from '../iana/ikev2.js';
import { Reader } from '../reader.js';
import { Writer } from '../writer.js';
import { codecOf, payloadName } from './bodies.js';
import { invalidPayload } from './invalid.js';
import { decodeHeaderV2, encodeHeaderV2, IKE_HEADER_LENGTH, type IkeV2Header } from './header.js';
import type { PayloadV2 } from './types.js';

export interface IkeV2Message {
  header: IkeV2Header;
  payloads: PayloadV2[];
}

const GENERIC_HEADER_LENGTH = 4;
const CRITICAL = 0x80;

export interface DecodeOptions {
  /**
   * RFC 7296 section 2.5: an unknown payload with the critical bit set is an error. Turn off to
   * keep it as an UnknownPayloadV2 (for decoders and tools that only print).
   */
  rejectUnknownCritical?: boolean;
}

/** Decodes a whole IKEv2 datagram (without the non-ESP marker). */
export function decodeMessageV2(datagram: Uint8Array, options: DecodeOptions = {}): IkeV2Message {
  const r = Reader.of(datagram, 'IKE Header');
  const { header, nextPayload, length } = decodeHeaderV2(r);
  if (length !== datagram.length) {
    throw new IkeParseError('INVALID_SYNTAX', `header Length ${length} but the datagram has ${datagram.length} bytes`, {
      payload: 'IKE Header',
      offset: 24,
    });
  }
  const payloads = decodePayloadChainV2(r.sub(length - IKE_HEADER_LENGTH, 'Payload chain'), nextPayload, options);
  return { header, payloads };
}

/**
 * Decodes a chain of payloads starting with type `first`, until Next Payload is NONE. Used for the
 * message body and for the plaintext of an SK payload. The SK and SKF payloads end the chain
 * (RFC 7296 section 3.14: the Encrypted payload is the last one), and their Next Payload names the
 * first payload inside.
 */
export function decodePayloadChainV2(r: Reader, first: number, options: DecodeOptions = {}): PayloadV2[] {
  const payloads: PayloadV2[] = [];
  let next = first;
  while (next !== PayloadType.NONE) {
    const type = next;
    const start = r.offset;
    const codec = codecOf(type);
    if (r.remaining < GENERIC_HEADER_LENGTH) {
      r.fail(`${payloadName(type)}: Next Payload announces it but only ${r.remaining} byte(s) remain`, 'INVALID_SYNTAX');
    }
    next = r.u8('Next Payload');
    const flags = r.u8('Critical/RESERVED');
    const length = r.u16('Payload Length');
    if (length < GENERIC_HEADER_LENGTH) {
      r.fail(`${payloadName(type)}: Payload Length ${length} is shorter than the generic header`, 'INVALID_SYNTAX', start + 2);
    }
    if (length > r.remaining + GENERIC_HEADER_LENGTH) {
      r.fail(`${payloadName(type)}: Payload Length ${length} exceeds the ${r.remaining + GENERIC_HEADER_LENGTH} byte(s) left`, 'INVALID_SYNTAX', start + 2);
    }
    // The two checks above are the ones sub() would make, so its field name is never needed.
    const name = codec !== undefined ? codec.name : payloadName(type);
    const body = r.sub(length - GENERIC_HEADER_LENGTH, name);
    const critical = (flags & CRITICAL) !== 0;
    if (codec === undefined) {
      if (critical && options.rejectUnknownCritical !== false) {
        throw new IkeParseError('UNSUPPORTED_CRITICAL_PAYLOAD', `unknown payload type ${type} has the critical bit set`, {
          payload: name,
          offset: start,
          notifyData: new Uint8Array([type]),
        });
      }
      payloads.push({ type: 'UNKNOWN', payloadType: type, critical, body: body.rest() });
      continue;
    }
    const decoded = codec.decode(body, next) as PayloadV2;
    body.expectEnd(name);
    if (critical) (decoded as { critical?: boolean }).critical = true;
    payloads.push(decoded);
    if (type === PayloadType.SK || type === PayloadType.SKF) {
      if (!r.atEnd) r.fail(`${r.remaining} byte(s) follow the ${name} payload, which must be last`);
      break;
    }
  }
  if (!r.atEnd) r.fail(`${r.remaining} byte(s) after the last payload`);
  return payloads;
}

function wireType(p: PayloadV2): number {
  return p.type === 'UNKNOWN' ? p.payloadType : p.type;
}

/** Writes a payload chain; returns the type of its first payload (the Next Payload before it). */
export function encodePayloadChainV2(w: Writer, payloads: readonly PayloadV2[]): number {
  const count = payloads.length;
  for (let i = 0; i < count; i++) {
    const p = payloads[i];
    const unknown = p.type === 'UNKNOWN';
    const type = unknown ? p.payloadType : p.type;
    const codec = codecOf(type);
    const inner = unknown || codec === undefined || codec.innerNextPayload === undefined ? undefined : codec.innerNextPayload(p);
    const next = inner ?? (i + 1 < count ? wireType(payloads[i + 1]) : PayloadType.NONE);
    w.u8(next);
    w.u8(p.critical ? CRITICAL : 0);
    const lengthAt = w.reserve16();
    if (unknown) w.bytes(p.body);
    else if (codec !== undefined) codec.encode(w, p);
    else invalidPayload(`Payload type ${type}`, 'no codec for this payload type');
    const length = w.length - lengthAt + 2;
    if (length > 0xffff) invalidPayload(codec?.name ?? `Payload type ${type}`, `Payload Length ${length} does not fit 16 bits`);
    w.patch16(lengthAt, length);
  }
  return count ? wireType(payloads[0]) : PayloadType.NONE;
}

export function encodeMessageV2(msg: IkeV2Message): Uint8Array {
  const w = new Writer(512);
  w.zeros(IKE_HEADER_LENGTH);
  const first = encodePayloadChainV2(w, msg.payloads);
  // The header carries the first payload's type and the total length, so it is written last.
  const end = w.seek(0);
  encodeHeaderV2(w, msg.header, first, end);
  w.seek(end);
  return w.finish();
}
