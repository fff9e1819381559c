/**
 * Known answers for every encryption transform, on both providers through the CryptoProvider
 * interface. Vectors are transcribed from the RFC/NIST texts into vectors/*.json.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ccmOpen, ccmSeal, desBlock, tripleDesBlock } from '../../src/crypto/cipher/index.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { Aead, Cipher, CryptoProvider } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import { nodeEncryption } from '../../src/node/crypto/cipher.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { EncrId } from '../../src/payloads/iana/ikev2.js';
import { concatBytes, fromHex, toHex, utf8Encode } from '../../src/util/bytes.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function vectors(name: string): any {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../vectors/${name}`, import.meta.url)), 'utf8'));
}

/** [title, case] rows for it.each. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rows(cases: any[], key = 'name'): Array<[string, any]> {
  return cases.map((c) => [String(c[key]), c]);
}

function plaintextOf(c: { plaintext?: string; plaintextAscii?: string; plaintextUtf8?: string }): Uint8Array {
  if (c.plaintext !== undefined) return fromHex(c.plaintext);
  return utf8Encode((c.plaintextAscii ?? c.plaintextUtf8) as string);
}

function flip(b: Uint8Array, index: number, bit = 0x01): Uint8Array {
  const c = b.slice();
  c[index] ^= bit;
  return c;
}

const providers: Array<[string, CryptoProvider]> = [
  ['pure', pureProvider],
  ['node', nodeProvider],
];

function cipher(p: CryptoProvider, id: number, bits?: number): Cipher {
  const e = p.encryption(id, bits);
  if (!e || e.aead) throw new Error(`no cipher ${id}/${bits}`);
  return e;
}

function aead(p: CryptoProvider, id: number, bits?: number): Aead {
  const e = p.encryption(id, bits);
  if (!e || !e.aead) throw new Error(`no AEAD ${id}/${bits}`);
  return e;
}

describe('node:crypto serves the transforms OpenSSL has (so the node runs below really use OpenSSL)', () => {
  it.each([
    [EncrId.ENCR_AES_CBC, 128], [EncrId.ENCR_AES_CBC, 256], [EncrId.ENCR_AES_CTR, 192], [EncrId.ENCR_3DES, undefined],
    [EncrId.ENCR_AES_GCM_8, 256], [EncrId.ENCR_AES_GCM_16, 128], [EncrId.ENCR_AES_CCM_12, 128],
    [EncrId.ENCR_CHACHA20_POLY1305, undefined], [EncrId.ENCR_NULL_AUTH_AES_GMAC, 128],
  ])('transform %i with key length %s', (id, bits) => {
    expect(nodeEncryption(id, bits)).toBeDefined();
  });
});

describe.each(providers)('%s provider', (_name, p) => {
  describe('ENCR_AES_CBC (RFC 3602 section 4; NIST SP 800-38A F.2)', () => {
    const cases = vectors('rfc3602-aes-cbc.json').cases;
    it.each(rows(cases))('%s', (_n, c) => {
      const key = fromHex(c.key);
      const iv = fromHex(c.iv);
      const pt = plaintextOf(c);
      const e = cipher(p, EncrId.ENCR_AES_CBC, key.length * 8);
      expect(e.ivLength).toBe(16);
      expect(toHex(e.encrypt(key, iv, pt))).toBe(c.ciphertext);
      expect(toHex(e.decrypt(key, iv, fromHex(c.ciphertext)))).toBe(toHex(pt));
      // One flipped ciphertext bit garbles the plaintext (CBC has no integrity of its own).
      expect(toHex(e.decrypt(key, iv, flip(fromHex(c.ciphertext), 0)))).not.toBe(toHex(pt));
    });
  });

  describe('ENCR_AES_CTR (RFC 3686 section 6, all nine vectors; RFC 5930 key layout)', () => {
    const cases = vectors('rfc3686-aes-ctr.json').cases;
    it.each(rows(cases))('%s', (_n, c) => {
      const aesKey = fromHex(c.key);
      const keymat = concatBytes(aesKey, fromHex(c.nonce));
      const iv = fromHex(c.iv);
      const e = cipher(p, EncrId.ENCR_AES_CTR, aesKey.length * 8);
      expect([e.keyLength, e.saltLength, e.ivLength, e.blockSize]).toEqual([aesKey.length, 4, 8, 1]);
      expect(toHex(e.encrypt(keymat, iv, fromHex(c.plaintext)))).toBe(c.ciphertext);
      expect(toHex(e.decrypt(keymat, iv, fromHex(c.ciphertext)))).toBe(c.plaintext);
      expect(toHex(e.decrypt(keymat, iv, flip(fromHex(c.ciphertext), 3)))).not.toBe(c.plaintext);
    });
  });

  describe('ENCR_AES_GCM_8/12/16 (draft-mcgrew-gcm-test-01 section 4; RFC 4106 section 6 short ICVs)', () => {
    const cases = vectors('gcm-draft-mcgrew-test.json').gcm;
    const ids: Array<[number, number]> = [[EncrId.ENCR_AES_GCM_16, 16], [EncrId.ENCR_AES_GCM_12, 12], [EncrId.ENCR_AES_GCM_8, 8]];
    for (const [id, icv] of ids) {
      it.each(rows(cases))(`ICV ${icv}: %s`, (_n, c) => {
        const key = fromHex(c.key);
        const keymat = concatBytes(key, fromHex(c.salt));
        const iv = fromHex(c.iv);
        const aad = fromHex(c.aad);
        const pt = fromHex(c.plaintext);
        const full = fromHex(c.ciphertextAndTag);
        const expected = full.subarray(0, pt.length + icv);
        const e = aead(p, id, key.length * 8);
        expect(e.icvLength).toBe(icv);
        expect(toHex(e.seal(keymat, iv, pt, aad))).toBe(toHex(expected));
        expect(toHex(e.open(keymat, iv, expected, aad) ?? new Uint8Array())).toBe(c.plaintext);
        expect(e.open(keymat, iv, flip(expected, 0), aad)).toBeUndefined();
        expect(e.open(keymat, iv, flip(expected, expected.length - 1, 0x80), aad)).toBeUndefined();
        expect(e.open(keymat, iv, expected, flip(aad, 0))).toBeUndefined();
        expect(e.open(keymat, flip(iv, 7), expected, aad)).toBeUndefined();
      });
    }
  });

  describe('ENCR_NULL_AUTH_AES_GMAC (draft-mcgrew-gcm-test-01 section 4; RFC 4543 section 3.3)', () => {
    const [c] = vectors('gcm-draft-mcgrew-test.json').gmac;
    it(c.name, () => {
      const key = fromHex(c.key);
      const keymat = concatBytes(key, fromHex(c.salt));
      const iv = fromHex(c.iv);
      const aad = fromHex(c.aad);
      const payload = fromHex(c.payload);
      const e = aead(p, EncrId.ENCR_NULL_AUTH_AES_GMAC, 128);
      const sealed = e.seal(keymat, iv, payload, aad);
      expect(toHex(sealed)).toBe(c.payload + c.tag);
      expect(toHex(e.open(keymat, iv, sealed, aad) ?? new Uint8Array())).toBe(c.payload);
      expect(e.open(keymat, iv, flip(sealed, 5), aad)).toBeUndefined();
    });
  });

  describe('ENCR_CHACHA20_POLY1305 (RFC 8439 sections 2.8.2 and A.5, in the RFC 7634 key layout)', () => {
    const cases = vectors('rfc8439-chacha20-poly1305.json').cases;
    it.each(rows(cases))('%s', (_n, c) => {
      const keymat = concatBytes(fromHex(c.key), fromHex(c.salt));
      const iv = fromHex(c.iv);
      const aad = fromHex(c.aad);
      const pt = plaintextOf(c);
      const sealed = fromHex(c.ciphertext + c.tag);
      const e = aead(p, EncrId.ENCR_CHACHA20_POLY1305);
      expect([e.keyLength, e.saltLength, e.ivLength, e.icvLength]).toEqual([32, 4, 8, 16]);
      expect(toHex(e.seal(keymat, iv, pt, aad))).toBe(toHex(sealed));
      expect(toHex(e.open(keymat, iv, sealed, aad) ?? new Uint8Array())).toBe(toHex(pt));
      expect(e.open(keymat, iv, flip(sealed, 10), aad)).toBeUndefined();
      expect(e.open(keymat, iv, flip(sealed, sealed.length - 1), aad)).toBeUndefined();
    });
  });

  describe('ENCR_3DES (NIST SP 800-67 Rev. 1 B.1, chained through CBC; RFC 2451)', () => {
    const v = vectors('des-fips81-sp800-67.json').tripleDes;
    it('CBC with IV 0 and plaintext P1, P2^C1, P3^C2 gives the ECB blocks C1, C2, C3 (SP 800-38A section 6.2)', () => {
      const key = fromHex(v.key);
      const p3 = utf8Encode(v.plaintextAscii);
      const c3 = fromHex(v.ecb);
      const chained = p3.slice();
      for (let i = 8; i < 24; i++) chained[i] ^= c3[i - 8];
      const e = cipher(p, EncrId.ENCR_3DES);
      expect([e.keyLength, e.ivLength, e.blockSize]).toEqual([24, 8, 8]);
      expect(toHex(e.encrypt(key, new Uint8Array(8), chained))).toBe(v.ecb);
      expect(toHex(e.decrypt(key, new Uint8Array(8), c3))).toBe(toHex(chained));
    });
  });

  describe('ENCR_DES (FIPS 81 Appendix C), weak and legacy', () => {
    const v = vectors('des-fips81-sp800-67.json').des;
    it('CBC "Now is the time for all "', () => {
      const e = cipher(p, EncrId.ENCR_DES);
      const pt = utf8Encode(v.plaintextAscii);
      expect(toHex(e.encrypt(fromHex(v.key), fromHex(v.iv), pt))).toBe(v.cbc);
      expect(toHex(e.decrypt(fromHex(v.key), fromHex(v.iv), fromHex(v.cbc)))).toBe(toHex(pt));
    });
  });

  describe('ENCR_AES_CCM_8/12/16 in the IKE layout (RFC 4309 section 4: 11-byte nonce = salt || IV)', () => {
    it.each([
      [EncrId.ENCR_AES_CCM_8, 128, 8], [EncrId.ENCR_AES_CCM_12, 192, 12], [EncrId.ENCR_AES_CCM_16, 256, 16],
    ])('transform %i/%i round-trips and rejects a flipped bit', (id, bits, icv) => {
      const e = aead(p, id, bits);
      expect([e.saltLength, e.ivLength, e.icvLength]).toEqual([3, 8, icv]);
      const keymat = Uint8Array.from({ length: bits / 8 + 3 }, (_, i) => i * 7);
      const iv = fromHex('0102030405060708');
      const aad = utf8Encode('IKE header and SK header');
      const pt = utf8Encode('inner payloads, any length at all');
      const sealed = e.seal(keymat, iv, pt, aad);
      expect(sealed.length).toBe(pt.length + icv);
      expect(toHex(e.open(keymat, iv, sealed, aad) ?? new Uint8Array())).toBe(toHex(pt));
      expect(e.open(keymat, iv, flip(sealed, 2), aad)).toBeUndefined();
      expect(e.open(keymat, iv, sealed, flip(aad, 2))).toBeUndefined();
    });
  });

  describe('misuse is an IkeError, never a RangeError or TypeError', () => {
    it('wrong key length', () => {
      const e = cipher(p, EncrId.ENCR_AES_CBC, 128);
      expect(() => e.encrypt(new Uint8Array(15), new Uint8Array(16), new Uint8Array(16))).toThrow(IkeError);
    });
    it('wrong IV length', () => {
      const e = aead(p, EncrId.ENCR_AES_GCM_16, 128);
      expect(() => e.seal(new Uint8Array(20), new Uint8Array(12), new Uint8Array(3), new Uint8Array(0))).toThrow(IkeError);
    });
    it('CBC input not a whole number of blocks', () => {
      const e = cipher(p, EncrId.ENCR_3DES);
      expect(() => e.decrypt(new Uint8Array(24), new Uint8Array(8), new Uint8Array(12))).toThrow(IkeError);
    });
    it('sealed input shorter than the ICV opens to undefined', () => {
      const e = aead(p, EncrId.ENCR_AES_CCM_16, 128);
      expect(e.open(new Uint8Array(19), new Uint8Array(8), new Uint8Array(5), new Uint8Array(0))).toBeUndefined();
    });
  });
});

describe('CCM (RFC 3610 section 8 packet vectors; NIST SP 800-38C Appendix C)', () => {
  const cases = vectors('ccm-rfc3610-sp800-38c.json').cases;
  it.each(rows(cases, 'source'))('%s', (_n, c) => {
    const key = fromHex(c.key);
    const nonce = fromHex(c.nonce);
    const aad = fromHex(c.aad);
    const sealed = ccmSeal(key, nonce, c.tagLength, fromHex(c.plaintext), aad);
    expect(toHex(sealed)).toBe(c.ciphertextAndTag);
    expect(toHex(ccmOpen(key, nonce, c.tagLength, sealed, aad) ?? new Uint8Array())).toBe(c.plaintext);
    expect(ccmOpen(key, nonce, c.tagLength, flip(sealed, 1), aad)).toBeUndefined();
    expect(ccmOpen(key, nonce, c.tagLength, flip(sealed, sealed.length - 1), aad)).toBeUndefined();
  });
});

describe('DES and Triple DES block functions (FIPS 81 Appendix B; NIST SP 800-67 Rev. 1 B.1)', () => {
  const v = vectors('des-fips81-sp800-67.json');
  it('DES ECB, three blocks', () => {
    const d = desBlock(fromHex(v.des.key));
    const pt = utf8Encode(v.des.plaintextAscii);
    const ct = [0, 8, 16].map((o) => toHex(d.encrypt(pt.subarray(o, o + 8)))).join('');
    expect(ct).toBe(v.des.ecb);
    expect(toHex(d.decrypt(fromHex(v.des.ecb).subarray(0, 8)))).toBe(toHex(pt.subarray(0, 8)));
  });
  it('Triple DES ECB, three blocks, three keys', () => {
    const t = tripleDesBlock(fromHex(v.tripleDes.key));
    const pt = utf8Encode(v.tripleDes.plaintextAscii);
    const ct = [0, 8, 16].map((o) => toHex(t.encrypt(pt.subarray(o, o + 8)))).join('');
    expect(ct).toBe(v.tripleDes.ecb);
    expect(toHex(t.decrypt(fromHex(v.tripleDes.ecb).subarray(16)))).toBe(toHex(pt.subarray(16)));
  });
});

describe('the two providers agree byte for byte on random inputs', () => {
  const rnd = (n: number) => pureProvider.randomBytes(n);
  const cases: Array<[number, number | undefined]> = [
    [EncrId.ENCR_AES_CBC, 192], [EncrId.ENCR_AES_CTR, 256], [EncrId.ENCR_3DES, undefined],
    [EncrId.ENCR_AES_GCM_12, 192], [EncrId.ENCR_AES_CCM_8, 128], [EncrId.ENCR_AES_CCM_16, 192],
    [EncrId.ENCR_CHACHA20_POLY1305, undefined], [EncrId.ENCR_NULL_AUTH_AES_GMAC, 256],
  ];
  it.each(cases)('transform %i/%s', (id, bits) => {
    const a = pureProvider.encryption(id, bits)!;
    const b = nodeEncryption(id, bits)!;
    expect(b).toBeDefined();
    for (const len of [0, 1, 15, 16, 17, 64, 333]) {
      const key = rnd(a.keyLength + a.saltLength);
      const iv = rnd(a.ivLength);
      const n = a.aead ? len : Math.ceil(len / a.blockSize) * a.blockSize;
      const pt = rnd(n);
      if (a.aead && b.aead) {
        const aad = rnd(len % 40);
        const sealed = a.seal(key, iv, pt, aad);
        expect(toHex(b.seal(key, iv, pt, aad))).toBe(toHex(sealed));
        expect(toHex(b.open(key, iv, sealed, aad) ?? new Uint8Array([1]))).toBe(toHex(pt));
      } else if (!a.aead && !b.aead) {
        const ct = a.encrypt(key, iv, pt);
        expect(toHex(b.encrypt(key, iv, pt))).toBe(toHex(ct));
        expect(toHex(b.decrypt(key, iv, ct))).toBe(toHex(pt));
      }
    }
  });
});
