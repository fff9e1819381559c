import { CaptureCursor } from './cursor.js';

/** RFC 768: the UDP header and the datagram's data, trimmed to the UDP Length. */
export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  data: Uint8Array;
  /** The capture holds fewer bytes than the UDP Length announces. */
  truncated: boolean;
}

export function decodeUdp(segment: Uint8Array): UdpDatagram {
  const r = CaptureCursor.of(segment, 'UDP header');
  const srcPort = r.u16('Source Port');
  const dstPort = r.u16('Destination Port');
  const length = r.u16('Length');
  r.u16('Checksum');
  if (length < 8) r.fail(`Length ${length} is shorter than the 8-byte header`, 4);
  return { srcPort, dstPort, data: segment.subarray(8, Math.min(length, segment.length)), truncated: length > segment.length };
}
