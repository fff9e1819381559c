import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/util/bytes.js';
import {
  CaptureParseError,
  LinkType,
  decodeIPv6,
  decodeLinkLayer,
  scanCapture,
  type Capture,
  type CapturedFrame,
} from '../../src/pcap/index.js';
import { ethernet, fakeIke, int, ipv4, ipv6, udp } from './build.js';

const A = [192, 0, 2, 1];
const B = [198, 51, 100, 7];
const V6_A = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
const V6_B = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);

function captureOf(linkType: number, ...frames: Uint8Array[]): Capture {
  const list: CapturedFrame[] = frames.map((data, i) => ({ number: i + 1, interfaceIndex: 0, linkType, originalLength: data.length, data, offset: 0 }));
  return { format: 'pcap', interfaces: [{ linkType, snapLength: 0, unitsPerSecond: 1_000_000n, offsetSeconds: 0n, section: 0 }], frames: list };
}

const ikeV4 = (seed: number, sp = 500, dp = 500) => ipv4({ src: A, dst: B, protocol: 17, payload: udp(sp, dp, fakeIke(seed)) });

describe('link layers (tcpdump.org link-layer header types)', () => {
  it('Ethernet with 802.1Q and 802.1ad tags: the VLAN IDs are kept and the IP packet found', () => {
    const f = ethernet(ikeV4(1), 0x0800, [
      { tpid: 0x88a8, vid: 0x2064 },
      { tpid: 0x8100, vid: 0x0fff },
    ]);
    const net = decodeLinkLayer(LinkType.ETHERNET, f);
    expect(net?.vlans).toEqual([100, 4095]);
    expect(scanCapture(captureOf(1, f)).ike[0].ike).toEqual(fakeIke(1));
  });

  it('Ethernet: a non-IP EtherType (ARP) is not an IKE frame, and a cut header is a typed error', () => {
    expect(decodeLinkLayer(1, ethernet(new Uint8Array(28), 0x0806))).toBeUndefined();
    expect(() => decodeLinkLayer(1, new Uint8Array(13))).toThrowError(CaptureParseError);
    expect(() => decodeLinkLayer(1, ethernet(new Uint8Array(0), 0x8100))).toThrowError(/802.1Q/);
  });

  it('Linux cooked capture SLL (16-byte header, protocol last) and SLL2 (20 bytes, protocol first)', () => {
    const sll = concatBytes(int(0, 2), int(1, 2), int(6, 2), new Uint8Array(8), int(0x86dd, 2), ipv6({ src: V6_A, dst: V6_B, nextHeader: 17, payload: udp(500, 500, fakeIke(2)) }));
    const sll2 = concatBytes(int(0x0800, 2), int(0, 2), int(3, 4), int(1, 2), new Uint8Array([4, 6]), new Uint8Array(8), ikeV4(3));
    const a = scanCapture(captureOf(LinkType.LINUX_SLL, sll)).ike[0];
    expect(a).toMatchObject({ ipVersion: 6, src: '2001:db8::1', dst: '2001:db8:1::2' });
    expect(a.ike).toEqual(fakeIke(2));
    expect(scanCapture(captureOf(LinkType.LINUX_SLL2, sll2)).ike[0].ike).toEqual(fakeIke(3));
  });

  it('raw IP link types 101, 12, 14, 228 (IPv4 only) and 229 (IPv6 only)', () => {
    const v6 = ipv6({ src: V6_A, dst: V6_B, nextHeader: 17, payload: udp(500, 500, fakeIke(4)) });
    for (const lt of [101, 12, 14]) {
      expect(scanCapture(captureOf(lt, ikeV4(5), v6)).ike.map((d) => d.ipVersion)).toEqual([4, 6]);
    }
    expect(scanCapture(captureOf(228, ikeV4(5), v6)).ike.map((d) => d.ipVersion)).toEqual([4]);
    expect(scanCapture(captureOf(229, ikeV4(5), v6)).ike.map((d) => d.ipVersion)).toEqual([6]);
  });

  it('DLT_NULL carries AF_ in the capturing host order; DLT_LOOP in network order', () => {
    const v6 = ipv6({ src: V6_A, dst: V6_B, nextHeader: 17, payload: udp(500, 500, fakeIke(6)) });
    const nullLe = concatBytes(int(2, 4, true), ikeV4(6));
    const nullBe6 = concatBytes(int(30, 4), v6);
    expect(scanCapture(captureOf(LinkType.NULL, nullLe, nullBe6)).ike.map((d) => d.ipVersion)).toEqual([4, 6]);
    const loop = concatBytes(int(24, 4), v6);
    expect(scanCapture(captureOf(LinkType.LOOP, loop)).ike.map((d) => d.ipVersion)).toEqual([6]);
    // LOOP is always network order: a little-endian AF_INET is not recognised.
    expect(scanCapture(captureOf(LinkType.LOOP, nullLe)).ike).toEqual([]);
  });

  it('an unsupported link type is noted, not guessed', () => {
    const s = scanCapture(captureOf(147, ikeV4(1)));
    expect(s.ike).toEqual([]);
    expect(s.notes).toEqual([{ frame: 1, kind: 'unsupported-link-type', detail: 'link type 147' }]);
  });
});

describe('IPv4 (RFC 791) and IPv6 (RFC 8200)', () => {
  it('RFC 791: options are skipped by IHL, and Ethernet padding beyond Total Length is dropped', () => {
    const pkt = ipv4({ src: A, dst: B, protocol: 17, payload: udp(500, 500, fakeIke(1)), options: new Uint8Array([1, 1, 1, 0]) });
    const s = scanCapture(captureOf(1, ethernet(concatBytes(pkt, new Uint8Array(6)))));
    expect(s.ike[0].ike).toEqual(fakeIke(1));
  });

  it('RFC 791: non-first fragments are reported and skipped; so is a first fragment (no reassembly)', () => {
    const first = ipv4({ src: A, dst: B, protocol: 17, payload: udp(500, 500, fakeIke(1)), moreFragments: true });
    const rest = ipv4({ src: A, dst: B, protocol: 17, payload: fakeIke(2), fragmentOffset: 1480 });
    const s = scanCapture(captureOf(101, first, rest, ikeV4(3)));
    expect(s.ike.map((d) => d.frame)).toEqual([3]);
    expect(s.notes.map((n) => [n.frame, n.kind])).toEqual([
      [1, 'fragment'],
      [2, 'fragment'],
    ]);
    expect(s.notes[1].detail).toMatch(/offset 1480/);
  });

  it('RFC 8200 section 4.3: a Hop-by-Hop Options header and a Destination Options header are walked to UDP', () => {
    const hbh = concatBytes(new Uint8Array([60, 0]), new Uint8Array([5, 2, 0, 0, 1, 0]));
    const dest = concatBytes(new Uint8Array([17, 1]), new Uint8Array(14));
    const pkt = ipv6({ src: V6_A, dst: V6_B, nextHeader: 0, extensions: concatBytes(hbh, dest), payload: udp(4500, 4500, concatBytes(new Uint8Array(4), fakeIke(7))) });
    const ip = decodeIPv6(pkt);
    expect(ip.protocol).toBe(17);
    const d = scanCapture(captureOf(229, pkt)).ike[0];
    expect(d).toMatchObject({ src: '2001:db8::1', dst: '2001:db8:1::2', srcPort: 4500, nonEspMarker: true });
    expect(d.ike).toEqual(fakeIke(7));
  });

  it('RFC 8200 section 4.5: a non-first fragment stops the walk and is skipped; an atomic fragment is kept', () => {
    const frag = (offset: number, more: boolean) => concatBytes(new Uint8Array([17, 0]), int(offset | (more ? 1 : 0), 2), int(77, 4));
    const later = ipv6({ src: V6_A, dst: V6_B, nextHeader: 44, extensions: frag(1232, false), payload: fakeIke(1) });
    const atomic = ipv6({ src: V6_A, dst: V6_B, nextHeader: 44, extensions: frag(0, false), payload: udp(500, 500, fakeIke(2)) });
    const s = scanCapture(captureOf(229, later, atomic));
    expect(s.ike.map((d) => d.frame)).toEqual([2]);
    expect(s.notes).toMatchObject([{ frame: 1, kind: 'fragment' }]);
  });

  it('an extension header longer than the packet is a typed error, noted as malformed (or thrown when strict)', () => {
    const pkt = ipv6({ src: V6_A, dst: V6_B, nextHeader: 0, extensions: new Uint8Array([17, 9, 0, 0, 0, 0, 0, 0]), payload: new Uint8Array(0) });
    const s = scanCapture(captureOf(229, pkt));
    expect(s.notes[0]).toMatchObject({ frame: 1, kind: 'malformed' });
    expect(s.notes[0].error).toBeInstanceOf(CaptureParseError);
    expect(() => scanCapture(captureOf(229, pkt), { strict: true })).toThrowError(CaptureParseError);
  });

  it('rejects IHL below 5 and a version that does not match the link layer', () => {
    const bad = ikeV4(1);
    bad[0] = 0x44;
    expect(() => scanCapture(captureOf(1, ethernet(bad)), { strict: true })).toThrowError(/IHL 4/);
    expect(() => scanCapture(captureOf(1, ethernet(ikeV4(1), 0x86dd)), { strict: true })).toThrowError(/Version 4, expected 6/);
  });
});

describe('IKE and ESP on UDP (RFC 7296 section 2.23, RFC 3948)', () => {
  it('RFC 3948 section 2.2: on 4500 the non-ESP marker is stripped and flagged', () => {
    const f = ipv4({ src: A, dst: B, protocol: 17, payload: udp(4500, 4500, concatBytes(new Uint8Array(4), fakeIke(1))) });
    const [d] = scanCapture(captureOf(101, f)).ike;
    expect(d.nonEspMarker).toBe(true);
    expect(d.ike).toEqual(fakeIke(1));
  });

  it('RFC 3948 section 2.3: a one-byte 0xFF NAT-keepalive is dropped and noted', () => {
    const f = ipv4({ src: A, dst: B, protocol: 17, payload: udp(51234, 4500, new Uint8Array([0xff])) });
    const s = scanCapture(captureOf(101, f));
    expect(s.ike).toEqual([]);
    expect(s.esp).toEqual([]);
    expect(s.notes).toMatchObject([{ frame: 1, kind: 'nat-keepalive' }]);
  });

  it('RFC 3948 section 2.2: a non-zero first word on 4500 is an ESP SPI; ESP as IP protocol 50 is found too', () => {
    const esp = concatBytes(int(0xc254fe64, 4), int(7, 4), new Uint8Array(32).fill(0xaa));
    const inUdp = ipv4({ src: A, dst: B, protocol: 17, payload: udp(4500, 4500, esp) });
    const raw = ipv4({ src: A, dst: B, protocol: 50, payload: esp });
    const s = scanCapture(captureOf(101, inUdp, raw));
    expect(s.ike).toEqual([]);
    expect(s.esp).toMatchObject([
      { frame: 1, spi: 0xc254fe64, sequenceNumber: 7, udpEncapsulated: true, srcPort: 4500, dstPort: 4500 },
      { frame: 2, spi: 0xc254fe64, sequenceNumber: 7, udpEncapsulated: false },
    ]);
    expect(s.esp[1].esp).toEqual(esp);
  });

  it('RFC 3948 section 2.2: a 4500 datagram of 2 bytes is neither IKE, ESP nor a keepalive: malformed', () => {
    const f = ipv4({ src: A, dst: B, protocol: 17, payload: udp(4500, 4500, new Uint8Array([0, 0])) });
    const s = scanCapture(captureOf(101, f));
    expect(s.ike).toEqual([]);
    expect(s.notes).toMatchObject([{ frame: 1, kind: 'malformed' }]);
    expect(() => scanCapture(captureOf(101, f), { strict: true })).toThrowError(/neither IKE, ESP nor a NAT-keepalive/);
  });

  it('other UDP ports are ignored unless the caller names them', () => {
    const f = ikeV4(1, 7000, 7001);
    const n = ipv4({ src: A, dst: B, protocol: 17, payload: udp(9000, 9001, concatBytes(new Uint8Array(4), fakeIke(2))) });
    expect(scanCapture(captureOf(101, f, n)).ike).toEqual([]);
    const s = scanCapture(captureOf(101, f, n), { ikePorts: [7001], nattPorts: [9000] });
    expect(s.ike.map((d) => [d.frame, d.nonEspMarker])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('a datagram cut by the snap length is noted as truncated, not handed on', () => {
    const f = ethernet(ikeV4(1)).subarray(0, 60);
    const s = scanCapture(captureOf(1, f));
    expect(s.ike).toEqual([]);
    expect(s.notes).toMatchObject([{ frame: 1, kind: 'truncated' }]);
  });

  it('RFC 768: a UDP Length below 8 is malformed', () => {
    const payload = udp(500, 500, fakeIke(1));
    payload.set(int(7, 2), 4);
    const s = scanCapture(captureOf(101, ipv4({ src: A, dst: B, protocol: 17, payload })));
    expect(s.notes).toMatchObject([{ kind: 'malformed' }]);
    expect(s.notes[0].error?.payload).toBe('UDP header');
  });
});
