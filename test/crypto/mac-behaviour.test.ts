/**
 * The rules around the MACs that the RFC known answers do not pin down alone: hash known answers,
 * the PRF key-length rules of RFC 4434 and RFC 4615, integrity key and ICV lengths, and that the
 * node:crypto objects give the same bytes as the pure ones.
 */
import { cmac as nobleCmac } from '@noble/ciphers/aes.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { integInfo, prfInfo } from '../../src/crypto/catalog.js';
import {
  aesCmac,
  aesCmacPrf128,
  aesXcbcMac,
  aesXcbcPrf128,
  hashLength,
  hmac,
  isHashName,
  pureHash,
  pureIntegrity,
  purePrf,
} from '../../src/crypto/mac/index.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { CryptoProvider, HashName } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import { nodeHash, nodeIntegrity, nodePrf } from '../../src/node/crypto/mac.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { IntegId, PrfId } from '../../src/payloads/iana/ikev2.js';
import { concatBytes, fromHex, toHex, utf8Encode } from '../../src/util/bytes.js';

const providers: Array<[string, CryptoProvider]> = [
  ['pure', pureProvider],
  ['node', nodeProvider],
];

const HMAC_PRFS = [PrfId.PRF_HMAC_MD5, PrfId.PRF_HMAC_SHA1, PrfId.PRF_HMAC_SHA2_256, PrfId.PRF_HMAC_SHA2_384, PrfId.PRF_HMAC_SHA2_512];
const AES_PRFS = [PrfId.PRF_AES128_XCBC, PrfId.PRF_AES128_CMAC];
const HMAC_INTEGS = [
  IntegId.AUTH_HMAC_MD5_96,
  IntegId.AUTH_HMAC_SHA1_96,
  IntegId.AUTH_HMAC_MD5_128,
  IntegId.AUTH_HMAC_SHA1_160,
  IntegId.AUTH_HMAC_SHA2_256_128,
  IntegId.AUTH_HMAC_SHA2_384_192,
  IntegId.AUTH_HMAC_SHA2_512_256,
];
const AES_INTEGS = [IntegId.AUTH_AES_XCBC_96, IntegId.AUTH_AES_CMAC_96];

describe('hashes', () => {
  // RFC 1321 appendix A.5 and FIPS 180-2 appendices A.1, B.1, C.1, D.1 ("abc").
  const abc: Array<[HashName, string]> = [
    ['md5', '900150983cd24fb0d6963f7d28e17f72'],
    ['sha1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['sha384', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
    [
      'sha512',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
  ];

  it.each(abc)('%s("abc") matches RFC 1321 / FIPS 180-2 on every path', (name, expected) => {
    const data = utf8Encode('abc');
    expect(toHex(pureHash(name, data))).toBe(expected);
    expect(toHex(nodeHash(name, data)!)).toBe(expected);
    for (const [, p] of providers) expect(toHex(p.hash(name, data))).toBe(expected);
    expect(hashLength(name)).toBe(expected.length / 2);
  });

  it('MD5("") matches RFC 1321 appendix A.5', () => {
    expect(toHex(pureHash('md5', new Uint8Array()))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(toHex(nodeHash('md5', new Uint8Array())!)).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('an unknown hash name is an IkeError, not a TypeError; node:crypto answers undefined', () => {
    expect(() => pureHash('sha3' as HashName, new Uint8Array())).toThrow(IkeError);
    expect(() => hmac('whirlpool' as HashName, new Uint8Array(), new Uint8Array())).toThrow(IkeError);
    expect(nodeHash('sha3' as HashName, new Uint8Array())).toBeUndefined();
    expect(isHashName('sha256')).toBe(true);
    expect(isHashName('toString')).toBe(false);
  });

  it('node:crypto hands back a plain Uint8Array that it does not share', () => {
    const out = nodeHash('sha256', utf8Encode('abc'))!;
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(32);
  });
});

describe('node:crypto and pure give the same bytes', () => {
  it.each(HMAC_PRFS)('PRF %i: node:crypto implements it and matches pure for any key and data', (id) => {
    const node = nodePrf(id)!;
    const pure = purePrf(id)!;
    expect(node).toBeDefined();
    expect(nodeProvider.prf(id)).toBe(node);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        expect(toHex(node.compute(key, data))).toBe(toHex(pure.compute(key, data)));
      }),
      { numRuns: 60 },
    );
  });

  it.each(HMAC_INTEGS)('INTEG %i: node:crypto implements it and matches pure', (id) => {
    const node = nodeIntegrity(id)!;
    const pure = pureIntegrity(id)!;
    expect(node).toBeDefined();
    expect(nodeProvider.integrity(id)).toBe(node);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: pure.keyLength, maxLength: pure.keyLength }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        const icv = pure.compute(key, data);
        expect(toHex(node.compute(key, data))).toBe(toHex(icv));
        expect(node.verify(key, data, icv)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it.each(AES_PRFS)('PRF %i over AES: node:crypto declines and the node provider falls back to pure', (id) => {
    expect(nodePrf(id)).toBeUndefined();
    expect(nodeProvider.prf(id)).toBeDefined();
    expect(nodeProvider.prf(id)).toBe(pureProvider.prf(id));
  });

  it.each(AES_INTEGS)('INTEG %i over AES: node:crypto declines and the node provider falls back to pure', (id) => {
    expect(nodeIntegrity(id)).toBeUndefined();
    expect(nodeProvider.integrity(id)).toBeDefined();
    expect(nodeProvider.integrity(id)).toBe(pureProvider.integrity(id));
  });
});

describe('AES-XCBC-PRF-128 key rule (RFC 4434 section 2)', () => {
  it('a key shorter than 16 bytes is padded on the right with zero bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 15 }), fc.uint8Array({ maxLength: 100 }), (key, data) => {
        const padded = new Uint8Array(16);
        padded.set(key);
        expect(toHex(aesXcbcPrf128(key, data))).toBe(toHex(aesXcbcMac(padded, data)));
      }),
      { numRuns: 50 },
    );
  });

  it('a key longer than 16 bytes is replaced by AES-XCBC-PRF-128 of it under the all-zero key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 17, maxLength: 80 }), fc.uint8Array({ maxLength: 100 }), (key, data) => {
        const shortened = aesXcbcMac(new Uint8Array(16), key);
        expect(toHex(aesXcbcPrf128(key, data))).toBe(toHex(aesXcbcMac(shortened, data)));
      }),
      { numRuns: 50 },
    );
  });

  it('the PRF transform applies the rule on both providers', () => {
    const key = fromHex('00010203040506070809');
    const data = fromHex('000102030405060708090a0b0c0d0e0f10111213');
    for (const [, p] of providers) expect(toHex(p.prf(PrfId.PRF_AES128_XCBC)!.compute(key, data))).toBe('0fa087af7d866e7653434e602fdde835');
  });
});

describe('AES-CMAC-PRF-128 key rule (RFC 4615 section 3)', () => {
  it('a key of any length but 16 bytes, shorter or longer, is replaced by AES-CMAC(0^128, key)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }).filter((k) => k.length !== 16),
        fc.uint8Array({ maxLength: 100 }),
        (key, data) => {
          const derived = aesCmac(new Uint8Array(16), key);
          expect(toHex(aesCmacPrf128(key, data))).toBe(toHex(aesCmac(derived, data)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('so a short key is not zero-padded as it is for XCBC (RFC 4615 test vector, 10-byte key)', () => {
    const key = fromHex('00010203040506070809');
    const data = fromHex('000102030405060708090a0b0c0d0e0f10111213');
    const padded = concatBytes(key, new Uint8Array(6));
    expect(toHex(aesCmacPrf128(key, data))).toBe('290d9e112edb09ee141fcf64c0b72f3d');
    expect(toHex(aesCmac(padded, data))).not.toBe('290d9e112edb09ee141fcf64c0b72f3d');
  });
});

describe('AES-XCBC-MAC and AES-CMAC building blocks', () => {
  it('take only 16-byte AES-128 keys (RFC 3566 section 2.1, RFC 4493 section 1), as an IkeError', () => {
    for (const len of [0, 15, 17, 24, 32]) {
      const key = new Uint8Array(len);
      for (const f of [aesXcbcMac, aesCmac]) {
        let err: unknown;
        try {
          f(key, new Uint8Array(3));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(IkeError);
        expect((err as IkeError).kind).toBe('INVALID_ARGUMENT');
      }
    }
  });

  it('AES-CMAC agrees with the independent CMAC of @noble/ciphers (RFC 4493)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 200 }), (key, data) => {
        expect(toHex(aesCmac(key, data))).toBe(toHex(nobleCmac(data, key)));
      }),
      { numRuns: 50 },
    );
  });

  it('the 10* padding keeps a message and the message with a trailing zero apart (RFC 3566 section 4, RFC 4493 section 2.4)', () => {
    const key = fromHex('000102030405060708090a0b0c0d0e0f');
    for (const f of [aesXcbcMac, aesCmac]) {
      expect(toHex(f(key, new Uint8Array()))).not.toBe(toHex(f(key, new Uint8Array(1))));
      expect(toHex(f(key, fromHex('010203')))).not.toBe(toHex(f(key, fromHex('01020300'))));
      const block = new Uint8Array(16).fill(7);
      const paddedByHand = new Uint8Array(16).fill(7);
      paddedByHand[15] = 0x80;
      expect(toHex(f(key, block.subarray(0, 15)))).not.toBe(toHex(f(key, paddedByHand)));
    }
  });

  it('never changes the caller key or data', () => {
    const key18 = fromHex('000102030405060708090a0b0c0d0e0fedcb');
    const key16 = key18.slice(0, 16);
    const data = fromHex('000102030405060708090a0b0c0d0e0f10111213');
    for (const f of [aesXcbcMac, aesCmac, aesXcbcPrf128, aesCmacPrf128]) f(key16, data);
    for (const f of [aesXcbcPrf128, aesCmacPrf128]) f(key18, data);
    expect(toHex(key18)).toBe('000102030405060708090a0b0c0d0e0fedcb');
    expect(toHex(key16)).toBe('000102030405060708090a0b0c0d0e0f');
    expect(toHex(data)).toBe('000102030405060708090a0b0c0d0e0f10111213');
  });
});

describe('integrity transforms', () => {
  for (const [pname, p] of providers) {
    it.each([...HMAC_INTEGS, ...AES_INTEGS])(`${pname}: INTEG %i takes only keys of its keyLength (RFC 4868 section 2.1.1, RFC 2404 section 3)`, (id) => {
      const integ = p.integrity(id)!;
      for (const len of [0, integ.keyLength - 1, integ.keyLength + 1]) {
        let err: unknown;
        try {
          integ.compute(new Uint8Array(len), new Uint8Array(8));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(IkeError);
        expect((err as IkeError).kind).toBe('INVALID_ARGUMENT');
      }
    });

    it.each([...HMAC_INTEGS, ...AES_INTEGS])(`${pname}: INTEG %i rejects an ICV of the wrong length or with any one bit flipped`, (id) => {
      const integ = p.integrity(id)!;
      const key = new Uint8Array(integ.keyLength).map((_, i) => i * 7 + 1);
      const data = utf8Encode('IKE_AUTH request, encrypted and integrity protected');
      const icv = integ.compute(key, data);
      expect(integ.verify(key, data, icv)).toBe(true);
      expect(integ.verify(key, data, icv.subarray(0, icv.length - 1))).toBe(false);
      expect(integ.verify(key, data, concatBytes(icv, new Uint8Array(1)))).toBe(false);
      for (let bit = 0; bit < icv.length * 8; bit++) {
        const bad = icv.slice();
        bad[bit >> 3] ^= 0x80 >> (bit & 7);
        expect(integ.verify(key, data, bad)).toBe(false);
      }
    });
  }

  it('unimplemented or undefined transform IDs give undefined, never a throw', () => {
    for (const [, p] of providers) {
      for (const id of [PrfId.PRF_HMAC_TIGER, PrfId.PRF_HMAC_STREEBOG_512, 0, 10, 1024, 65535]) expect(p.prf(id)).toBeUndefined();
      for (const id of [
        IntegId.NONE,
        IntegId.AUTH_DES_MAC,
        IntegId.AUTH_KPDK_MD5,
        IntegId.AUTH_AES_128_GMAC,
        IntegId.AUTH_AES_192_GMAC,
        IntegId.AUTH_AES_256_GMAC,
        15,
        1024,
      ]) {
        expect(p.integrity(id)).toBeUndefined();
      }
    }
  });
});

describe('provider objects carry the catalog metadata', () => {
  for (const [pname, p] of providers) {
    it.each([...HMAC_PRFS, ...AES_PRFS])(`${pname}: PRF %i`, (id) => {
      const prf = p.prf(id)!;
      const info = prfInfo(id)!;
      expect({ id: prf.id, name: prf.name, outputLength: prf.outputLength, keyLength: prf.keyLength }).toEqual({
        id: info.id,
        name: info.name,
        outputLength: info.outputLength,
        keyLength: info.keyLength,
      });
      expect(prf.compute(new Uint8Array(prf.keyLength), new Uint8Array(5)).length).toBe(prf.outputLength);
    });

    it.each([...HMAC_INTEGS, ...AES_INTEGS])(`${pname}: INTEG %i`, (id) => {
      const integ = p.integrity(id)!;
      const info = integInfo(id)!;
      expect({ id: integ.id, name: integ.name, keyLength: integ.keyLength, icvLength: integ.icvLength }).toEqual({
        id: info.id,
        name: info.name,
        keyLength: info.keyLength,
        icvLength: info.icvLength,
      });
    });
  }
});
