/**
 * The IKEv2 Encrypted payload (RFC 7296 section 3.14; RFC 5282 for AEADs; RFC 7383 section 2.5 for
 * SKF), on both providers, with the RFC 7634 Appendix B example reproduced byte for byte.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findSkOffset, locateSk, openSk, sealSk } from '../../src/crypto/sk.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { Cipher, CryptoProvider, Encryption, Integrity } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { EncrId, IntegId, PayloadType } from '../../src/payloads/iana/ikev2.js';
import { concatBytes, fromHex, toHex } from '../../src/util/bytes.js';

const rfc7634 = JSON.parse(readFileSync(fileURLToPath(new URL('../../vectors/rfc7634-ikev2-chacha20-poly1305.json', import.meta.url)), 'utf8'));

const providers: Array<[string, CryptoProvider]> = [
  ['pure', pureProvider],
  ['node', nodeProvider],
];

/** An IKE header (RFC 7296 section 3.1) whose Next Payload is `next`; sealSk fills in Length. */
function header(next: number, messageId = 1): Uint8Array {
  const h = new Uint8Array(28);
  h.set(fromHex('0102030405060708a1a2a3a4a5a6a7a8'));
  h[16] = next;
  h[17] = 0x20;
  h[18] = 35;
  h[19] = 0x08;
  h[23] = messageId;
  return h;
}

function kind(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof IkeError) return e.kind;
    throw e;
  }
  return 'none';
}

const inner = fromHex('2900000c010000000a0000012b000008deadbeef'.padEnd(80, '0'));

describe.each(providers)('%s provider', (_name, p) => {
  const chacha = p.encryption(EncrId.ENCR_CHACHA20_POLY1305)!;

  describe('RFC 7634 Appendix B: IKEv2 INFORMATIONAL with ENCR_CHACHA20_POLY1305', () => {
    const message = fromHex(rfc7634.message);
    const keys = { encrKey: fromHex(rfc7634.keyingMaterial) };

    it('sealSk reproduces the 69-byte message exactly', () => {
      const sealed = sealSk({
        prefix: message.subarray(0, 28),
        nextPayload: rfc7634.firstInnerPayload,
        plaintext: fromHex(rfc7634.innerPayloads),
        encr: chacha,
        keys,
        iv: fromHex(rfc7634.iv),
      });
      expect(toHex(sealed)).toBe(rfc7634.message);
    });

    it('openSk returns the Notify payload (padding and Pad Length removed)', () => {
      expect(toHex(openSk({ message, skOffset: 28, encr: chacha, keys }))).toBe(rfc7634.innerPayloads);
      expect(locateSk(message, 28)).toMatchObject({ payloadType: PayloadType.SK, nextPayload: 41, length: 41, ivOffset: 32 });
    });

    it('RFC 5282 section 5.1: every bit of the header, SK header, IV, ciphertext and ICV is authenticated', () => {
      for (let i = 0; i < message.length; i++) {
        // Next Payload (which names the SK payload) and the Length fields are syntax, checked first.
        if (i === 16 || (i >= 24 && i < 28) || i === 30 || i === 31) continue;
        const bad = message.slice();
        bad[i] ^= 0x04;
        expect(kind(() => openSk({ message: bad, skOffset: 28, encr: chacha, keys })), `byte ${i}`).toBe('INTEGRITY_CHECK_FAILED');
      }
    });
  });

  describe('non-AEAD: ENCR_AES_CBC with AUTH_HMAC_SHA2_256_128', () => {
    const encr = p.encryption(EncrId.ENCR_AES_CBC, 256)! as Cipher;
    const integ = p.integrity(IntegId.AUTH_HMAC_SHA2_256_128)!;
    const keys = { encrKey: new Uint8Array(32).fill(0x11), integKey: new Uint8Array(32).fill(0x22) };
    const seal = (plaintext = inner) =>
      sealSk({ prefix: header(PayloadType.SK), nextPayload: PayloadType.IDi, plaintext, encr, integ, keys, iv: new Uint8Array(16).fill(7) });

    it('round-trips for every plaintext length around the block size (RFC 7296 section 3.14 padding)', () => {
      for (let n = 0; n <= 33; n++) {
        const pt = inner.subarray(0, n);
        const m = seal(pt);
        // header + generic header + IV + padded blocks + 16-byte ICV
        expect(m.length).toBe(28 + 4 + 16 + Math.ceil((n + 1) / 16) * 16 + 16);
        expect(toHex(openSk({ message: m, skOffset: 28, encr, integ, keys }))).toBe(toHex(pt));
      }
    });

    it('the ICV covers the IKE header through the ciphertext', () => {
      const m = seal();
      for (const i of [0, 18, 28, 33, 48, m.length - 17, m.length - 1]) {
        const bad = m.slice();
        bad[i] ^= 1;
        expect(kind(() => openSk({ message: bad, skOffset: 28, encr, integ, keys })), `byte ${i}`).toBe('INTEGRITY_CHECK_FAILED');
      }
    });

    it('verifies the ICV before decrypting anything', () => {
      let decrypts = 0;
      const spy: Encryption = { ...encr, decrypt: (k, iv, c) => (decrypts++, encr.decrypt(k, iv, c)) };
      const bad = seal();
      bad[bad.length - 1] ^= 1;
      expect(kind(() => openSk({ message: bad, skOffset: 28, encr: spy, integ, keys }))).toBe('INTEGRITY_CHECK_FAILED');
      expect(decrypts).toBe(0);
    });

    it('a Pad Length larger than the decrypted data is INVALID_SYNTAX', () => {
      // One block whose last byte (Pad Length) is 0xff, with a valid ICV.
      const prefix = header(PayloadType.SK);
      const iv = new Uint8Array(16);
      const ct = encr.encrypt(keys.encrKey, iv, new Uint8Array(16).fill(0xff));
      const skHeader = fromHex('23000034');
      const body = concatBytes(prefix, skHeader, iv, ct);
      const total = body.length + 16;
      body[27] = total;
      const m = concatBytes(body, integ.compute(keys.integKey, body));
      expect(kind(() => openSk({ message: m, skOffset: 28, encr, integ, keys }))).toBe('INVALID_SYNTAX');
    });

    it('ciphertext that is not a whole number of blocks is INVALID_SYNTAX, before any crypto', () => {
      const m = seal();
      const cut = m.slice(0, m.length - 5);
      cut[27] -= 5;
      cut[31] -= 5;
      expect(kind(() => openSk({ message: cut, skOffset: 28, encr, integ, keys }))).toBe('INVALID_SYNTAX');
    });

    it('missing integrity transform is INVALID_ARGUMENT', () => {
      expect(kind(() => openSk({ message: seal(), skOffset: 28, encr, keys }))).toBe('INVALID_ARGUMENT');
    });
  });

  describe('SKF (RFC 7383 section 2.5)', () => {
    const gcm = p.encryption(EncrId.ENCR_AES_GCM_16, 128)!;
    const keys = { encrKey: new Uint8Array(20).fill(3) };
    const m = sealSk({
      prefix: header(PayloadType.SKF), nextPayload: PayloadType.IDi, plaintext: inner, encr: gcm, keys,
      iv: fromHex('0000000000000001'), fragment: { number: 1, total: 2 },
    });

    it('round-trips and exposes the fragment fields', () => {
      expect(locateSk(m, 28)).toMatchObject({ payloadType: PayloadType.SKF, fragmentNumber: 1, totalFragments: 2, ivOffset: 36 });
      expect(toHex(openSk({ message: m, skOffset: 28, encr: gcm, keys }))).toBe(toHex(inner));
    });

    it('the Fragment Number and Total Fragments fields are part of the AAD', () => {
      const bad = m.slice();
      bad[35] = 3; // Total Fragments 2 -> 3: still valid syntax, but authenticated
      expect(kind(() => openSk({ message: bad, skOffset: 28, encr: gcm, keys }))).toBe('INTEGRITY_CHECK_FAILED');
    });

    it('Fragment Number 0 or above Total Fragments is INVALID_SYNTAX', () => {
      for (const [num, total] of [[0, 2], [3, 2], [1, 0]]) {
        const bad = m.slice();
        bad[33] = num;
        bad[35] = total;
        expect(kind(() => openSk({ message: bad, skOffset: 28, encr: gcm, keys }))).toBe('INVALID_SYNTAX');
      }
    });
  });

  describe('framing errors are IkeParseErrors, never crashes', () => {
    const keys = { encrKey: fromHex(rfc7634.keyingMaterial) };
    const message = fromHex(rfc7634.message);

    it('skOffset that is not where a payload starts', () => {
      expect(kind(() => openSk({ message, skOffset: 30, encr: chacha, keys }))).toBe('INVALID_SYNTAX');
    });

    it('an SK payload that does not end the message, or a header Length that lies', () => {
      const longer = concatBytes(message, new Uint8Array(4));
      expect(kind(() => openSk({ message: longer, skOffset: 28, encr: chacha, keys }))).toBe('INVALID_SYNTAX');
      longer[27] += 4;
      expect(kind(() => openSk({ message: longer, skOffset: 28, encr: chacha, keys }))).toBe('INVALID_SYNTAX');
    });

    it('a payload that is not SK or SKF', () => {
      const bad = message.slice();
      bad[16] = PayloadType.N;
      expect(kind(() => openSk({ message: bad, skOffset: 28, encr: chacha, keys }))).toBe('INVALID_SYNTAX');
    });

    it('every truncation and every single-byte corruption ends in an IkeError', () => {
      const integ = p.integrity(IntegId.AUTH_HMAC_SHA1_96)!;
      const cbcKeys = { encrKey: new Uint8Array(24).fill(5), integKey: new Uint8Array(20).fill(6) };
      const tdes = p.encryption(EncrId.ENCR_3DES)!;
      const cbcMessage = sealSk({ prefix: header(PayloadType.SK), nextPayload: 41, plaintext: inner, encr: tdes, integ, keys: cbcKeys, iv: new Uint8Array(8) });
      const cases: Array<[Uint8Array, Encryption, Integrity | undefined, typeof cbcKeys | typeof keys]> = [
        [message, chacha, undefined, keys],
        [cbcMessage, tdes, integ, cbcKeys],
      ];
      for (const [m, encr, ig, k] of cases) {
        for (let n = 0; n < m.length; n++) {
          const cut = m.slice(0, n);
          expect(['INVALID_SYNTAX', 'INTEGRITY_CHECK_FAILED']).toContain(kind(() => openSk({ message: cut, skOffset: 28, encr, integ: ig, keys: k })));
        }
        for (let i = 0; i < m.length; i++) {
          const bad = m.slice();
          bad[i] ^= 0xff;
          expect(['INVALID_SYNTAX', 'INTEGRITY_CHECK_FAILED']).toContain(kind(() => openSk({ message: bad, skOffset: 28, encr, integ: ig, keys: k })));
        }
      }
    });
  });
});

describe('findSkOffset and arbitrary input (property)', () => {
  it('finds the SK payload after clear payloads, and nothing in a chain without one', () => {
    const withNonce = concatBytes(header(PayloadType.NONCE), fromHex('2e000008cafebabe'));
    const encr = pureProvider.encryption(EncrId.ENCR_AES_GCM_16, 128)!;
    const m = sealSk({ prefix: withNonce, nextPayload: 41, plaintext: inner, encr, keys: { encrKey: new Uint8Array(20) }, iv: new Uint8Array(8) });
    expect(findSkOffset(m)).toBe(36);
    expect(toHex(openSk({ message: m, skOffset: 36, encr, keys: { encrKey: new Uint8Array(20) } }))).toBe(toHex(inner));
    const plain = concatBytes(header(PayloadType.NONCE), fromHex('00000008cafebabe'));
    expect(findSkOffset(plain)).toBeUndefined();
  });

  it('random messages only ever produce IkeErrors', () => {
    const encr = pureProvider.encryption(EncrId.ENCR_AES_CBC, 128)!;
    const integ = pureProvider.integrity(IntegId.AUTH_HMAC_SHA2_256_128)!;
    const keys = { encrKey: new Uint8Array(16), integKey: new Uint8Array(32) };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(64), fc.boolean(), (body, skOffset, fixLength) => {
        const m = concatBytes(header(PayloadType.SK), body);
        if (fixLength) {
          m[26] = m.length >> 8;
          m[27] = m.length & 0xff;
        }
        for (const f of [() => openSk({ message: m, skOffset, encr, integ, keys }), () => findSkOffset(m)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(IkeError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
