/**
 * The real captures of the Wireshark test suite (../shared/vectors/wireshark, read in place):
 * the capture reader finds the frames the README there lists, every IKE message decodes with the
 * IKEv2 or IKEv1 codec, and re-encodes to the same bytes (SK payloads and IKEv1 encrypted bodies
 * stay opaque). Expected values come from that README, the key tables beside the captures, and the
 * RFC registries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/node/pcap.js';
import { scanCapture, type IkeDatagram } from '../../src/pcap/index.js';
import { decodeMessageV1, encodeMessageV1, isEncryptedMessageV1, type IkeV1Message } from '../../src/payloads/ikev1/message.js';
import type { KnownPayloadV1, NatDPayloadV1, PayloadV1 } from '../../src/payloads/ikev1/types.js';
import { decodeMessageV2, encodeMessageV2, type IkeV2Message } from '../../src/payloads/ikev2/message.js';
import type { PayloadV2, SaPayload } from '../../src/payloads/ikev2/types.js';
import { concatBytes, toHex } from '../../src/util/bytes.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');

// RFC 7296 section 3.1 / IANA "IKEv2 Exchange Types".
const IKE_SA_INIT = 34;
const IKE_AUTH = 35;
const INFORMATIONAL = 37;
// RFC 2408 section 3.1 / RFC 2409 / draft-dukes-ike-mode-cfg: ISAKMP Exchange Types.
const MAIN = 2;
const AGGRESSIVE = 4;
const INFO_V1 = 5;
const TRANSACTION = 6;
const QUICK = 32;

interface V2Facts {
  frames: number;
  spiI: string;
  exchanges: number[];
  /** ENCR transform ID and Key Length attribute (RFC 7296 section 3.3.2, IANA Transform Type 1). */
  encr: [number, number | undefined];
  integ?: number;
  group: number;
  keLength: number;
}

const SIX = [IKE_SA_INIT, IKE_SA_INIT, IKE_AUTH, IKE_AUTH, INFORMATIONAL, INFORMATIONAL];
const FOUR = SIX.slice(0, 4);

/** From the README table: frame counts, exchanges, algorithms, SPIi of the key-table line. */
const V2: Record<string, V2Facts> = {
  'ikev2-decrypt-3des-sha1_160.pcap': { frames: 6, spiI: '19ab98963486359f', exchanges: SIX, encr: [3, undefined], integ: 7, group: 14, keLength: 256 },
  'ikev2-decrypt-aes128ccm12.pcap': { frames: 6, spiI: 'ea684d21597afd36', exchanges: SIX, encr: [15, 128], group: 19, keLength: 64 },
  'ikev2-decrypt-aes128ccm12-2.pcap': { frames: 6, spiI: 'a2926ae833c6f138', exchanges: SIX, encr: [15, 128], group: 19, keLength: 64 },
  'ikev2-decrypt-aes192ctr.pcap': { frames: 6, spiI: '81f24c0acd8fa55c', exchanges: SIX, encr: [13, 192], integ: 14, group: 19, keLength: 64 },
  'ikev2-decrypt-aes256cbc.pcapng': { frames: 4, spiI: '191ccd371a7a1f7b', exchanges: FOUR, encr: [12, 256], integ: 12, group: 19, keLength: 64 },
  'ikev2-decrypt-aes256ccm16.pcapng': { frames: 4, spiI: 'cd7ae76304b277e2', exchanges: FOUR, encr: [16, 256], group: 19, keLength: 64 },
  'ikev2-decrypt-aes256gcm16.pcap': { frames: 6, spiI: '0158b8fb90b7623d', exchanges: SIX, encr: [20, 256], group: 19, keLength: 64 },
  'ikev2-decrypt-aes256gcm8.pcap': { frames: 6, spiI: '5d48bfeeb7d574da', exchanges: SIX, encr: [18, 256], group: 19, keLength: 64 },
};

interface V1Facts {
  frames: number;
  cookieI: string;
  exchanges: number[];
  hosts: [string, string];
}

const V1: Record<string, V1Facts> = {
  'ikev1-certs.pcap': {
    frames: 10,
    cookieI: 'fafaeb49382a763c',
    exchanges: [MAIN, MAIN, MAIN, MAIN, MAIN, MAIN, QUICK, QUICK, QUICK, QUICK],
    hosts: ['192.168.12.118', '172.16.1.103'],
  },
  'ikev1-bug-12610.pcapng.gz': {
    frames: 16,
    cookieI: 'ab3e0f1f8bc3be8e',
    exchanges: [MAIN, MAIN, MAIN, MAIN, MAIN, MAIN, TRANSACTION, INFO_V1, TRANSACTION, TRANSACTION, TRANSACTION, TRANSACTION, TRANSACTION, QUICK, QUICK, QUICK],
    hosts: ['192.168.0.100', '192.168.0.1'],
  },
  'ikev1-bug-12620.pcapng.gz': {
    frames: 10,
    cookieI: '29f6006212625def',
    exchanges: [AGGRESSIVE, AGGRESSIVE, AGGRESSIVE, INFO_V1, TRANSACTION, TRANSACTION, TRANSACTION, TRANSACTION, TRANSACTION, TRANSACTION],
    hosts: ['192.168.0.100', '192.168.0.1'],
  },
};

function datagrams(file: string): IkeDatagram[] {
  const scan = scanCapture(readCaptureFile(join(dir!, file)), { strict: true });
  expect(scan.notes).toEqual([]);
  expect(scan.esp).toEqual([]);
  return scan.ike;
}

/** The key table's rows: first column SPIi / CKY-I, second SPIr (IKEv2) or key (IKEv1). */
function keyTable(name: string): string[][] {
  return readFileSync(join(dir!, name), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(','));
}

const v2Payloads = <T extends number>(m: IkeV2Message, type: T) => m.payloads.filter((p): p is Extract<PayloadV2, { type: T }> => p.type === type);
const v1Payloads = <T extends number>(m: IkeV1Message, type: T) =>
  isEncryptedMessageV1(m) ? [] : m.payloads.filter((p): p is Extract<KnownPayloadV1, { type: T }> => p.type === type);
const port = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
const ip4 = (s: string) => new Uint8Array(s.split('.').map(Number));

describe.skipIf(!dir)('Wireshark IKEv2 captures: find, decode, re-encode (RFC 7296)', () => {
  for (const [file, facts] of Object.entries(V2)) {
    describe(file, () => {
      it(`has the README's ${facts.frames} IKE frames on UDP 500 between 192.168.1.2 and 192.168.1.14`, () => {
        const ds = datagrams(file);
        expect(ds.map((d) => d.frame)).toEqual(Array.from({ length: facts.frames }, (_, i) => i + 1));
        for (const d of ds) {
          expect([d.src, d.dst].sort()).toEqual(['192.168.1.14', '192.168.1.2']);
          expect([d.srcPort, d.dstPort, d.nonEspMarker]).toEqual([500, 500, false]);
        }
      });

      it('every message decodes and re-encodes to the captured bytes; SK is last and opaque (section 3.14)', () => {
        for (const d of datagrams(file)) {
          const m = decodeMessageV2(d.ike);
          expect(toHex(encodeMessageV2(m))).toBe(toHex(d.ike));
          if (m.header.exchangeType !== IKE_SA_INIT) {
            expect(m.payloads.map((p) => p.type)).toEqual([46]);
          }
        }
      });

      it("exchange types per frame, and the IKE SA SPIs are the key table's first two columns", () => {
        const msgs = datagrams(file).map((d) => decodeMessageV2(d.ike));
        expect(msgs.map((m) => m.header.exchangeType)).toEqual(facts.exchanges);
        expect(toHex(msgs[0].header.spiI)).toBe(facts.spiI);
        // Section 3.1: the responder's SPI is zero in the first IKE_SA_INIT request.
        expect(toHex(msgs[0].header.spiR)).toBe('0000000000000000');
        const spiR = toHex(msgs[1].header.spiR);
        const row = keyTable('ikev2_decryption_table.tmpl').find((r) => r[0] === facts.spiI);
        expect(row?.[1]).toBe(spiR);
        for (const m of msgs.slice(1)) expect([toHex(m.header.spiI), toHex(m.header.spiR)]).toEqual([facts.spiI, spiR]);
        // Section 3.1: requests and responses alternate (R flag), Message IDs 0, 1, 2.
        expect(msgs.map((m) => m.header.flags.response)).toEqual(msgs.map((_, i) => i % 2 === 1));
      });

      it('IKE_SA_INIT: one IKE proposal with the README algorithms, PRF HMAC-SHA2-256, KE of the group size, 32-byte nonces', () => {
        const [req, resp] = datagrams(file).map((d) => decodeMessageV2(d.ike));
        for (const m of [req, resp]) {
          const [sa] = v2Payloads(m, 33) as SaPayload[];
          expect(sa.proposals).toHaveLength(1);
          const t = sa.proposals[0].transforms;
          const byType = (type: number) => t.filter((x) => x.transformType === type);
          expect(sa.proposals[0].protocolId).toBe(1); // IKE
          expect(byType(1).map((x) => x.transformId)).toEqual([facts.encr[0]]);
          const keyLength = byType(1)[0].attributes.find((a) => a.type === 14)?.value;
          expect(keyLength).toBe(facts.encr[1]);
          expect(byType(2).map((x) => x.transformId)).toEqual([5]); // PRF_HMAC_SHA2_256
          expect(byType(3).map((x) => x.transformId)).toEqual(facts.integ ? [facts.integ] : []);
          expect(byType(4).map((x) => x.transformId)).toEqual([facts.group]);
          const [ke] = v2Payloads(m, 34);
          expect([ke.group, ke.keyExchangeData.length]).toEqual([facts.group, facts.keLength]);
          expect(v2Payloads(m, 40)[0].nonce).toHaveLength(32);
        }
      });

      it('section 2.23: NAT_DETECTION_SOURCE_IP / DESTINATION_IP are SHA-1(SPIi | SPIr | IP | port) of the captured addresses', () => {
        const ds = datagrams(file);
        for (const d of ds.slice(0, 2)) {
          const m = decodeMessageV2(d.ike);
          const spis = concatBytes(m.header.spiI, m.header.spiR);
          const notify = (type: number) => v2Payloads(m, 41).filter((n) => n.notifyType === type);
          const [src] = notify(16388);
          const [dst] = notify(16389);
          expect(toHex(src.data)).toBe(toHex(sha1(concatBytes(spis, ip4(d.src), port(d.srcPort)))));
          expect(toHex(dst.data)).toBe(toHex(sha1(concatBytes(spis, ip4(d.dst), port(d.dstPort)))));
        }
      });
    });
  }

  it('responder-initiated INFORMATIONAL in the GCM captures: I flag clear, Message ID 0, answered with I and R set', () => {
    for (const file of ['ikev2-decrypt-aes256gcm16.pcap', 'ikev2-decrypt-aes256gcm8.pcap']) {
      const msgs = datagrams(file).map((d) => decodeMessageV2(d.ike));
      expect(msgs[4].header).toMatchObject({ exchangeType: INFORMATIONAL, messageId: 0, flags: { initiator: false, response: false } });
      expect(msgs[5].header).toMatchObject({ exchangeType: INFORMATIONAL, messageId: 0, flags: { initiator: true, response: true } });
    }
  });
});

describe.skipIf(!dir)('Wireshark IKEv1 captures: find, decode, re-encode (RFC 2408, RFC 2409)', () => {
  for (const [file, facts] of Object.entries(V1)) {
    describe(file, () => {
      it(`has the README's ${facts.frames} ISAKMP frames between ${facts.hosts.join(' and ')}`, () => {
        const ds = datagrams(file);
        expect(ds).toHaveLength(facts.frames);
        for (const d of ds) expect([d.src, d.dst].sort()).toEqual([...facts.hosts].sort());
      });

      it('every message decodes and re-encodes to the captured bytes; encrypted bodies stay opaque', () => {
        for (const d of datagrams(file)) {
          const m = decodeMessageV1(d.ike);
          expect(toHex(encodeMessageV1(m))).toBe(toHex(d.ike));
          // RFC 2408 section 3.1: E flag set means the payloads after the header are ciphertext.
          expect(isEncryptedMessageV1(m)).toBe(m.header.flags.encryption);
        }
      });

      it("exchange types per frame, and CKY-I is the key table's first column", () => {
        const msgs = datagrams(file).map((d) => decodeMessageV1(d.ike));
        expect(msgs.map((m) => m.header.exchangeType)).toEqual(facts.exchanges);
        for (const m of msgs) expect(toHex(m.header.initiatorCookie)).toBe(facts.cookieI);
        expect(keyTable('ikev1_decryption_table.tmpl').map((r) => r[0])).toContain(facts.cookieI);
        // RFC 2408 section 3.1: the responder cookie is zero only in the very first message.
        expect(toHex(msgs[0].header.responderCookie)).toBe('0000000000000000');
        expect(toHex(msgs[1].header.responderCookie)).not.toBe('0000000000000000');
      });
    });
  }

  /** Phase 1 attributes of a transform as {type: value}, TV values read as numbers (RFC 2409 Appendix A). */
  function phase1(m: IkeV1Message, index = 0): Record<number, number> {
    const [sa] = v1Payloads(m, 1);
    const t = sa.proposals[0].transforms[index];
    expect(t.transformId).toBe(1); // KEY_IKE
    return Object.fromEntries(t.attributes.filter((a) => a.form === 'TV').map((a) => [a.type, (a.value[0] << 8) | a.value[1]]));
  }

  it('ikev1-bug-12610: MM1 offers 12 transforms; MM2 picks AES-CBC-256 / SHA2-256 / XAUTHInitPreShared / group 2', () => {
    const msgs = datagrams('ikev1-bug-12610.pcapng.gz').map((d) => decodeMessageV1(d.ike));
    const [offer] = v1Payloads(msgs[0], 1);
    expect(offer.proposals).toHaveLength(1);
    expect(offer.proposals[0].transforms).toHaveLength(12);
    const [answer] = v1Payloads(msgs[1], 1);
    expect(answer.proposals[0].transforms).toHaveLength(1);
    // Attribute types 1 Encryption, 2 Hash, 3 Authentication Method, 4 Group Description, 14 Key Length.
    expect(phase1(msgs[1])).toMatchObject({ 1: 7, 14: 256, 2: 4, 3: 65001, 4: 2, 11: 1, 12: 28800 });
  });

  it('ikev1-bug-12610: MM2 carries the RFC 3947 NAT-T, DPD and XAUTH vendor IDs; MM3/MM4 carry NAT-D (RFC 3947 section 3.2)', () => {
    const ds = datagrams('ikev1-bug-12610.pcapng.gz');
    const msgs = ds.map((d) => decodeMessageV1(d.ike));
    const vids = v1Payloads(msgs[1], 13).map((v) => toHex(v.vendorId));
    expect(vids).toContain('4a131c81070358455c5728f20e95452f'); // MD5("RFC 3947")
    expect(vids).toContain('afcad71368a1f1c96b8696fc77570100'); // RFC 3706 DPD
    expect(vids).toContain('09002689dfd6b712'); // XAUTH
    // Section 3.2: HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (SHA2-256 here); the
    // first NAT-D is the peer's address, then one's own. No NAT here, so every hash matches.
    for (const i of [2, 3]) {
      const m = msgs[i];
      const cookies = concatBytes(m.header.initiatorCookie, m.header.responderCookie);
      const natd = (v1Payloads(m, 20) as unknown as NatDPayloadV1[]).map((p) => toHex(p.hash));
      const d = ds[i];
      expect(natd).toEqual([
        toHex(sha256(concatBytes(cookies, ip4(d.dst), port(d.dstPort)))),
        toHex(sha256(concatBytes(cookies, ip4(d.src), port(d.srcPort)))),
      ]);
    }
  });

  it('ikev1-bug-12620: Aggressive Mode in the clear; AM2 has SA, KE, Nonce, ID, VIDs, NAT-D and HASH_R', () => {
    const msgs = datagrams('ikev1-bug-12620.pcapng.gz').map((d) => decodeMessageV1(d.ike));
    expect(msgs.slice(0, 3).map((m) => m.header.flags.encryption)).toEqual([false, false, false]);
    const types = (m: IkeV1Message) => (isEncryptedMessageV1(m) ? [] : m.payloads.map((p: PayloadV1) => p.type));
    expect(types(msgs[1])).toEqual([1, 4, 10, 5, 13, 13, 13, 20, 20, 8]);
    expect(phase1(msgs[1])).toMatchObject({ 1: 7, 14: 256, 2: 4, 3: 65001, 4: 2 });
    expect(v1Payloads(msgs[1], 4)[0].keyExchangeData).toHaveLength(128); // group 2: 1024-bit MODP
  });

  it('ikev1-certs: 3DES / MD5 / RSA signatures / group 2, a CR in MM4, and frame 8 retransmits frame 7', () => {
    const ds = datagrams('ikev1-certs.pcap');
    const msgs = ds.map((d) => decodeMessageV1(d.ike));
    expect(phase1(msgs[0])).toMatchObject({ 1: 5, 2: 1, 3: 3, 4: 2 });
    expect(phase1(msgs[1])).toMatchObject({ 1: 5, 2: 1, 3: 3, 4: 2 });
    expect(v1Payloads(msgs[3], 7)).toHaveLength(1);
    expect(msgs.map((m) => m.header.flags.encryption)).toEqual([false, false, false, false, true, true, true, true, true, true]);
    expect(toHex(ds[7].ike)).toBe(toHex(ds[6].ike));
    expect(ds[0].src).toBe('192.168.12.118');
  });
});

describe.skipIf(!dir)('Wireshark ESP capture (RFC 4303)', () => {
  it('esp-bug-12671: 6 ESP packets and no IKE; SPIs and directions are those of esp_sa.tmpl', () => {
    const scan = scanCapture(readCaptureFile(join(dir!, 'esp-bug-12671.pcapng.gz')), { strict: true });
    expect(scan.ike).toEqual([]);
    expect(scan.notes).toEqual([]);
    expect(scan.esp).toHaveLength(6);
    const sas = keyTable('esp_sa.tmpl').map((r) => r.map((c) => c.replace(/"/g, '')));
    for (const p of scan.esp) {
      expect(p.udpEncapsulated).toBe(false);
      const sa = sas.find((r) => r[1] === p.src && r[2] === p.dst);
      expect(sa && Number(sa[3])).toBe(p.spi);
    }
    // RFC 4303 section 2.2: each SA's Sequence Number counts up from 1.
    expect(scan.esp.map((p) => p.sequenceNumber)).toEqual([1, 1, 2, 2, 3, 3]);
  });
});

describe.skipIf(!dir)('capture files on disk', () => {
  it('gzip is recognised by the 1f 8b magic, and the gunzipped pcapng parses the same', async () => {
    const { readMaybeGzipped } = await import('../../src/node/pcap.js');
    const raw = readFileSync(join(dir!, 'ikev1-bug-12610.pcapng.gz'));
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    const bytes = readMaybeGzipped(join(dir!, 'ikev1-bug-12610.pcapng.gz'));
    expect([...bytes.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
    const plain = readMaybeGzipped(join(dir!, 'ikev1-certs.pcap'));
    expect(plain).toEqual(new Uint8Array(readFileSync(join(dir!, 'ikev1-certs.pcap'))));
  });
});
