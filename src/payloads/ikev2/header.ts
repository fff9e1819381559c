import { IkeError, IkeParseError } from '../../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

/** RFC 7296 section 3.1: the fixed 28-byte IKE header. */
export const IKE_HEADER_LENGTH = 28;

export interface IkeV2Flags {
  /** I (bit 3): sent by the original initiator of the IKE SA. */
  initiator: boolean;
  /** V (bit 4): the sender can speak a higher major version. */
  version: boolean;
  /** R (bit 5): this message is a response. */
  response: boolean;
}

export interface IkeV2Header {
  /** IKE SA Initiator's SPI, 8 bytes. */
  spiI: Uint8Array;
  /** IKE SA Responder's SPI, 8 bytes (zero in the first IKE_SA_INIT request). */
  spiR: Uint8Array;
  majorVersion: 2;
  minorVersion: number;
  exchangeType: number;
  flags: IkeV2Flags;
  messageId: number;
}

const FLAG_I = 0x08;
const FLAG_V = 0x10;
const FLAG_R = 0x20;

/**
 * Reads the header. `nextPayload` and `length` are returned beside it: they are derived when
 * encoding, so they are not part of the header object.
 */
export function decodeHeaderV2(r: Reader): { header: IkeV2Header; nextPayload: number; length: number } {
  const spiI = r.bytes(8, "IKE SA Initiator's SPI");
  const spiR = r.bytes(8, "IKE SA Responder's SPI");
  const nextPayload = r.u8('Next Payload');
  const versionAt = r.offset;
  const version = r.u8('Version');
  const majorVersion = version >> 4;
  // RFC 7296 section 3.1: a major version above 2 is answered with INVALID_MAJOR_VERSION.
  if (majorVersion !== 2) {
    throw new IkeParseError('INVALID_MAJOR_VERSION', `major version ${majorVersion}, expected 2`, {
      payload: 'IKE Header',
      offset: versionAt,
    });
  }
  const exchangeType = r.u8('Exchange Type');
  // RFC 7296 section 3.1: the other flag bits are sent as zero and ignored on receipt.
  const rawFlags = r.u8('Flags');
  const messageId = r.u32('Message ID');
  const length = r.u32('Length');
  return {
    header: {
      spiI,
      spiR,
      majorVersion: 2,
      minorVersion: version & 0x0f,
      exchangeType,
      flags: {
        initiator: (rawFlags & FLAG_I) !== 0,
        version: (rawFlags & FLAG_V) !== 0,
        response: (rawFlags & FLAG_R) !== 0,
      },
      messageId,
    },
    nextPayload,
    length,
  };
}

export function encodeHeaderV2(w: Writer, h: IkeV2Header, nextPayload: number, length: number): void {
  if (h.spiI.length !== 8 || h.spiR.length !== 8) {
    throw new IkeError('INVALID_ARGUMENT', 'IKE SPIs are 8 bytes (RFC 7296 section 3.1)', { payload: 'IKE Header' });
  }
  w.bytes(h.spiI).bytes(h.spiR).u8(nextPayload);
  w.u8((2 << 4) | (h.minorVersion & 0x0f));
  w.u8(h.exchangeType);
  w.u8((h.flags.initiator ? FLAG_I : 0) | (h.flags.version ? FLAG_V : 0) | (h.flags.response ? FLAG_R : 0));
  w.u32(h.messageId >>> 0);
  w.u32(length >>> 0);
}
