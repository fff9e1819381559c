import { IkeParseError } from '../../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { uintField } from './fields.js';

/** RFC 2408 section 3.1: the fixed 28-octet ISAKMP header. */
export const ISAKMP_HEADER_LENGTH = 28;

export interface IsakmpFlags {
  /** E (bit 0): the payloads after the header are encrypted. */
  encryption: boolean;
  /** C (bit 1): Commit, RFC 2408 section 3.1 / 4.x (synchronisation of key exchange). */
  commit: boolean;
  /** A (bit 2): Authentication Only (Informational exchanges with integrity but no encryption). */
  authenticationOnly: boolean;
}

export interface IsakmpHeader {
  /** Initiator Cookie, 8 octets. */
  initiatorCookie: Uint8Array;
  /** Responder Cookie, 8 octets (zero in the first message). */
  responderCookie: Uint8Array;
  majorVersion: 1;
  minorVersion: number;
  exchangeType: number;
  flags: IsakmpFlags;
  messageId: number;
}

const FLAG_E = 0x01;
const FLAG_C = 0x02;
const FLAG_A = 0x04;

/** Reads the header; Next Payload and Length are returned beside it, since encoding derives them. */
export function decodeIsakmpHeader(r: Reader): { header: IsakmpHeader; nextPayload: number; length: number } {
  const initiatorCookie = r.bytes(8, 'Initiator Cookie');
  const responderCookie = r.bytes(8, 'Responder Cookie');
  const nextPayload = r.u8('Next Payload');
  const versionAt = r.offset;
  const version = r.u8('Version');
  const majorVersion = version >> 4;
  // RFC 2408 section 5.1: a Major Version the receiver does not speak is INVALID-MAJOR-VERSION.
  if (majorVersion !== 1) {
    throw new IkeParseError('INVALID_MAJOR_VERSION', `major version ${majorVersion}, expected 1`, {
      payload: 'ISAKMP Header',
      offset: versionAt,
    });
  }
  const exchangeType = r.u8('Exchange Type');
  const flagsAt = r.offset;
  const rawFlags = r.u8('Flags');
  // RFC 2408 section 3.1: the unused flag bits MUST be set to 0 prior to transmission.
  if (rawFlags & ~(FLAG_E | FLAG_C | FLAG_A)) {
    throw new IkeParseError('INVALID_SYNTAX', `reserved flag bits set (0x${rawFlags.toString(16)})`, {
      payload: 'ISAKMP Header',
      offset: flagsAt,
    });
  }
  const messageId = r.u32('Message ID');
  const length = r.u32('Length');
  return {
    header: {
      initiatorCookie,
      responderCookie,
      majorVersion: 1,
      minorVersion: version & 0x0f,
      exchangeType,
      flags: {
        encryption: (rawFlags & FLAG_E) !== 0,
        commit: (rawFlags & FLAG_C) !== 0,
        authenticationOnly: (rawFlags & FLAG_A) !== 0,
      },
      messageId,
    },
    nextPayload,
    length,
  };
}

export function encodeIsakmpHeader(w: Writer, h: IsakmpHeader, nextPayload: number, length: number): void {
  if (h.initiatorCookie.length !== 8 || h.responderCookie.length !== 8) {
    throw new RangeError('ISAKMP cookies are 8 octets (RFC 2408 section 3.1)');
  }
  w.bytes(h.initiatorCookie).bytes(h.responderCookie).u8(uintField(nextPayload, 8, 'Next Payload'));
  if (!Number.isInteger(h.minorVersion) || h.minorVersion < 0 || h.minorVersion > 15) throw new RangeError('Minor Version is 4 bits');
  w.u8((1 << 4) | h.minorVersion);
  w.u8(uintField(h.exchangeType, 8, 'Exchange Type'));
  w.u8((h.flags.encryption ? FLAG_E : 0) | (h.flags.commit ? FLAG_C : 0) | (h.flags.authenticationOnly ? FLAG_A : 0));
  w.u32(uintField(h.messageId, 32, 'Message ID'));
  w.u32(length >>> 0);
}
