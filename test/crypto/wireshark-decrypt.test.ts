/**
 * Decrypts the real captures of the Wireshark test suite (../shared/vectors/wireshark, read in
 * place) with the key tables beside them, on both providers: every IKEv2 Encrypted payload
 * verifies and decrypts (RFC 7296 section 3.14, RFC 5282), every IKEv1 encrypted body decrypts with
 * the RFC 2409 Appendix B IVs, the inner payloads parse, and the AUTH / HASH values that the
 * folder's README lists (from Wireshark's suite_decryption.py) are found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptBodyV1 } from '../../src/crypto/ikev1-body.js';
import type { CryptoProvider, HashName, Integrity } from '../../src/crypto/provider.js';
import { pureProvider } from '../../src/crypto/pure.js';
import { openSk } from '../../src/crypto/sk.js';
import { IkeError } from '../../src/errors.js';
import { phase1IvV1, phase2IvV1 } from '../../src/keys/index.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { readCaptureFile } from '../../src/node/pcap.js';
import { EncrId, IntegId, PayloadType } from '../../src/payloads/iana/ikev2.js';
import { decodeMessageV1, decodePayloadChainV1, isEncryptedMessageV1 } from '../../src/payloads/ikev1/message.js';
import type { PayloadV1 } from '../../src/payloads/ikev1/types.js';
import { decodeMessageV2, decodePayloadChainV2 } from '../../src/payloads/ikev2/message.js';
import type { PayloadV2 } from '../../src/payloads/ikev2/types.js';
import { Reader } from '../../src/payloads/reader.js';
import { scanCapture } from '../../src/pcap/index.js';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.js';
import { sharedDir } from '../helpers/shared.js';

const dir = sharedDir('IKESTACK_WIRESHARK_DIR');

function table(name: string): string[][] {
  return readFileSync(join(dir!, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(','));
}

function ikeMessages(file: string): Uint8Array[] {
  return scanCapture(readCaptureFile(join(dir!, file)), { strict: true }).ike.map((d) => d.ike);
}

const providers: Array<[string, CryptoProvider]> = [
  ['pure', pureProvider],
  ['node', nodeProvider],
];

interface V2Case {
  encr: [number, number | undefined];
  integ?: number;
  /** The AUTH data the README lists, and whose IKE_AUTH message carries it. */
  auth: string;
  authBy: 'initiator' | 'responder';
}

// Transforms from the key table's algorithm column; AUTH values from the README table.
const V2: Record<string, V2Case> = {
  'ikev2-decrypt-3des-sha1_160.pcap': { encr: [EncrId.ENCR_3DES, undefined], integ: IntegId.AUTH_HMAC_SHA1_160, authBy: 'initiator', auth: '02f7a0d5f1fdc8ea81039818c65bb9bd09af9b8917319b887ff9ba3046c344c7' },
  'ikev2-decrypt-aes128ccm12.pcap': { encr: [EncrId.ENCR_AES_CCM_12, 128], authBy: 'responder', auth: 'c2104394299e1ffe7908ea720ad5d13717a0d454e4fa0a2128ea689411f479c4' },
  'ikev2-decrypt-aes192ctr.pcap': { encr: [EncrId.ENCR_AES_CTR, 192], integ: IntegId.AUTH_HMAC_SHA2_512_256, authBy: 'initiator', auth: '3ec23dcf9348485638407c754547aeb3085290082c49f583fdbae59263a20b4a' },
  'ikev2-decrypt-aes256cbc.pcapng': { encr: [EncrId.ENCR_AES_CBC, 256], integ: IntegId.AUTH_HMAC_SHA2_256_128, authBy: 'initiator', auth: 'e1a8d550064201a7ec024a85758d0673c61c5c510ac13bcd225d6327f50da3d3' },
  'ikev2-decrypt-aes256ccm16.pcapng': { encr: [EncrId.ENCR_AES_CCM_16, 256], authBy: 'initiator', auth: 'fa2e74bdc01e30fb0b3ddc9723c9449095969da51f69e560209d2c2b7940210a' },
  'ikev2-decrypt-aes256gcm16.pcap': { encr: [EncrId.ENCR_AES_GCM_16, 256], authBy: 'responder', auth: '9ab71f14ab553cad873a1aa70b99df155dee77cdcf3694b3b7527acbb9712ded' },
  'ikev2-decrypt-aes256gcm8.pcap': { encr: [EncrId.ENCR_AES_GCM_8, 256], authBy: 'initiator', auth: '4a66d822d0afbc22ad9a92a2cf4287c920ad8ac3b069a4a7e75fe0a5d499f914' },
};

const CCM12_2 = 'ikev2-decrypt-aes128ccm12-2.pcap';
const CCM12_2_AUTH = 'aaa281c87b4a19046c57271d557488ca413b57228cb951f5fa9640992a0285b9';

/** The key table's "ANY 96-bits of Authentication [No Checking]": skips the 12 ICV bytes unchecked. */
const noChecking96: Integrity = {
  id: 0,
  name: 'ANY 96-bits [No Checking]',
  keyLength: 0,
  icvLength: 12,
  compute: () => new Uint8Array(12),
  verify: () => true,
};

interface Opened {
  exchangeType: number;
  initiator: boolean;
  payloads: PayloadV2[];
}

/** Opens every SK payload after IKE_SA_INIT, with SK_ei/SK_ai or SK_er/SK_ar by the I flag (RFC 7296 section 3.1). */
function openAll(
  p: CryptoProvider,
  file: string,
  encrId: number,
  bits: number | undefined,
  integ: Integrity | undefined,
  encrKeyOf: (hex: string) => Uint8Array = fromHex,
): Opened[] {
  const messages = ikeMessages(file);
  const first = decodeMessageV2(messages[0]);
  const row = table('ikev2_decryption_table.tmpl').find((r) => r[0] === toHex(first.header.spiI));
  expect(row, 'key table row for SPIi').toBeDefined();
  const encr = p.encryption(encrId, bits);
  expect(encr).toBeDefined();
  const out: Opened[] = [];
  for (const message of messages) {
    const m = decodeMessageV2(message);
    if (m.header.exchangeType === 34) continue;
    expect(m.payloads.map((x) => x.type)).toEqual([PayloadType.SK]);
    const initiator = m.header.flags.initiator;
    const keys = {
      encrKey: encrKeyOf(initiator ? row![2] : row![3]),
      integKey: integ && integ.keyLength > 0 ? fromHex(initiator ? row![5] : row![6]) : integ ? new Uint8Array(0) : undefined,
    };
    const plaintext = openSk({ message, skOffset: 28, encr: encr!, integ, keys });
    const payloads = decodePayloadChainV2(Reader.of(plaintext, 'SK plaintext'), message[28]);
    out.push({ exchangeType: m.header.exchangeType, initiator, payloads });

    // One flipped bit in the last byte (ICV or tag) must not verify.
    if (integ !== noChecking96) {
      const bad = message.slice();
      bad[bad.length - 1] ^= 1;
      expect(() => openSk({ message: bad, skOffset: 28, encr: encr!, integ, keys })).toThrowError(
        expect.objectContaining({ kind: 'INTEGRITY_CHECK_FAILED' }) as IkeError,
      );
    }
  }
  return out;
}

function authOf(opened: Opened[], by: 'initiator' | 'responder'): string[] {
  return opened
    .filter((o) => o.exchangeType === 35 && o.initiator === (by === 'initiator'))
    .flatMap((o) => o.payloads.filter((x): x is Extract<PayloadV2, { type: 39 }> => x.type === 39))
    .map((a) => toHex(a.authData));
}

function checkIkeAuth(opened: Opened[]): void {
  // RFC 7296 section 1.2: IKE_AUTH request IDi, [CERT,] [IDr,] AUTH, SAi2, TSi, TSr; response IDr, AUTH, SAr2, TSi, TSr.
  const [req, resp] = opened.filter((o) => o.exchangeType === 35);
  for (const t of [35, 39, 33, 44, 45]) expect(req.payloads.map((x) => x.type)).toContain(t);
  for (const t of [36, 39, 33, 44, 45]) expect(resp.payloads.map((x) => x.type)).toContain(t);
}

describe.skipIf(!dir)('Wireshark IKEv2 captures: SK payloads verify, decrypt and parse', () => {
  describe.each(providers)('%s provider', (_n, p) => {
    for (const [file, c] of Object.entries(V2)) {
      it(`${file}: every ICV/tag verifies, inner payloads parse, ${c.authBy} AUTH is the README's`, () => {
        const integ = c.integ === undefined ? undefined : p.integrity(c.integ);
        if (c.integ !== undefined) expect(integ).toBeDefined();
        const opened = openAll(p, file, c.encr[0], c.encr[1], integ);
        checkIkeAuth(opened);
        expect(authOf(opened, c.authBy)).toEqual([c.auth]);
        // The INFORMATIONAL exchanges carry a Delete of the IKE SA (RFC 7296 section 1.4.1).
        const info = opened.filter((o) => o.exchangeType === 37);
        if (info.length) expect(info.flatMap((o) => o.payloads.map((x) => x.type))).toContain(PayloadType.D);
      });
    }

    it(`${CCM12_2}: as the key table describes it, AES-CTR-128 on key || 03 || salt, ICV skipped`, () => {
      const opened = openAll(p, CCM12_2, EncrId.ENCR_AES_CTR, 128, noChecking96);
      checkIkeAuth(opened);
      expect(authOf(opened, 'initiator')).toEqual([CCM12_2_AUTH]);
    });

    it(`${CCM12_2}: the same messages as ENCR_AES_CCM_12 (key || salt without the 03 flags byte), tags verified`, () => {
      const ccmKey = (hex: string) => {
        const k = fromHex(hex);
        // RFC 3610 section 2.3: A_i starts with the flags byte L-1 = 3, then the 11-byte nonce.
        expect(k[16]).toBe(3);
        return concatBytes(k.subarray(0, 16), k.subarray(17));
      };
      const opened = openAll(p, CCM12_2, EncrId.ENCR_AES_CCM_12, 128, undefined, ccmKey);
      expect(authOf(opened, 'initiator')).toEqual([CCM12_2_AUTH]);
    });
  });
});

interface V1Case {
  encr: [number, number | undefined];
  hash: HashName;
  /** A value the README says a HASH payload contains (hex substring), if any. */
  hashContains?: string;
  /** Text a CERT payload contains, if any. */
  certContains?: string;
}

const V1: Record<string, V1Case> = {
  'ikev1-certs.pcap': { encr: [EncrId.ENCR_3DES, undefined], hash: 'md5', certContains: 'OpenSwan' },
  'ikev1-bug-12610.pcapng.gz': { encr: [EncrId.ENCR_AES_CBC, 256], hash: 'sha256', hashContains: 'b52521f774967402c9f6cee95fd17e5b' },
  'ikev1-bug-12620.pcapng.gz': { encr: [EncrId.ENCR_AES_CBC, 256], hash: 'sha256', hashContains: '40043b640f4373250d5ac3a1fb63153c' },
};

/** End of the payload chain in decrypted data, by the generic headers (RFC 2408 section 3.2). */
function chainEnd(plaintext: Uint8Array, first: number): number {
  let at = 0;
  let next = first;
  while (next !== 0) {
    expect(at + 4).toBeLessThanOrEqual(plaintext.length);
    next = plaintext[at];
    const len = (plaintext[at + 2] << 8) | plaintext[at + 3];
    expect(len).toBeGreaterThanOrEqual(4);
    at += len;
  }
  expect(at).toBeLessThanOrEqual(plaintext.length);
  return at;
}

interface DecryptedV1 {
  exchangeType: number;
  messageId: number;
  payloads: PayloadV1[];
}

/**
 * RFC 2409 Appendix B: Phase 1 starts from IV = hash(g^xi | g^xr) and chains through the last
 * ciphertext block of each message; each later exchange (Quick Mode, Informational, Transaction)
 * starts from hash(last Phase 1 CBC block | M-ID) and chains within its M-ID. A retransmission
 * carries the same ciphertext, decrypted with the IV it had the first time.
 */
function decryptAllV1(p: CryptoProvider, file: string, c: V1Case): DecryptedV1[] {
  const messages = ikeMessages(file).map((b) => decodeMessageV1(b));
  const row = table('ikev1_decryption_table.tmpl').find((r) => r[0] === toHex(messages[0].header.initiatorCookie));
  expect(row, 'key table row for CKY-I').toBeDefined();
  const key = fromHex(row![1]);
  const cipher = p.encryption(c.encr[0], c.encr[1])!;
  expect(key.length).toBe(cipher.keyLength);
  const ke = messages.flatMap((m) => (isEncryptedMessageV1(m) ? [] : m.payloads.filter((x): x is Extract<PayloadV1, { type: 4 }> => x.type === 4)));
  expect(ke.length).toBe(2);
  const hash = (name: HashName, data: Uint8Array) => p.hash(name, data);
  let phase1Chain = phase1IvV1(c.hash, ke[0].keyExchangeData, ke[1].keyExchangeData, cipher.blockSize, hash);
  const exchangeChain = new Map<number, Uint8Array>();
  const ivOfCiphertext = new Map<string, Uint8Array>();
  const out: DecryptedV1[] = [];
  for (const m of messages) {
    if (!isEncryptedMessageV1(m)) continue;
    const mid = m.header.messageId;
    const seen = ivOfCiphertext.get(toHex(m.encrypted));
    const iv = seen ?? (mid === 0 ? phase1Chain : (exchangeChain.get(mid) ?? phase2IvV1(c.hash, phase1Chain, mid, cipher.blockSize, hash)));
    ivOfCiphertext.set(toHex(m.encrypted), iv);
    const { plaintext, nextIv } = decryptBodyV1(cipher, key, iv, m.encrypted);
    if (!seen) {
      if (mid === 0) phase1Chain = nextIv;
      else exchangeChain.set(mid, nextIv);
    }
    const end = chainEnd(plaintext, m.firstPayload);
    // Padding: zeros, or (as these peers send) any bytes with the last one counting the others.
    const padding = plaintext.subarray(end);
    expect(padding.length).toBeLessThan(cipher.blockSize + 1 + 255);
    if (padding.length) expect([0, padding.length - 1]).toContain(padding[padding.length - 1]);
    const { payloads } = decodePayloadChainV1(plaintext.subarray(0, end), m.firstPayload);
    out.push({ exchangeType: m.header.exchangeType, messageId: mid, payloads });
  }
  return out;
}

describe.skipIf(!dir)('Wireshark IKEv1 captures: encrypted bodies decrypt with the Appendix B IVs and parse', () => {
  describe.each(providers)('%s provider', (_n, p) => {
    for (const [file, c] of Object.entries(V1)) {
      it(`${file}: every encrypted message decrypts and its payload chain parses`, () => {
        const decrypted = decryptAllV1(p, file, c);
        expect(decrypted.length).toBeGreaterThan(0);
        // Every Quick Mode, Informational and Transaction message starts with HASH (RFC 2409 sections 5.5-5.7; draft-dukes-ike-mode-cfg).
        for (const d of decrypted.filter((x) => x.messageId !== 0)) expect(d.payloads[0].type).toBe(8);
        const hashes = decrypted.flatMap((d) => d.payloads.filter((x): x is Extract<PayloadV1, { type: 8 }> => x.type === 8)).map((h) => toHex(h.hash));
        if (c.hashContains) expect(hashes.some((h) => h.includes(c.hashContains!))).toBe(true);
        if (c.certContains) {
          const certs = decrypted.flatMap((d) => d.payloads.filter((x): x is Extract<PayloadV1, { type: 6 }> => x.type === 6));
          expect(certs.some((x) => new TextDecoder('latin1').decode(x.data).includes(c.certContains!))).toBe(true);
        }
      });
    }
  });
});
