/**
 * The PRF and integrity catalog against the lengths the RFCs fix for each transform ID.
 */
import { describe, expect, it } from 'vitest';
import { integCatalog, integInfo, prfCatalog, prfInfo } from '../../src/crypto/catalog.js';
import { IntegId, PrfId } from '../../src/payloads/iana/ikev2.js';

describe('PRF catalog (Transform Type 2)', () => {
  it('covers every IANA PRF transform ID, named as the registry names it', () => {
    for (const [name, id] of PrfId.entries) {
      const info = prfInfo(id);
      expect(info, name).toBeDefined();
      expect(info!.name).toBe(name);
      expect(info!.id).toBe(id);
    }
    expect(prfCatalog.map((e) => e.id)).toEqual([...prfCatalog.map((e) => e.id)].sort((a, b) => a - b));
  });

  // [id, output length, preferred key length, variable key length]
  const expected: Array<[number, number, number, boolean, string]> = [
    [PrfId.PRF_HMAC_MD5, 16, 16, true, 'RFC 2104: HMAC keeps the hash output length'],
    [PrfId.PRF_HMAC_SHA1, 20, 20, true, 'RFC 2104'],
    [PrfId.PRF_HMAC_TIGER, 24, 24, true, 'Tiger is a 192-bit hash'],
    [PrfId.PRF_AES128_XCBC, 16, 16, false, 'RFC 4434 section 2: 128-bit key and output'],
    [PrfId.PRF_HMAC_SHA2_256, 32, 32, true, 'RFC 4868 section 2.1.2: key length equals output length'],
    [PrfId.PRF_HMAC_SHA2_384, 48, 48, true, 'RFC 4868 section 2.1.2'],
    [PrfId.PRF_HMAC_SHA2_512, 64, 64, true, 'RFC 4868 section 2.1.2'],
    [PrfId.PRF_AES128_CMAC, 16, 16, false, 'RFC 4615 section 3: 128-bit key and output'],
    [PrfId.PRF_HMAC_STREEBOG_512, 64, 64, true, 'RFC 9385: Streebog-512 output'],
  ];

  it.each(expected)('PRF %i: output %i bytes, key %i bytes, variable key length %s (%s)', (id, out, key, variable) => {
    const info = prfInfo(id)!;
    expect(info.outputLength).toBe(out);
    expect(info.keyLength).toBe(key);
    expect(info.variableKeyLength).toBe(variable);
  });

  it('unknown IDs give undefined', () => {
    for (const id of [0, 10, 1023, 1024, 65535, -1, 1.5]) expect(prfInfo(id)).toBeUndefined();
  });
});

describe('integrity catalog (Transform Type 3)', () => {
  it('covers every IANA integrity transform ID except the two with no IKEv2 lengths (DES-MAC, KPDK-MD5)', () => {
    for (const [name, id] of IntegId.entries) {
      const info = integInfo(id);
      if (id === IntegId.AUTH_DES_MAC || id === IntegId.AUTH_KPDK_MD5) {
        expect(info, name).toBeUndefined();
        continue;
      }
      expect(info, name).toBeDefined();
      expect(info!.name).toBe(name);
      expect(info!.id).toBe(id);
    }
  });

  // [id, key length, ICV length, full MAC length, usable for the IKE SA]
  const expected: Array<[number, number, number, number, boolean, string]> = [
    [IntegId.NONE, 0, 0, 0, false, 'RFC 7296 section 3.3.2: only with an AEAD'],
    [IntegId.AUTH_HMAC_MD5_96, 16, 12, 16, true, 'RFC 2403 section 3'],
    [IntegId.AUTH_HMAC_SHA1_96, 20, 12, 20, true, 'RFC 2404 section 3'],
    [IntegId.AUTH_AES_XCBC_96, 16, 12, 16, true, 'RFC 3566 section 4'],
    [IntegId.AUTH_HMAC_MD5_128, 16, 16, 16, true, 'RFC 4595: untruncated HMAC-MD5'],
    [IntegId.AUTH_HMAC_SHA1_160, 20, 20, 20, true, 'RFC 4595: untruncated HMAC-SHA1'],
    [IntegId.AUTH_AES_CMAC_96, 16, 12, 16, true, 'RFC 4494 section 2'],
    [IntegId.AUTH_AES_128_GMAC, 20, 16, 16, false, 'RFC 4543: 16-byte key + 4-byte salt, ESP/AH only'],
    [IntegId.AUTH_AES_192_GMAC, 28, 16, 16, false, 'RFC 4543'],
    [IntegId.AUTH_AES_256_GMAC, 36, 16, 16, false, 'RFC 4543'],
    [IntegId.AUTH_HMAC_SHA2_256_128, 32, 16, 32, true, 'RFC 4868 sections 2.1.1 and 2.3'],
    [IntegId.AUTH_HMAC_SHA2_384_192, 48, 24, 48, true, 'RFC 4868 sections 2.1.1 and 2.3'],
    [IntegId.AUTH_HMAC_SHA2_512_256, 64, 32, 64, true, 'RFC 4868 sections 2.1.1 and 2.3'],
  ];

  it.each(expected)('INTEG %i: key %i bytes, ICV %i bytes of a %i-byte MAC, IKE SA %s (%s)', (id, key, icv, mac, ike) => {
    const info = integInfo(id)!;
    expect(info.keyLength).toBe(key);
    expect(info.icvLength).toBe(icv);
    expect(info.macLength).toBe(mac);
    expect(info.ikeSa).toBe(ike);
  });

  it('an ICV is never longer than its MAC, and only GMAC carries a salt', () => {
    for (const e of integCatalog) {
      expect(e.icvLength).toBeLessThanOrEqual(e.macLength);
      expect(e.saltLength).toBe(e.construction === 'aes-gmac' ? 4 : 0);
    }
  });

  it('unknown IDs give undefined', () => {
    for (const id of [15, 1023, 1024, 65535, -1]) expect(integInfo(id)).toBeUndefined();
  });
});

describe('catalog is a frozen data table', () => {
  it('entries and lists cannot be changed by a caller', () => {
    expect(Object.isFrozen(prfCatalog)).toBe(true);
    expect(Object.isFrozen(integCatalog)).toBe(true);
    expect(Object.isFrozen(prfInfo(PrfId.PRF_HMAC_SHA2_256))).toBe(true);
    expect(Object.isFrozen(integInfo(IntegId.AUTH_HMAC_SHA2_256_128))).toBe(true);
  });
});
