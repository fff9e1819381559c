/**
 * Link-layer headers down to the network-layer packet they carry. Frames that carry something
 * other than IPv4 or IPv6 (ARP, LLC, ...) give `undefined`; a header too short for its own fields
 * is a CaptureParseError.
 */
import { CaptureCursor } from './cursor.js';
import { LinkType } from './linktype.js';

export interface NetworkPacket {
  ipVersion: 4 | 6;
  /** The IP packet: from its first header byte to the end of the captured frame. */
  packet: Uint8Array;
  /** 802.1Q / 802.1ad VLAN IDs, outermost first. */
  vlans: number[];
}

export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
} as const;

/** The BSD AF_INET value, and the AF_INET6 values of Linux, NetBSD/OpenBSD, FreeBSD and Darwin (tcpdump.org LINKTYPE_NULL). */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

/** True when this reader can decode frames of the link type. */
export function isSupportedLinkType(linkType: number): boolean {
  return LinkType.has(linkType);
}

export function decodeLinkLayer(linkType: number, frame: Uint8Array): NetworkPacket | undefined {
  switch (linkType) {
    case LinkType.ETHERNET:
      return ethernet(frame);
    case LinkType.LINUX_SLL: {
      // tcpdump.org LINKTYPE_LINUX_SLL: packet type, ARPHRD type, address length, 8 address bytes, protocol type.
      const r = CaptureCursor.of(frame, 'Linux cooked header (SLL)');
      r.skip(14, 'Packet type, ARPHRD_ type, Link-layer address');
      return byEtherType(r.u16('Protocol type'), r, []);
    }
    case LinkType.LINUX_SLL2: {
      // tcpdump.org LINKTYPE_LINUX_SLL2: protocol type first, then reserved, interface index, ARPHRD type, packet type, address.
      const r = CaptureCursor.of(frame, 'Linux cooked header v2 (SLL2)');
      const protocol = r.u16('Protocol type');
      r.skip(18, 'Reserved, Interface index, ARPHRD_ type, Packet type, Link-layer address');
      return byEtherType(protocol, r, []);
    }
    case LinkType.RAW:
    case LinkType.RAW_BSD:
    case LinkType.RAW_OPENBSD:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return byVersion(frame, linkType);
    case LinkType.NULL:
    case LinkType.LOOP: {
      // LINKTYPE_NULL stores the AF_ value in the capturing host's byte order; LINKTYPE_LOOP in network order.
      const r = CaptureCursor.of(frame, linkType === LinkType.NULL ? 'Null/loopback header' : 'OpenBSD loopback header');
      const be = r.u32('Address family');
      const le = linkType === LinkType.NULL ? ((be >>> 24) | ((be >>> 8) & 0xff00) | ((be << 8) & 0xff0000) | (be << 24)) >>> 0 : be;
      const packet = frame.subarray(4);
      if (be === AF_INET || le === AF_INET) return { ipVersion: 4, packet, vlans: [] };
      if (AF_INET6.has(be) || AF_INET6.has(le)) return { ipVersion: 6, packet, vlans: [] };
      return undefined;
    }
    default:
      return undefined;
  }
}

function ethernet(frame: Uint8Array): NetworkPacket | undefined {
  const r = CaptureCursor.of(frame, 'Ethernet header');
  r.skip(12, 'Destination and Source MAC');
  let etherType = r.u16('EtherType');
  const vlans: number[] = [];
  // IEEE 802.1Q: each tag is a 2-byte TCI followed by the next EtherType. Each pass consumes 4 bytes.
  while (etherType === EtherType.VLAN || etherType === EtherType.QINQ || etherType === EtherType.QINQ_OLD) {
    vlans.push(r.u16('802.1Q Tag Control Information') & 0x0fff);
    etherType = r.u16('EtherType');
  }
  return byEtherType(etherType, r, vlans);
}

function byEtherType(etherType: number, r: CaptureCursor, vlans: number[]): NetworkPacket | undefined {
  if (etherType === EtherType.IPV4) return { ipVersion: 4, packet: r.bytes(r.remaining, 'IPv4 packet'), vlans };
  if (etherType === EtherType.IPV6) return { ipVersion: 6, packet: r.bytes(r.remaining, 'IPv6 packet'), vlans };
  return undefined;
}

function byVersion(frame: Uint8Array, linkType: number): NetworkPacket | undefined {
  const version = frame.length ? frame[0] >> 4 : 0;
  if (version === 4 && linkType !== LinkType.IPV6) return { ipVersion: 4, packet: frame, vlans: [] };
  if (version === 6 && linkType !== LinkType.IPV4) return { ipVersion: 6, packet: frame, vlans: [] };
  return undefined;
}
