/** The IKEv1 encrypted body (RFC 2408 section 3.5; RFC 2409 section 5.3 and Appendix B IV chaining). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decryptBodyV1, encryptBodyV1 } from '../../src/crypto/ikev1-body.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { IkeError } from '../../src/errors.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { EncrId } from '../../src/payloads/iana/ikev2.js';
import { fromHex, toHex, utf8Encode } from '../../src/util/bytes.js';

const cbc = JSON.parse(readFileSync(fileURLToPath(new URL('../../vectors/rfc3602-aes-cbc.json', import.meta.url)), 'utf8'));
const des = JSON.parse(readFileSync(fileURLToPath(new URL('../../vectors/des-fips81-sp800-67.json', import.meta.url)), 'utf8'));
// RFC 3602 section 4, Case #4: four blocks.
const case4 = cbc.cases[3];

function kind(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof IkeError) return e.kind;
    throw e;
  }
  return 'none';
}

describe.each([['pure', pureProvider], ['node', nodeProvider]] as Array<[string, CryptoProvider]>)('%s provider', (_n, p) => {
  const aes = p.encryption(EncrId.ENCR_AES_CBC, 128)!;
  const key = fromHex(case4.key);
  const iv = fromHex(case4.iv);
  const pt = fromHex(case4.plaintext);
  const ct = fromHex(case4.ciphertext);

  it('Appendix B: the next IV is the last ciphertext block, so two messages chain like one CBC run (RFC 3602 Case #4)', () => {
    const first = encryptBodyV1(aes, key, iv, pt.subarray(0, 32));
    expect(toHex(first.ciphertext)).toBe(toHex(ct.subarray(0, 32)));
    expect(toHex(first.nextIv)).toBe(toHex(ct.subarray(16, 32)));
    const second = encryptBodyV1(aes, key, first.nextIv, pt.subarray(32));
    expect(toHex(second.ciphertext)).toBe(toHex(ct.subarray(32)));

    const d1 = decryptBodyV1(aes, key, iv, ct.subarray(0, 32));
    expect(toHex(d1.plaintext)).toBe(toHex(pt.subarray(0, 32)));
    const d2 = decryptBodyV1(aes, key, d1.nextIv, ct.subarray(32));
    expect(toHex(d2.plaintext)).toBe(toHex(pt.subarray(32)));
    expect(toHex(d2.nextIv)).toBe(toHex(ct.subarray(48)));
  });

  it('section 5.3: a short last block is padded with zeros', () => {
    const r = encryptBodyV1(aes, key, iv, pt.subarray(0, 30));
    expect(r.ciphertext.length).toBe(32);
    expect(toHex(r.ciphertext.subarray(0, 16))).toBe(toHex(ct.subarray(0, 16)));
    expect(toHex(decryptBodyV1(aes, key, iv, r.ciphertext).plaintext)).toBe(toHex(pt.subarray(0, 30)) + '0000');
  });

  it('3DES bodies (8-byte blocks): FIPS 81 DES-CBC chain through ENCR_DES', () => {
    const e = p.encryption(EncrId.ENCR_DES)!;
    const r = decryptBodyV1(e, fromHex(des.des.key), fromHex(des.des.iv), fromHex(des.des.cbc));
    expect(new TextDecoder().decode(r.plaintext)).toBe(des.des.plaintextAscii);
    expect(toHex(r.nextIv)).toBe(des.des.cbc.slice(-16));
    expect(toHex(encryptBodyV1(e, fromHex(des.des.key), fromHex(des.des.iv), utf8Encode(des.des.plaintextAscii)).ciphertext)).toBe(des.des.cbc);
  });

  it('a body that is empty or not whole blocks is INVALID_SYNTAX; an AEAD or wrong IV is INVALID_ARGUMENT', () => {
    expect(kind(() => decryptBodyV1(aes, key, iv, ct.subarray(0, 17)))).toBe('INVALID_SYNTAX');
    expect(kind(() => decryptBodyV1(aes, key, iv, new Uint8Array(0)))).toBe('INVALID_SYNTAX');
    expect(kind(() => decryptBodyV1(aes, key, iv.subarray(0, 8), ct))).toBe('INVALID_ARGUMENT');
    expect(kind(() => decryptBodyV1(p.encryption(EncrId.ENCR_AES_GCM_16, 128)!, key, iv, ct))).toBe('INVALID_ARGUMENT');
  });
});
