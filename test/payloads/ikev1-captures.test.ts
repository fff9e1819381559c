/**
 * Real IKEv1 captures from the Wireshark test suite (../shared/vectors/wireshark, see its README):
 * every ISAKMP datagram decodes, re-encodes to the same bytes, and carries the values that the
 * README and the captures' dissections name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeMessageV1,
  describeMessageV1,
  encodeMessageV1,
  identifyVendorId,
  ikeVersionOf,
  isEncryptedMessageV1,
  attributeNumberV1,
  type IkeV1Message,
  type SaPayloadV1,
} from '../../src/payloads/ikev1/index.js';
import { toHex } from '../../src/util/bytes.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');

/** Minimal pcap / pcapng walker: Ethernet (1) or raw IP (101) frames, IPv4/IPv6 UDP payloads. */
function udpPayloads(file: string): Uint8Array[] {
  let data = new Uint8Array(readFileSync(file));
  if (file.endsWith('.gz')) data = new Uint8Array(gunzipSync(data));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const frames: Array<[number, Uint8Array]> = [];
  const magic = dv.getUint32(0, false);
  if (magic === 0xd4c3b2a1 || magic === 0xa1b2c3d4) {
    const le = magic === 0xd4c3b2a1;
    const linkType = dv.getUint32(20, le);
    for (let o = 24; o + 16 <= data.length; ) {
      const caplen = dv.getUint32(o + 8, le);
      frames.push([linkType, data.subarray(o + 16, o + 16 + caplen)]);
      o += 16 + caplen;
    }
  } else {
    let le = true;
    const links: number[] = [];
    for (let o = 0; o + 12 <= data.length; ) {
      if (dv.getUint32(o, true) === 0x0a0d0d0a) le = dv.getUint32(o + 8, true) === 0x1a2b3c4d;
      const type = dv.getUint32(o, le);
      const len = dv.getUint32(o + 4, le);
      if (type === 1) links.push(dv.getUint16(o + 8, le));
      if (type === 6) {
        const iface = dv.getUint32(o + 8, le);
        const caplen = dv.getUint32(o + 20, le);
        frames.push([links[iface], data.subarray(o + 28, o + 28 + caplen)]);
      }
      o += len;
    }
  }
  const out: Uint8Array[] = [];
  for (const [link, frame] of frames) {
    let p = link === 1 ? frame.subarray(14) : frame;
    let proto: number;
    if (p[0] >> 4 === 4) {
      proto = p[9];
      p = p.subarray((p[0] & 15) * 4, (p[2] << 8) | p[3]);
    } else {
      proto = p[6];
      p = p.subarray(40);
    }
    if (proto !== 17) continue;
    const udpLen = (p[4] << 8) | p[5];
    out.push(p.subarray(8, udpLen));
  }
  return out;
}

function sa(m: IkeV1Message): SaPayloadV1 {
  if (isEncryptedMessageV1(m)) throw new Error('encrypted');
  const p = m.payloads.find((x) => x.type === 1);
  if (!p || p.type !== 1) throw new Error('no SA');
  return p;
}

describe.skipIf(!dir)('IKEv1 Wireshark captures (RFC 2408 message format on real traffic)', () => {
  const files = ['ikev1-certs.pcap', 'ikev1-bug-12610.pcapng.gz', 'ikev1-bug-12620.pcapng.gz'];

  it.each(files)('%s: every datagram decodes as IKEv1 and re-encodes byte for byte', (f) => {
    const datagrams = udpPayloads(join(dir!, f));
    expect(datagrams.length).toBeGreaterThanOrEqual(10);
    for (const d of datagrams) {
      expect(ikeVersionOf(d)).toBe(1);
      const m = decodeMessageV1(d);
      expect(toHex(encodeMessageV1(m))).toBe(toHex(d));
      expect(describeMessageV1(m)).toContain('ISAKMP');
    }
  });

  it('ikev1-certs.pcap: Main Mode offers 3DES / MD5 / RSA signatures / group 2 (README table)', () => {
    const [first] = udpPayloads(join(dir!, 'ikev1-certs.pcap'));
    const m = decodeMessageV1(first);
    expect(toHex(m.header.initiatorCookie)).toBe('fafaeb49382a763c');
    expect(m.header.exchangeType).toBe(2);
    const t = sa(m).proposals[0].transforms[0];
    const attr = (type: number) => attributeNumberV1(t.attributes.find((a) => a.type === type)!);
    expect(attr(1)).toBe(5); // 3DES_CBC
    expect(attr(2)).toBe(1); // MD5
    expect(attr(3)).toBe(3); // RSA_SIG
    expect(attr(4)).toBe(2); // MODP_1024
  });

  it('ikev1-bug-12610: 12 transforms offered, AES-CBC-256 / SHA2-256 / XAUTHInitPreShared / group 2', () => {
    const [first] = udpPayloads(join(dir!, 'ikev1-bug-12610.pcapng.gz'));
    const m = decodeMessageV1(first);
    const prop = sa(m).proposals[0];
    expect(prop.transforms).toHaveLength(12);
    const want = prop.transforms.find((t) =>
      [
        [1, 7],
        [14, 256],
        [2, 4],
        [3, 65001],
        [4, 2],
      ].every(([type, v]) => t.attributes.some((a) => a.type === type && attributeNumberV1(a) === v)),
    );
    expect(want).toBeDefined();
    const trace = describeMessageV1(m);
    expect(trace).toContain('AUTHENTICATION_METHOD = XAUTHInitPreShared');
    expect(trace).toContain('ENCRYPTION_ALGORITHM = AES_CBC');
  });

  it('vendor IDs in the captures are recognised by name', () => {
    const names = new Set<string>();
    for (const f of files) {
      for (const d of udpPayloads(join(dir!, f))) {
        const m = decodeMessageV1(d);
        if (isEncryptedMessageV1(m)) continue;
        for (const p of m.payloads) if (p.type === 13) names.add(identifyVendorId(p.vendorId)?.key ?? `?${toHex(p.vendorId)}`);
      }
    }
    expect([...names].some((n) => n === 'DPD' || n === 'XAUTH' || n.startsWith('NAT_T'))).toBe(true);
    console.log([...names].join(', '));
  });
});
