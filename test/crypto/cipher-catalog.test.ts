/** The encryption transform catalog: key lengths, salts, IVs and where each transform may be used. */
import { describe, expect, it } from 'vitest';
import { encrInfo } from '../../src/crypto/cipher/index.js';
import { pureProvider } from '../../src/crypto/pure.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { EncrId } from '../../src/payloads/iana/ikev2.js';

describe('encrInfo', () => {
  it('RFC 7296 section 3.3.5: AES needs a Key Length attribute of 128, 192 or 256', () => {
    expect(encrInfo(EncrId.ENCR_AES_CBC)).toBeUndefined();
    expect(encrInfo(EncrId.ENCR_AES_CBC, 100)).toBeUndefined();
    expect(encrInfo(EncrId.ENCR_AES_GCM_16, 512)).toBeUndefined();
    expect(encrInfo(EncrId.ENCR_AES_CBC, 192)).toMatchObject({ keyLength: 24, ivLength: 16, blockSize: 16, keyLengthRequired: true });
  });

  it('fixed-length ciphers take no Key Length attribute (their own length is tolerated)', () => {
    expect(encrInfo(EncrId.ENCR_3DES)).toMatchObject({ keyLength: 24, ivLength: 8, keyLengthRequired: false });
    expect(encrInfo(EncrId.ENCR_3DES, 192)).toBeDefined();
    expect(encrInfo(EncrId.ENCR_3DES, 128)).toBeUndefined();
    expect(encrInfo(EncrId.ENCR_CHACHA20_POLY1305, 128)).toBeUndefined();
  });

  it('salt lengths: RFC 5930 CTR 4, RFC 5282 CCM 3 and GCM 4, RFC 7634 ChaCha20-Poly1305 4', () => {
    expect(encrInfo(EncrId.ENCR_AES_CTR, 128)?.saltLength).toBe(4);
    expect(encrInfo(EncrId.ENCR_AES_CCM_12, 128)).toMatchObject({ saltLength: 3, ivLength: 8, icvLength: 12, aead: true });
    expect(encrInfo(EncrId.ENCR_AES_GCM_8, 256)).toMatchObject({ saltLength: 4, ivLength: 8, icvLength: 8, aead: true });
    expect(encrInfo(EncrId.ENCR_CHACHA20_POLY1305)).toMatchObject({ keyLength: 32, saltLength: 4, ivLength: 8, icvLength: 16 });
  });

  it('ENCR_NULL and ENCR_NULL_AUTH_AES_GMAC are ESP-only; ENCR_DES is weak', () => {
    expect(encrInfo(EncrId.ENCR_NULL)?.ikeAllowed).toBe(false);
    expect(encrInfo(EncrId.ENCR_NULL_AUTH_AES_GMAC, 128)?.ikeAllowed).toBe(false);
    expect(encrInfo(EncrId.ENCR_DES)).toMatchObject({ weak: true, keyLength: 8 });
    expect(encrInfo(EncrId.ENCR_AES_CBC, 128)?.weak).toBe(false);
  });

  it('unimplemented transforms (ENCR_CAMELLIA_CBC, private use) are undefined on both providers', () => {
    for (const p of [pureProvider, nodeProvider]) {
      expect(p.encryption(EncrId.ENCR_CAMELLIA_CBC, 128)).toBeUndefined();
      expect(p.encryption(1024)).toBeUndefined();
      expect(p.encryption(EncrId.ENCR_AES_CBC)).toBeUndefined();
    }
  });

  it('ENCR_NULL passes data through on both providers', () => {
    for (const p of [pureProvider, nodeProvider]) {
      const e = p.encryption(EncrId.ENCR_NULL);
      expect(e && !e.aead && e.encrypt(new Uint8Array(0), new Uint8Array(0), new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    }
  });
});
