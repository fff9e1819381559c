/**
 * UDP framing of IKE (RFC 3948 section 2): on port 4500 an IKE message is preceded by the 4-octet
 * non-ESP marker, an ESP packet starts with its non-zero SPI, and a lone 0xFF octet is a NAT-keepalive.
 */
import { IkeParseError } from '../errors.js';
import { concatBytes } from '../util/bytes.js';

/** RFC 3948 section 2.2: four zero octets where an ESP SPI would be. */
export const NON_ESP_MARKER = new Uint8Array(4);

/** RFC 3948 section 2.3: the NAT-keepalive packet is a single octet, 0xFF. */
export const NAT_KEEPALIVE = new Uint8Array([0xff]);

export type Udp4500Datagram =
  | { kind: 'IKE'; message: Uint8Array }
  | { kind: 'ESP'; packet: Uint8Array }
  | { kind: 'NAT_KEEPALIVE' };

/** Sorts a datagram received on UDP port 4500 (RFC 3948 sections 2.2 and 2.3). */
export function classifyUdp4500(datagram: Uint8Array): Udp4500Datagram {
  if (datagram.length === 1 && datagram[0] === 0xff) return { kind: 'NAT_KEEPALIVE' };
  if (datagram.length < 4) {
    throw new IkeParseError('INVALID_SYNTAX', `a ${datagram.length}-octet datagram is neither IKE, ESP nor a NAT-keepalive`, {
      payload: 'UDP encapsulation',
      offset: 0,
    });
  }
  if (datagram[0] === 0 && datagram[1] === 0 && datagram[2] === 0 && datagram[3] === 0) {
    return { kind: 'IKE', message: datagram.subarray(4) };
  }
  return { kind: 'ESP', packet: datagram };
}

/** The IKE message inside a port-4500 datagram; throws when the non-ESP marker is absent. */
export function stripNonEspMarker(datagram: Uint8Array): Uint8Array {
  const c = classifyUdp4500(datagram);
  if (c.kind !== 'IKE') {
    throw new IkeParseError('INVALID_SYNTAX', `expected the non-ESP marker, got ${c.kind === 'ESP' ? 'an ESP packet' : 'a NAT-keepalive'}`, {
      payload: 'UDP encapsulation',
      offset: 0,
    });
  }
  return c.message;
}

/** Prefixes an IKE message with the non-ESP marker for sending on port 4500. */
export function addNonEspMarker(message: Uint8Array): Uint8Array {
  return concatBytes(NON_ESP_MARKER, message);
}

/**
 * The major version of an IKE message (the high nibble of octet 17, RFC 2408 section 3.1 and
 * RFC 7296 section 3.1), so that a receiver can pick decodeMessageV1 or decodeMessageV2.
 */
export function ikeVersionOf(message: Uint8Array): 1 | 2 {
  if (message.length < 28) {
    throw new IkeParseError('INVALID_SYNTAX', `${message.length} octets is shorter than the 28-octet IKE header`, {
      payload: 'IKE Header',
      offset: 0,
    });
  }
  const major = message[17] >> 4;
  if (major !== 1 && major !== 2) {
    throw new IkeParseError('INVALID_MAJOR_VERSION', `major version ${major}`, { payload: 'IKE Header', offset: 17 });
  }
  return major;
}
