/**
 * IPv4 (RFC 791) and IPv6 (RFC 8200) headers down to the upper-layer protocol and its bytes. The
 * IPv4 header checksum is not checked. Fragments are described, not reassembled: only the first
 * fragment carries the upper-layer header.
 */
import { bytesToIp } from '../payloads/address.js';
import { CaptureCursor } from './cursor.js';

export interface IpPacket {
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  /** Upper-layer protocol (IPv6: the Next Header after the extension headers). */
  protocol: number;
  /** Upper-layer bytes, trimmed to the IP length (Ethernet padding and trailers removed). */
  payload: Uint8Array;
  /** Set when the packet is a fragment: its offset in bytes and the More Fragments flag. */
  fragment?: { offset: number; more: boolean; identification: number };
  /** The capture holds fewer bytes than the IP length announces (snap length). */
  truncated: boolean;
}

export const IpProtocol = {
  HOPOPT: 0,
  UDP: 17,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  ESP: 50,
  AH: 51,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
  MOBILITY: 135,
  HIP: 139,
  SHIM6: 140,
} as const;

/** RFC 8200 section 4 and the IANA list of IPv6 extension headers that use the (Hdr Ext Len + 1) * 8 layout. */
const GENERIC_EXTENSION_HEADERS = new Set<number>([
  IpProtocol.HOPOPT,
  IpProtocol.IPV6_ROUTE,
  IpProtocol.IPV6_OPTS,
  IpProtocol.MOBILITY,
  IpProtocol.HIP,
  IpProtocol.SHIM6,
]);

export function decodeIp(ipVersion: 4 | 6, packet: Uint8Array): IpPacket {
  return ipVersion === 4 ? decodeIPv4(packet) : decodeIPv6(packet);
}

export function decodeIPv4(packet: Uint8Array): IpPacket {
  const r = CaptureCursor.of(packet, 'IPv4 header');
  const versionIhl = r.u8('Version/IHL');
  if (versionIhl >> 4 !== 4) r.fail(`Version ${versionIhl >> 4}, expected 4`, 0);
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < 20) r.fail(`IHL ${headerLength / 4} is below the minimum of 5`, 0);
  r.u8('Type of Service');
  const totalLength = r.u16('Total Length');
  const identification = r.u16('Identification');
  const flagsOffset = r.u16('Flags/Fragment Offset');
  r.u8('Time to Live');
  const protocol = r.u8('Protocol');
  r.u16('Header Checksum');
  const src = bytesToIp(r.bytes(4, 'Source Address'));
  const dst = bytesToIp(r.bytes(4, 'Destination Address'));
  r.skip(headerLength - 20, 'Options');
  // A Total Length of 0 is what segmentation offload leaves in captures; take the captured bytes.
  const length = totalLength === 0 ? packet.length : totalLength;
  if (length < headerLength) r.fail(`Total Length ${totalLength} is shorter than the ${headerLength}-byte header`, 2);
  const truncated = length > packet.length;
  const payload = packet.subarray(headerLength, Math.min(length, packet.length));
  const more = (flagsOffset & 0x2000) !== 0;
  const offset = (flagsOffset & 0x1fff) * 8;
  const fragment = more || offset ? { offset, more, identification } : undefined;
  return { ipVersion: 4, src, dst, protocol, payload, fragment, truncated };
}

export function decodeIPv6(packet: Uint8Array): IpPacket {
  const r = CaptureCursor.of(packet, 'IPv6 header');
  const version = r.u8('Version/Traffic Class') >> 4;
  if (version !== 6) r.fail(`Version ${version}, expected 6`, 0);
  r.skip(3, 'Traffic Class/Flow Label');
  const payloadLength = r.u16('Payload Length');
  let next = r.u8('Next Header');
  r.u8('Hop Limit');
  const src = bytesToIp(r.bytes(16, 'Source Address'));
  const dst = bytesToIp(r.bytes(16, 'Destination Address'));
  // RFC 2675: Payload Length 0 means a Jumbo Payload option; take the captured bytes.
  const end = payloadLength === 0 ? packet.length : 40 + payloadLength;
  const truncated = end > packet.length;
  const body = new CaptureCursor(packet, 40, Math.min(end, packet.length), 'IPv6 extension header', false);
  let fragment: IpPacket['fragment'];
  // RFC 8200 section 4.1: walk the chain. Each pass consumes at least 8 bytes, so the loop ends.
  for (;;) {
    if (GENERIC_EXTENSION_HEADERS.has(next)) {
      const at = body.offset;
      const nh = body.u8('Next Header');
      const hdrExtLen = body.u8('Hdr Ext Len');
      body.skip((hdrExtLen + 1) * 8 - 2, `extension header ${next} at ${at}`);
      next = nh;
    } else if (next === IpProtocol.AH) {
      // RFC 4302 section 2.2: AH's Payload Len counts 32-bit words, minus 2.
      const nh = body.u8('Next Header');
      const payloadLen = body.u8('Payload Len');
      if (payloadLen < 1) body.fail(`AH Payload Len ${payloadLen} is below the minimum of 1`);
      body.skip((payloadLen + 2) * 4 - 2, 'Authentication Header');
      next = nh;
    } else if (next === IpProtocol.IPV6_FRAG) {
      // RFC 8200 section 4.5: Next Header, Reserved, Fragment Offset (13 bits, 8-octet units) | Res | M, Identification.
      const nh = body.u8('Next Header');
      body.u8('Reserved');
      const offsetFlags = body.u16('Fragment Offset/M');
      const identification = body.u32('Identification');
      fragment = { offset: offsetFlags & 0xfff8, more: (offsetFlags & 1) !== 0, identification };
      next = nh;
      if (fragment.offset !== 0) break;
    } else {
      break;
    }
  }
  return { ipVersion: 6, src, dst, protocol: next, payload: body.bytes(body.remaining, 'upper-layer data'), fragment, truncated };
}
