/**
 * IKEv2 key schedule (RFC 7296 sections 2.13-2.18, 2.15, 2.23). Expected values are either NIST
 * CAVP SP 800-135 known answers or computed here independently from the RFC's formulas with
 * @noble/hashes, never with the functions under test.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import type { Prf } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import {
  authOctets,
  childSaKeymat,
  deriveChildSaKeymat,
  deriveIkeSaKeys,
  IKEV2_KEY_PAD,
  natDetectionHash,
  prfPlus,
  pskAuth,
  rekeySkeyseed,
  skeyseed,
  verifyPskAuth,
} from '../../src/keys/index.js';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.js';

const prfOf = (id: number): Prf => {
  const p = pureProvider.prf(id);
  if (!p) throw new Error(`pure provider lacks PRF ${id}`);
  return p;
};
const PRF_HMAC_SHA1 = prfOf(2);
const PRF_AES128_XCBC = prfOf(4);
const PRF_HMAC_SHA2_256 = prfOf(5);
const PRF_AES128_CMAC = prfOf(8);

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff);

/** prf+ written out from RFC 7296 section 2.13 with HMAC-SHA-256, for comparison. */
function referencePrfPlus(key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out: Uint8Array[] = [];
  let t = new Uint8Array(0);
  for (let n = 1; out.length * 32 < length; n++) {
    t = hmac(sha256, key, concatBytes(t, seed, Uint8Array.of(n)));
    out.push(t);
  }
  return concatBytes(...out).slice(0, length);
}

/**
 * NIST CAVP SP 800-135 IKEv2, [g^ir length = 256][SHA-1][Ni/Nr length = 64][DKM length = 1056],
 * COUNT = 0 (CAVS 17.3 ikev2.fax).
 */
const CAVP0 = {
  Ni: fromHex('32b50d5f4a3763f3'),
  Nr: fromHex('9206a04b26564cb1'),
  gir: fromHex('4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52'),
  girNew: fromHex('863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330'),
  SPIi: fromHex('34c9e7c188868785'),
  SPIr: fromHex('3ff77d760d2b2199'),
  SKEYSEED: 'a9a7b222b59f8f48645f28a1db5b5f5d7479cba7',
  DKM:
    'a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062768b76606f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702c979fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594cf266b05ebadca855e4249520a441a81157435a7a56cc4',
  childDkm:
    '8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd9560b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf5580b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e614296d319d41d4b50b3f510b1c0a22f3e664994d234cb4',
  childDhDkm:
    'bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232eab4b3ab14c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a5080d7d4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc863ab49fa901227cffc06e27899c7054d56fd74c',
  rekey: '63e81194946ebd05df7df5ebf5d8750056bf1f1d',
};

describe('prf+ (RFC 7296 section 2.13)', () => {
  it('is T1 | T2 | ... with T1 = prf(K, S | 0x01) and Tn = prf(K, Tn-1 | S | n), truncated', () => {
    const key = bytes(32, 1);
    const seed = bytes(40, 2);
    for (const len of [0, 1, 31, 32, 33, 100, 32 * 255]) {
      expect(toHex(prfPlus(PRF_HMAC_SHA2_256, key, seed, len))).toBe(toHex(referencePrfPlus(key, seed, len)));
    }
  });

  it('allows 255 blocks, the last one with counter octet 0xff, and refuses a 256th', () => {
    const key = bytes(20, 3);
    const seed = bytes(16, 4);
    const max = prfPlus(PRF_HMAC_SHA1, key, seed, 255 * 20);
    const t254 = max.subarray(253 * 20, 254 * 20);
    expect(toHex(max.subarray(254 * 20))).toBe(toHex(hmac(sha1, key, concatBytes(t254, seed, Uint8Array.of(0xff)))));
    expect(() => prfPlus(PRF_HMAC_SHA1, key, seed, 255 * 20 + 1)).toThrow(IkeError);
    expect(() => prfPlus(PRF_HMAC_SHA1, key, seed, 255 * 20 + 1)).toThrow(/at most 255/);
    expect(() => prfPlus(PRF_HMAC_SHA1, key, seed, -1)).toThrow(IkeError);
    expect(() => prfPlus(PRF_HMAC_SHA1, key, seed, 1.5)).toThrow(IkeError);
  });
});

describe('SKEYSEED and the IKE SA keys (RFC 7296 section 2.14)', () => {
  it('matches the NIST CAVP known answer, and SK_d..SK_pr are taken in order from prf+', () => {
    expect(toHex(skeyseed(PRF_HMAC_SHA1, CAVP0.Ni, CAVP0.Nr, CAVP0.gir))).toBe(CAVP0.SKEYSEED);
    // 20 (SK_d) + 2 x 20 (HMAC-SHA1 integrity keys) + 2 x 16 (AES-128) + 2 x 20 = 132 bytes = the DKM length.
    const k = deriveIkeSaKeys(PRF_HMAC_SHA1, fromHex(CAVP0.SKEYSEED), CAVP0.Ni, CAVP0.Nr, CAVP0.SPIi, CAVP0.SPIr, {
      integKeyLength: 20,
      encrKeyLength: 16,
    });
    const parts = [k.SK_d, k.SK_ai, k.SK_ar, k.SK_ei, k.SK_er, k.SK_pi, k.SK_pr];
    expect(parts.map((p) => p.length)).toEqual([20, 20, 20, 16, 16, 20, 20]);
    expect(parts.map(toHex).join('')).toBe(CAVP0.DKM);
  });

  it('sizes SK_d, SK_pi and SK_pr by the PRF preferred key length unless told otherwise', () => {
    const base = [fromHex(CAVP0.SKEYSEED), CAVP0.Ni, CAVP0.Nr, CAVP0.SPIi, CAVP0.SPIr] as const;
    const k = deriveIkeSaKeys(PRF_HMAC_SHA1, ...base, { integKeyLength: 0, encrKeyLength: 36, prfKeyLength: 10 });
    expect([k.SK_d.length, k.SK_ai.length, k.SK_ei.length, k.SK_pr.length]).toEqual([10, 0, 36, 10]);
    expect(toHex(concatBytes(k.SK_d, k.SK_ei, k.SK_er, k.SK_pi, k.SK_pr))).toBe(CAVP0.DKM.slice(0, 2 * 102));
    expect(() => deriveIkeSaKeys(PRF_HMAC_SHA1, fromHex(CAVP0.SKEYSEED), CAVP0.Ni, CAVP0.Nr, CAVP0.SPIi, new Uint8Array(4), { integKeyLength: 0, encrKeyLength: 0 })).toThrow(IkeError);
  });

  it('HMAC PRFs key SKEYSEED with all of Ni | Nr', () => {
    const ni = bytes(32, 5);
    const nr = bytes(32, 6);
    const gir = bytes(256, 7);
    expect(toHex(skeyseed(PRF_HMAC_SHA2_256, ni, nr, gir))).toBe(toHex(hmac(sha256, concatBytes(ni, nr), gir)));
  });

  for (const prf of [PRF_AES128_XCBC, PRF_AES128_CMAC]) {
    it(`${prf.name} keys SKEYSEED with only the first 64 bits of Ni and of Nr, but prf+ takes the whole nonces`, () => {
      const ni = bytes(32, 8);
      const nr = bytes(32, 9);
      const gir = bytes(256, 10);
      const s = skeyseed(prf, ni, nr, gir);
      expect(toHex(s)).toBe(toHex(prf.compute(concatBytes(ni.slice(0, 8), nr.slice(0, 8)), gir)));
      expect(toHex(s)).not.toBe(toHex(prf.compute(concatBytes(ni, nr), gir)));
      // Bits past the first 64 of each nonce do not reach SKEYSEED...
      const ni2 = ni.slice();
      ni2[8] ^= 1;
      const nr2 = nr.slice();
      nr2[31] ^= 0x80;
      expect(toHex(skeyseed(prf, ni2, nr2, gir))).toBe(toHex(s));
      const ni3 = ni.slice();
      ni3[7] ^= 1;
      expect(toHex(skeyseed(prf, ni3, nr, gir))).not.toBe(toHex(s));
      // ...but they do reach prf+ (Ni | Nr | SPIi | SPIr).
      const spi = bytes(8, 11);
      const lengths = { integKeyLength: 16, encrKeyLength: 16 };
      const a = deriveIkeSaKeys(prf, s, ni, nr, spi, spi, lengths);
      const b = deriveIkeSaKeys(prf, s, ni2, nr, spi, spi, lengths);
      expect(toHex(a.SK_d)).not.toBe(toHex(b.SK_d));
      expect(a.SK_d.length).toBe(16);
    });
  }
});

describe('Child SA keying material (RFC 7296 section 2.17)', () => {
  const SK_d = fromHex(CAVP0.DKM.slice(0, 40));

  it('KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with PFS: NIST known answers', () => {
    expect(toHex(childSaKeymat(PRF_HMAC_SHA1, SK_d, CAVP0.Ni, CAVP0.Nr, 132))).toBe(CAVP0.childDkm);
    expect(toHex(childSaKeymat(PRF_HMAC_SHA1, SK_d, CAVP0.Ni, CAVP0.Nr, 132, CAVP0.girNew))).toBe(CAVP0.childDhDkm);
  });

  it('takes initiator-to-responder keys first, encryption key before integrity key in each direction', () => {
    const k = deriveChildSaKeymat(PRF_HMAC_SHA1, SK_d, CAVP0.Ni, CAVP0.Nr, { encrKeyLength: 20, integKeyLength: 13 });
    const km = CAVP0.childDkm;
    expect(toHex(k.initiatorToResponder.encr)).toBe(km.slice(0, 40));
    expect(toHex(k.initiatorToResponder.integ)).toBe(km.slice(40, 66));
    expect(toHex(k.responderToInitiator.encr)).toBe(km.slice(66, 106));
    expect(toHex(k.responderToInitiator.integ)).toBe(km.slice(106, 132));
    const pfs = deriveChildSaKeymat(PRF_HMAC_SHA1, SK_d, CAVP0.Ni, CAVP0.Nr, { encrKeyLength: 36, integKeyLength: 0 }, CAVP0.girNew);
    expect(toHex(pfs.initiatorToResponder.encr)).toBe(CAVP0.childDhDkm.slice(0, 72));
    expect(pfs.initiatorToResponder.integ.length).toBe(0);
    expect(toHex(pfs.responderToInitiator.encr)).toBe(CAVP0.childDhDkm.slice(72, 144));
  });
});

describe('IKE SA rekey (RFC 7296 section 2.18)', () => {
  it('SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA PRF: NIST known answer', () => {
    const SK_d = fromHex(CAVP0.DKM.slice(0, 40));
    expect(toHex(rekeySkeyseed(PRF_HMAC_SHA1, SK_d, CAVP0.girNew, CAVP0.Ni, CAVP0.Nr))).toBe(CAVP0.rekey);
  });
});

describe('AUTH octets and shared-key AUTH (RFC 7296 section 2.15)', () => {
  const realMessage1 = bytes(300, 12);
  const nonceRData = bytes(32, 13);
  const SK_pi = bytes(32, 14);
  // ID payload body after the generic header: ID Type ID_FQDN (2), 3 RESERVED octets, "a.example".
  const restOfInitIdPayload = concatBytes(fromHex('02000000'), new TextEncoder().encode('a.example'));

  it('InitiatorSignedOctets = RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload)', () => {
    const octets = authOctets(PRF_HMAC_SHA2_256, realMessage1, nonceRData, SK_pi, restOfInitIdPayload);
    expect(toHex(octets)).toBe(toHex(concatBytes(realMessage1, nonceRData, hmac(sha256, SK_pi, restOfInitIdPayload))));
  });

  it('AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <octets>), the pad being 17 octets without a terminator', () => {
    expect(toHex(IKEV2_KEY_PAD)).toBe('4b65792050616420666f7220494b45763' + '2');
    const psk = new TextEncoder().encode('correct horse battery staple');
    const octets = concatBytes(realMessage1, nonceRData, hmac(sha256, SK_pi, restOfInitIdPayload));
    const keyPad = fromHex('4b65792050616420666f7220494b457632');
    const expected = hmac(sha256, hmac(sha256, psk, keyPad), octets);
    const auth = pskAuth(PRF_HMAC_SHA2_256, psk, octets);
    expect(toHex(auth)).toBe(toHex(expected));
    expect(verifyPskAuth(PRF_HMAC_SHA2_256, psk, octets, expected)).toBe(true);
    const wrong = expected.slice();
    wrong[31] ^= 1;
    expect(verifyPskAuth(PRF_HMAC_SHA2_256, psk, octets, wrong)).toBe(false);
    expect(verifyPskAuth(PRF_HMAC_SHA2_256, psk, octets, expected.subarray(0, 16))).toBe(false);
  });
});

describe('NAT detection (RFC 7296 section 2.23)', () => {
  it('is SHA-1(SPIi | SPIr | IP | Port) with a 2-octet port, for IPv4 and IPv6', () => {
    const spiI = fromHex('0102030405060708');
    const spiR = new Uint8Array(8);
    const v4 = fromHex('c0a80102');
    expect(toHex(natDetectionHash(sha1, spiI, spiR, v4, 500))).toBe(toHex(sha1(concatBytes(spiI, spiR, v4, fromHex('01f4')))));
    const v6 = fromHex('20010db8000000000000000000000001');
    expect(toHex(natDetectionHash(sha1, spiI, spiR, v6, 4500))).toBe(toHex(sha1(concatBytes(spiI, spiR, v6, fromHex('1194')))));
  });

  it('rejects addresses that are neither 4 nor 16 bytes and ports outside 16 bits', () => {
    const spi = new Uint8Array(8);
    expect(() => natDetectionHash(sha1, spi, spi, new Uint8Array(5), 500)).toThrow(IkeError);
    expect(() => natDetectionHash(sha1, spi, spi, new Uint8Array(4), 65536)).toThrow(IkeError);
    expect(() => natDetectionHash(sha1, spi, new Uint8Array(7), new Uint8Array(4), 500)).toThrow(IkeError);
  });
});
