/**
 * Known answers from real captures (the Wireshark decryption test captures in the shared folder,
 * read in place): NAT detection hashes carried in IKEv2 IKE_SA_INIT (RFC 7296 section 2.23) and
 * IKEv1 Main Mode NAT-D payloads (RFC 3947 section 3.2), and the IKEv1 IVs of RFC 2409 Appendix B,
 * checked by decrypting Phase 1, Phase 2, Informational and Transaction messages with the
 * published cipher keys (node:crypto as an independent cipher) and finding valid payload chains.
 */
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import type { HashName } from '../../src/crypto/provider.js';
import { natDetectionHash, natDetectionHashV1, phase1IvV1, phase2IvV1 } from '../../src/keys/index.js';
import { extractIkeDatagrams, type IkeDatagram } from '../../src/pcap/index.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');

function datagrams(name: string): IkeDatagram[] {
  let buf = new Uint8Array(readFileSync(join(dir!, name)));
  if (name.endsWith('.gz')) buf = new Uint8Array(gunzipSync(buf));
  return extractIkeDatagrams(buf);
}

const ipv4 = (s: string): Uint8Array => Uint8Array.from(s.split('.').map(Number));
const u16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];

/** Payloads of an unencrypted message: [type, body]. */
function payloads(msg: Uint8Array, first = msg[16], start = 28): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (let t = first, o = start; t !== 0; ) {
    const len = u16(msg, o + 2);
    out.push([t, msg.subarray(o + 4, o + len)]);
    t = msg[o];
    o += len;
  }
  return out;
}

describe.skipIf(!dir)('NAT detection hashes in real captures', () => {
  it('IKEv2 IKE_SA_INIT: NAT_DETECTION_SOURCE_IP / _DESTINATION_IP = SHA-1(SPIi | SPIr | IP | Port) (RFC 7296 section 2.23)', () => {
    const [req, resp] = datagrams('ikev2-decrypt-aes256gcm16.pcap');
    for (const d of [req, resp]) {
      const m = d.ike;
      const spiI = m.subarray(0, 8);
      const spiR = m.subarray(8, 16);
      const notifies = new Map<number, string>();
      for (const [type, body] of payloads(m)) if (type === 41) notifies.set(u16(body, 2), toHex(body.subarray(4 + body[1])));
      expect(notifies.get(16388)).toBe(toHex(natDetectionHash(sha1, spiI, spiR, ipv4(d.src), d.srcPort)));
      expect(notifies.get(16389)).toBe(toHex(natDetectionHash(sha1, spiI, spiR, ipv4(d.dst), d.dstPort)));
    }
    // The request's SPIr is zero (RFC 7296 section 2.23).
    expect(toHex(req.ike.subarray(8, 16))).toBe('0000000000000000');
  });

  it('IKEv1 Main Mode: NAT-D = HASH(CKY-I | CKY-R | IP | Port), peer address first (RFC 3947 section 3.2)', () => {
    const all = datagrams('ikev1-bug-12610.pcapng.gz'); // SHA2-256 negotiated
    for (const d of [all[2], all[3]]) {
      const m = d.ike;
      const natd = payloads(m).filter(([t]) => t === 20).map(([, b]) => toHex(b));
      expect(natd).toEqual([
        toHex(natDetectionHashV1(sha256, m.subarray(0, 8), m.subarray(8, 16), ipv4(d.dst), d.dstPort)),
        toHex(natDetectionHashV1(sha256, m.subarray(0, 8), m.subarray(8, 16), ipv4(d.src), d.srcPort)),
      ]);
    }
  });
});

interface V1Case {
  file: string;
  cipher: 'des-ede3-cbc' | 'aes-256-cbc';
  blockSize: number;
  hash: HashName;
  hashLength: number;
}

/** Walks a decrypted ISAKMP payload chain (RFC 2408 section 3.2); returns the payload types or throws. */
function chain(plain: Uint8Array, first: number): number[] {
  const types: number[] = [];
  let o = 0;
  for (let t = first; t !== 0; ) {
    if (o + 4 > plain.length || plain[o + 1] !== 0) throw new Error(`bad generic header at ${o}`);
    const len = u16(plain, o + 2);
    if (len < 4 || o + len > plain.length) throw new Error(`bad payload length ${len} at ${o}`);
    types.push(t);
    t = plain[o];
    o += len;
  }
  return types;
}

describe.skipIf(!dir)('IKEv1 IVs against real captures (RFC 2409 Appendix B)', () => {
  const table = new Map<string, Uint8Array>();
  if (dir) {
    for (const line of readFileSync(join(dir, 'ikev1_decryption_table.tmpl'), 'utf8').split('\n')) {
      const m = /^([0-9a-f]{16}),([0-9a-f]+)$/.exec(line.trim());
      if (m) table.set(m[1], fromHex(m[2]));
    }
  }

  const cases: V1Case[] = [
    { file: 'ikev1-certs.pcap', cipher: 'des-ede3-cbc', blockSize: 8, hash: 'md5', hashLength: 16 },
    { file: 'ikev1-bug-12610.pcapng.gz', cipher: 'aes-256-cbc', blockSize: 16, hash: 'sha256', hashLength: 32 },
  ];

  for (const c of cases) {
    it(`${c.file}: Phase 1 IV = ${c.hash}(g^xi | g^xr), Phase 2 IV = ${c.hash}(last Phase 1 block | M-ID)`, () => {
      const msgs = datagrams(c.file).map((d) => d.ike);
      const key = table.get(toHex(msgs[0].subarray(0, 8)))!;
      const decrypt = (m: Uint8Array, iv: Uint8Array): Uint8Array => {
        const d = createDecipheriv(c.cipher, key, iv).setAutoPadding(false);
        return new Uint8Array(Buffer.concat([d.update(m.subarray(28)), d.final()]));
      };
      const lastBlock = (m: Uint8Array): Uint8Array => m.slice(m.length - c.blockSize);
      // Main Mode messages 3 and 4 carry KE in the clear (RFC 2409 section 5).
      const gxi = payloads(msgs[2]).find(([t]) => t === 4)![1];
      const gxr = payloads(msgs[3]).find(([t]) => t === 4)![1];
      const iv1 = phase1IvV1(c.hash, gxi, gxr, c.blockSize);
      const hashFn = { md5, sha256 }[c.hash as 'md5' | 'sha256'];
      expect(toHex(iv1)).toBe(toHex(hashFn(new Uint8Array([...gxi, ...gxr])).slice(0, c.blockSize)));
      // Message 5 starts with IDii (5); message 6 chains CBC from message 5.
      expect(chain(decrypt(msgs[4], iv1), msgs[4][16])[0]).toBe(5);
      expect(chain(decrypt(msgs[5], lastBlock(msgs[4])), msgs[5][16])[0]).toBe(5);
      const phase1Last = lastBlock(msgs[5]);
      // Every later exchange starts from hash(last Phase 1 block | M-ID) and begins with HASH (8) of prf length.
      const seen = new Map<string, Uint8Array>();
      const retransmitted = new Set<string>();
      let checked = 0;
      for (const m of msgs.slice(6)) {
        // A retransmission repeats its bytes and does not advance the CBC chain.
        if (retransmitted.has(toHex(m))) continue;
        retransmitted.add(toHex(m));
        const mid = toHex(m.subarray(20, 24));
        const iv = seen.get(mid) ?? phase2IvV1(c.hash, phase1Last, fromHex(mid), c.blockSize);
        const plain = decrypt(m, iv);
        const types = chain(plain, m[16]);
        expect(types[0]).toBe(8);
        expect(u16(plain, 2)).toBe(4 + c.hashLength);
        if (!seen.has(mid)) {
          expect(toHex(iv)).toBe(toHex(phase2IvV1(c.hash, phase1Last, Number.parseInt(mid, 16), c.blockSize)));
          checked++;
        }
        seen.set(mid, lastBlock(m));
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
