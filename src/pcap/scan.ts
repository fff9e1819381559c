/**
 * Finds the IKE messages (and optionally the ESP packets) in a capture: link layer, IP, UDP, then
 * the port rules of RFC 7296 section 2.23 and RFC 3948: on UDP 500 the datagram is an IKE message;
 * on UDP 4500 a single 0xFF byte is a NAT-keepalive (RFC 3948 section 2.3), four zero bytes are the
 * non-ESP marker in front of an IKE message (section 2.2), and anything else is ESP whose first four
 * bytes are the non-zero SPI.
 */
import { IkeParseError } from '../errors.js';
import { classifyUdp4500 } from '../payloads/framing.js';
import { CaptureParseError } from './errors.js';
import { decodeIp, IpProtocol } from './ip.js';
import { decodeLinkLayer, isSupportedLinkType } from './link.js';
import { parseCapture } from './capture.js';
import type { Capture, CapturedFrame, CaptureTimestamp } from './types.js';
import { decodeUdp } from './udp.js';

export const IKE_PORT = 500;
export const IKE_NATT_PORT = 4500;

interface Addressing {
  /** 1-based frame number. */
  frame: number;
  timestamp?: CaptureTimestamp;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
}

export interface IkeDatagram extends Addressing {
  srcPort: number;
  dstPort: number;
  /** The IKE message, starting at the IKE header (non-ESP marker removed). */
  ike: Uint8Array;
  /** True when the datagram carried the RFC 3948 non-ESP marker (UDP-encapsulated port). */
  nonEspMarker: boolean;
}

export interface EspPacket extends Addressing {
  /** RFC 4303 section 2.1 Security Parameters Index. */
  spi: number;
  sequenceNumber: number;
  /** The ESP packet from the SPI to the end (payload, padding, ICV still opaque). */
  esp: Uint8Array;
  /** RFC 3948: carried in UDP (then the ports are set) rather than as IP protocol 50. */
  udpEncapsulated: boolean;
  srcPort?: number;
  dstPort?: number;
}

export type CaptureNoteKind = 'fragment' | 'nat-keepalive' | 'truncated' | 'malformed' | 'unsupported-link-type';

/** Something the scan skipped that a reader of the capture may want to know. */
export interface CaptureNote {
  frame: number;
  kind: CaptureNoteKind;
  detail: string;
  /** For 'malformed': the error (a CaptureParseError, or the RFC 3948 framing's IkeParseError). */
  error?: IkeParseError;
}

export interface ScanOptions {
  /** UDP ports whose datagrams are plain IKE messages. Default [500]. */
  ikePorts?: readonly number[];
  /** UDP ports with RFC 3948 framing (non-ESP marker, ESP, keepalives). Default [4500]. */
  nattPorts?: readonly number[];
  /** Throw on a malformed link/IP/UDP header instead of noting it and moving on. */
  strict?: boolean;
}

export interface CaptureScan {
  ike: IkeDatagram[];
  esp: EspPacket[];
  notes: CaptureNote[];
}

/** Every IKE message in the capture, in frame order. */
export function extractIkeDatagrams(capture: Capture | Uint8Array, options: ScanOptions = {}): IkeDatagram[] {
  return scanCapture(capture, options).ike;
}

/** IKE messages, ESP packets, and notes on what was skipped. */
export function scanCapture(input: Capture | Uint8Array, options: ScanOptions = {}): CaptureScan {
  const capture = input instanceof Uint8Array ? parseCapture(input) : input;
  const ikePorts = new Set(options.ikePorts ?? [IKE_PORT]);
  const nattPorts = new Set(options.nattPorts ?? [IKE_NATT_PORT]);
  const scan: CaptureScan = { ike: [], esp: [], notes: [] };
  for (const frame of capture.frames) {
    try {
      scanFrame(frame, ikePorts, nattPorts, scan);
    } catch (e) {
      if (!(e instanceof IkeParseError) || options.strict) throw e;
      scan.notes.push({ frame: frame.number, kind: 'malformed', detail: e.message, error: e });
    }
  }
  return scan;
}

function scanFrame(frame: CapturedFrame, ikePorts: Set<number>, nattPorts: Set<number>, scan: CaptureScan): void {
  const note = (kind: CaptureNoteKind, detail: string): void => {
    scan.notes.push({ frame: frame.number, kind, detail });
  };
  if (!isSupportedLinkType(frame.linkType)) return note('unsupported-link-type', `link type ${frame.linkType}`);
  const net = decodeLinkLayer(frame.linkType, frame.data);
  if (!net) return;
  const ip = decodeIp(net.ipVersion, net.packet);
  if (ip.protocol !== IpProtocol.UDP && ip.protocol !== IpProtocol.ESP) return;
  const base: Addressing = { frame: frame.number, timestamp: frame.timestamp, ipVersion: ip.ipVersion, src: ip.src, dst: ip.dst };
  if (ip.fragment && (ip.fragment.offset !== 0 || ip.fragment.more)) {
    // Not reassembled: a non-first fragment has no upper-layer header, a first one is incomplete.
    return note('fragment', `IPv${ip.ipVersion} fragment id ${ip.fragment.identification} offset ${ip.fragment.offset}${ip.fragment.more ? ' (more follow)' : ''}, skipped`);
  }
  if (ip.protocol === IpProtocol.ESP) {
    if (ip.truncated) return note('truncated', 'ESP packet cut by the snap length');
    if (ip.payload.length < 8) throw new CaptureParseError('ESP header', `${ip.payload.length} bytes, SPI and Sequence Number need 8`, 0);
    scan.esp.push({ ...base, ...espHeader(ip.payload), esp: ip.payload, udpEncapsulated: false });
    return;
  }
  const udp = decodeUdp(ip.payload);
  const natt = nattPorts.has(udp.srcPort) || nattPorts.has(udp.dstPort);
  if (!natt && !ikePorts.has(udp.srcPort) && !ikePorts.has(udp.dstPort)) return;
  if (ip.truncated || udp.truncated) return note('truncated', `UDP ${udp.srcPort} -> ${udp.dstPort} cut by the snap length`);
  const ports = { srcPort: udp.srcPort, dstPort: udp.dstPort };
  const data = udp.data;
  if (!natt) {
    scan.ike.push({ ...base, ...ports, ike: data, nonEspMarker: false });
    return;
  }
  const framed = classifyUdp4500(data);
  if (framed.kind === 'NAT_KEEPALIVE') return note('nat-keepalive', `NAT-keepalive ${udp.srcPort} -> ${udp.dstPort}`);
  if (framed.kind === 'IKE') {
    scan.ike.push({ ...base, ...ports, ike: framed.message, nonEspMarker: true });
    return;
  }
  if (data.length < 8) throw new CaptureParseError('ESP header', `${data.length} bytes, SPI and Sequence Number need 8`, 0);
  scan.esp.push({ ...base, ...ports, ...espHeader(data), esp: data, udpEncapsulated: true });
}

function espHeader(b: Uint8Array): { spi: number; sequenceNumber: number } {
  const u32 = (i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  return { spi: u32(0), sequenceNumber: u32(4) };
}
