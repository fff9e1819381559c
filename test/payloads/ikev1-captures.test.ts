/**
 * Real IKEv1 captures from the Wireshark test suite (../shared/vectors/wireshark, see its README):
 * every ISAKMP datagram decodes, re-encodes to the same bytes, and carries the values that the
 * README and the captures' dissections name.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeMessageV1,
  decodePayloadChainV1,
  describeMessageV1,
  describePayloadV1,
  encodeMessageV1,
  identifyVendorId,
  ikeVersionOf,
  isEncryptedMessageV1,
  attributeNumberV1,
  type IkeV1Message,
  type PayloadV1,
  type SaPayloadV1,
} from '../../src/payloads/ikev1/index.js';
import { concatBytes, fromHex, toHex, utf8Decode } from '../../src/util/bytes.js';
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

/**
 * Decrypts every E-flagged message with the README's key table and the RFC 2409 Appendix B IVs
 * (phase 1: HASH(g^xi | g^xr); phase 2 / Informational / Transaction: HASH(last phase-1 CBC block |
 * M-ID); later messages chain from the previous message's last cipher block), then decodes the
 * plaintext chain with trailing padding allowed. The crypto here is node:crypto, test-only.
 */
function decryptedChains(file: string, cipher: 'des-ede3-cbc' | 'aes-256-cbc', hash: 'md5' | 'sha256'): PayloadV1[][] {
  const table = readFileSync(join(dir!, 'ikev1_decryption_table.tmpl'), 'utf8');
  const blockSize = cipher === 'aes-256-cbc' ? 16 : 8;
  const out: PayloadV1[][] = [];
  const ke: Uint8Array[] = [];
  let phase1Block: Uint8Array | undefined;
  const chainByMid = new Map<number, Uint8Array>();
  const seen = new Set<string>();
  for (const d of udpPayloads(join(dir!, file))) {
    const m = decodeMessageV1(d);
    if (!isEncryptedMessageV1(m)) {
      for (const p of m.payloads) if (p.type === 4) ke.push(p.keyExchangeData);
      continue;
    }
    // A retransmission repeats the ciphertext (and its IV); it does not advance the CBC chain.
    if (seen.has(toHex(m.encrypted))) continue;
    seen.add(toHex(m.encrypted));
    const line = table.split('\n').find((l) => l.startsWith(toHex(m.header.initiatorCookie)));
    const key = fromHex(line!.split(',')[1].trim());
    const digest = (data: Uint8Array) => new Uint8Array(createHash(hash).update(data).digest()).subarray(0, blockSize);
    const mid = m.header.messageId;
    let iv: Uint8Array;
    if (mid === 0) iv = phase1Block ?? digest(concatBytes(ke[0], ke[1]));
    else iv = chainByMid.get(mid) ?? digest(concatBytes(phase1Block ?? digest(concatBytes(ke[0], ke[1])), fromHex(mid.toString(16).padStart(8, '0'))));
    const d2 = createDecipheriv(cipher, key, iv).setAutoPadding(false);
    const plain = new Uint8Array(Buffer.concat([d2.update(m.encrypted), d2.final()]));
    const last = m.encrypted.slice(-blockSize);
    if (mid === 0) phase1Block = last;
    else chainByMid.set(mid, last);
    const chain = decodePayloadChainV1(plain, m.firstPayload, { allowTrailingPadding: true });
    expect(chain.paddingLength).toBeLessThan(64);
    out.push(chain.payloads);
  }
  return out;
}

describe.skipIf(!dir)('IKEv1 captures, decrypted (RFC 2409 Appendix B), payload chains with padding', () => {
  it('ikev1-bug-12610: every encrypted message decodes; the asserted HASH is present (README)', () => {
    const chains = decryptedChains('ikev1-bug-12610.pcapng.gz', 'aes-256-cbc', 'sha256');
    expect(chains).toHaveLength(12);
    const hashes = chains.flat().flatMap((p) => (p.type === 8 ? [toHex(p.hash)] : []));
    expect(hashes.some((x) => x.includes('b52521f774967402c9f6cee95fd17e5b'))).toBe(true);
    // Transaction exchanges carry Mode-Config / XAUTH Attribute payloads (type 14).
    const attrs = chains.flat().filter((p) => p.type === 14);
    expect(attrs.length).toBeGreaterThan(0);
    const trace = chains.flat().flatMap((p) => describePayloadV1(p)).join('\n');
    expect(trace).toMatch(/XAUTH_|INTERNAL_IP4_ADDRESS/);
  });

  it('ikev1-bug-12620: Informational HASH 40043b64... is present (README)', () => {
    const chains = decryptedChains('ikev1-bug-12620.pcapng.gz', 'aes-256-cbc', 'sha256');
    expect(chains.length).toBe(7);
    const hashes = chains.flat().flatMap((p) => (p.type === 8 ? [toHex(p.hash)] : []));
    expect(hashes.some((x) => x.includes('40043b640f4373250d5ac3a1fb63153c'))).toBe(true);
  });

  it('ikev1-certs: Main Mode 5/6 carry ID, CERT and SIG; the certificate names OpenSwan (README)', () => {
    const chains = decryptedChains('ikev1-certs.pcap', 'des-ede3-cbc', 'md5');
    expect(chains).toHaveLength(5); // 6 encrypted datagrams, one a Quick Mode retransmission
    const [mm5] = chains;
    expect(mm5.map((p) => p.type)).toEqual(expect.arrayContaining([5, 6, 9]));
    const cert = mm5.find((p) => p.type === 6);
    expect(cert && cert.type === 6 && utf8Decode(cert.data).includes('OpenSwan')).toBe(true);
  });
});
