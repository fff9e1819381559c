/**
 * IKEv1 key schedule (RFC 2409 section 5 and Appendix B, RFC 3947 section 3.2). SKEYID and
 * SKEYID_d/a/e also run against every NIST CAVP vector (cavp.test.ts); here each formula is
 * written out independently with @noble/hashes.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import type { Prf } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import {
  deriveSkeyids,
  encryptionKeyV1,
  hashI,
  hashR,
  IKEV1_HASH_ALGORITHMS,
  ikev1HashToPrfId,
  informationalHash,
  natDetectionHashV1,
  phase1IvV1,
  phase2IvV1,
  prfForIkev1Hash,
  quickModeHash1,
  quickModeHash2,
  quickModeHash3,
  quickModeKeymat,
  skeyidPreSharedKey,
  skeyidPublicKeyEncryption,
  skeyidSignature,
} from '../../src/keys/index.js';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.js';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed * 13 + 5) & 0xff);
const PRF_SHA1: Prf = prfForIkev1Hash(pureProvider, 2);
const PRF_SHA256: Prf = prfForIkev1Hash(pureProvider, 4);
const h1 = (k: Uint8Array, d: Uint8Array) => hmac(sha1, k, d);
const h256 = (k: Uint8Array, d: Uint8Array) => hmac(sha256, k, d);

const niB = bytes(20, 1);
const nrB = bytes(24, 2);
const gxy = bytes(128, 3);
const ckyI = bytes(8, 4);
const ckyR = bytes(8, 5);

describe('IKEv1 hash attribute to PRF (RFC 2409 section 4 and Appendix A)', () => {
  it('maps MD5 1, SHA 2, SHA2-256 4, SHA2-384 5, SHA2-512 6 to the HMAC PRFs', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(ikev1HashToPrfId)).toEqual([1, 2, undefined, 5, 6, 7, undefined]);
    expect(IKEV1_HASH_ALGORITHMS[4].name).toBe('sha256');
    expect(prfForIkev1Hash(pureProvider, 6).outputLength).toBe(64);
    expect(() => prfForIkev1Hash(pureProvider, 3)).toThrow(IkeError);
  });
});

describe('SKEYID (RFC 2409 section 5)', () => {
  it('signatures: prf(Ni_b | Nr_b, g^xy)', () => {
    expect(toHex(skeyidSignature(PRF_SHA1, niB, nrB, gxy))).toBe(toHex(h1(concatBytes(niB, nrB), gxy)));
  });

  it('pre-shared keys: prf(pre-shared-key, Ni_b | Nr_b)', () => {
    const psk = new TextEncoder().encode('secret');
    expect(toHex(skeyidPreSharedKey(PRF_SHA256, psk, niB, nrB))).toBe(toHex(h256(psk, concatBytes(niB, nrB))));
  });

  it('public key encryption: prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)', () => {
    const got = skeyidPublicKeyEncryption(PRF_SHA1, sha1, niB, nrB, ckyI, ckyR);
    expect(toHex(got)).toBe(toHex(h1(sha1(concatBytes(niB, nrB)), concatBytes(ckyI, ckyR))));
  });

  it('SKEYID_d, SKEYID_a, SKEYID_e chain with the octets 0, 1, 2 (NIST CAVP ikev1_dsa COUNT 0)', () => {
    // [g^xy length = 256][SHA-1][Ni/Nr length = 64], COUNT = 0 (CAVS 17.3 ikev1_dsa.fax).
    const v = {
      ckyI: fromHex('8c3bcd3a69831d7f'),
      ckyR: fromHex('d2d9a7ff4fbe95a7'),
      ni: fromHex('69a62284195f1680'),
      nr: fromHex('80c94ba25c8abda5'),
      gxy: fromHex('8ba4cbc73c0187301dc19a975823854dbd641c597f637f8d053a83b9514673eb'),
    };
    const SKEYID = skeyidSignature(PRF_SHA1, v.ni, v.nr, v.gxy);
    expect(toHex(SKEYID)).toBe('707197817fb2d90cf54d1842606bdea59b9f4823');
    const k = deriveSkeyids(PRF_SHA1, SKEYID, v.gxy, v.ckyI, v.ckyR);
    expect(toHex(k.SKEYID_d)).toBe('384be709a8a5e63c3ed160cfe3921c4b37d5b32d');
    expect(toHex(k.SKEYID_a)).toBe('48b327575abe3adba0f279849e289022a13e2b47');
    expect(toHex(k.SKEYID_e)).toBe('a4a415c8e0c38c0da847c356cc61c24df8025560');
  });
});

describe('Encryption key from SKEYID_e (RFC 2409 Appendix B)', () => {
  const SKEYID_e = bytes(20, 6);

  it('takes the leading bytes when SKEYID_e is long enough', () => {
    expect(toHex(encryptionKeyV1(PRF_SHA1, SKEYID_e, 16))).toBe(toHex(SKEYID_e.slice(0, 16)));
    expect(toHex(encryptionKeyV1(PRF_SHA1, SKEYID_e, 20))).toBe(toHex(SKEYID_e));
  });

  it('otherwise expands K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1) with 0 a single octet', () => {
    const k1 = h1(SKEYID_e, Uint8Array.of(0));
    const k2 = h1(SKEYID_e, k1);
    expect(toHex(encryptionKeyV1(PRF_SHA1, SKEYID_e, 24))).toBe(toHex(concatBytes(k1, k2).slice(0, 24)));
    expect(toHex(encryptionKeyV1(PRF_SHA1, SKEYID_e, 40))).toBe(toHex(concatBytes(k1, k2)));
    expect(() => encryptionKeyV1(PRF_SHA1, SKEYID_e, 1 << 20)).toThrow(IkeError);
  });
});

describe('IVs (RFC 2409 Appendix B)', () => {
  const gxi = bytes(128, 7);
  const gxr = bytes(128, 8);

  it('Phase 1 IV = hash(g^xi | g^xr) truncated to the block size', () => {
    expect(toHex(phase1IvV1('md5', gxi, gxr, 8))).toBe(toHex(md5(concatBytes(gxi, gxr)).slice(0, 8)));
    expect(toHex(phase1IvV1('sha256', gxi, gxr, 16))).toBe(toHex(sha256(concatBytes(gxi, gxr)).slice(0, 16)));
    expect(() => phase1IvV1('md5', gxi, gxr, 32)).toThrow(IkeError);
  });

  it('Phase 2 IV = hash(last Phase 1 CBC block | M-ID), M-ID in network order', () => {
    const last = bytes(16, 9);
    const expected = toHex(sha1(concatBytes(last, fromHex('a1b2c3d4'))).slice(0, 16));
    expect(toHex(phase2IvV1('sha1', last, 0xa1b2c3d4, 16))).toBe(expected);
    expect(toHex(phase2IvV1('sha1', last, fromHex('a1b2c3d4'), 16))).toBe(expected);
    expect(() => phase2IvV1('sha1', last, 2 ** 32, 16)).toThrow(IkeError);
  });
});

describe('Phase 1 HASH_I and HASH_R (RFC 2409 section 5)', () => {
  const p = { gxi: bytes(96, 10), gxr: bytes(96, 11), ckyI, ckyR, saiB: bytes(52, 12) };
  const SKEYID = bytes(20, 13);
  const idii = fromHex('01110000c0a80001');
  const idir = fromHex('01110000c0a80002');

  it('HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)', () => {
    expect(toHex(hashI(PRF_SHA1, SKEYID, p, idii))).toBe(toHex(h1(SKEYID, concatBytes(p.gxi, p.gxr, ckyI, ckyR, p.saiB, idii))));
  });

  it('HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b), mirrored but with the initiator SA', () => {
    expect(toHex(hashR(PRF_SHA1, SKEYID, p, idir))).toBe(toHex(h1(SKEYID, concatBytes(p.gxr, p.gxi, ckyR, ckyI, p.saiB, idir))));
  });
});

describe('Quick Mode and Informational hashes (RFC 2409 sections 5.5, 5.7)', () => {
  const SKEYID_a = bytes(32, 14);
  const mid = fromHex('0badcafe');
  const rest = bytes(70, 15);

  it('HASH(1) = prf(SKEYID_a, M-ID | rest), HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest)', () => {
    expect(toHex(quickModeHash1(PRF_SHA256, SKEYID_a, 0x0badcafe, rest))).toBe(toHex(h256(SKEYID_a, concatBytes(mid, rest))));
    expect(toHex(quickModeHash2(PRF_SHA256, SKEYID_a, 0x0badcafe, niB, rest))).toBe(toHex(h256(SKEYID_a, concatBytes(mid, niB, rest))));
  });

  it('HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) with one zero octet', () => {
    expect(toHex(quickModeHash3(PRF_SHA256, SKEYID_a, mid, niB, nrB))).toBe(toHex(h256(SKEYID_a, concatBytes(Uint8Array.of(0), mid, niB, nrB))));
  });

  it('Informational HASH(1) = prf(SKEYID_a, M-ID | N/D)', () => {
    expect(toHex(informationalHash(PRF_SHA256, SKEYID_a, mid, rest))).toBe(toHex(h256(SKEYID_a, concatBytes(mid, rest))));
  });
});

describe('Quick Mode KEYMAT (RFC 2409 section 5.5)', () => {
  const SKEYID_d = bytes(20, 16);
  const spi = fromHex('c0ffee01');
  const ESP = 3;

  it('without PFS: K1 = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b), Kn = prf(SKEYID_d, Kn-1 | ...)', () => {
    const tail = concatBytes(Uint8Array.of(ESP), spi, niB, nrB);
    const k1 = h1(SKEYID_d, tail);
    const k2 = h1(SKEYID_d, concatBytes(k1, tail));
    const k3 = h1(SKEYID_d, concatBytes(k2, tail));
    // AES-256 + HMAC-SHA1 = 32 + 20 bytes: three SHA-1 blocks.
    expect(toHex(quickModeKeymat(PRF_SHA1, SKEYID_d, { protocol: ESP, spi, niB, nrB }, 52))).toBe(toHex(concatBytes(k1, k2, k3).slice(0, 52)));
    expect(toHex(quickModeKeymat(PRF_SHA1, SKEYID_d, { protocol: ESP, spi, niB, nrB }, 16))).toBe(toHex(k1.slice(0, 16)));
  });

  it('with PFS: g(qm)^xy precedes protocol in every Kn', () => {
    const gqm = bytes(128, 17);
    const tail = concatBytes(gqm, Uint8Array.of(ESP), spi, niB, nrB);
    const k1 = h1(SKEYID_d, tail);
    const k2 = h1(SKEYID_d, concatBytes(k1, tail));
    expect(toHex(quickModeKeymat(PRF_SHA1, SKEYID_d, { protocol: ESP, spi, niB, nrB, gqmxy: gqm }, 40))).toBe(toHex(concatBytes(k1, k2)));
  });

  it('refuses lengths without bound and protocols that are not one octet', () => {
    expect(() => quickModeKeymat(PRF_SHA1, SKEYID_d, { protocol: ESP, spi, niB, nrB }, 1e9)).toThrow(IkeError);
    expect(() => quickModeKeymat(PRF_SHA1, SKEYID_d, { protocol: 256, spi, niB, nrB }, 16)).toThrow(IkeError);
  });
});

describe('IKEv1 NAT-D (RFC 3947 section 3.2)', () => {
  it('HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash', () => {
    const ip = fromHex('c0a80001');
    expect(toHex(natDetectionHashV1(md5, ckyI, ckyR, ip, 500))).toBe(toHex(md5(concatBytes(ckyI, ckyR, ip, fromHex('01f4')))));
    expect(() => natDetectionHashV1(md5, ckyI, new Uint8Array(4), ip, 500)).toThrow(IkeError);
  });
});
