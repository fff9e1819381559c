/**
 * Encryption transforms on node:crypto (OpenSSL). Lengths and key layouts come from the shared
 * catalog, so results are byte-identical to the pure provider. What OpenSSL 3's default provider
 * lacks (single DES) returns undefined, and the stacked provider falls back to the pure one.
 */
import { createCipheriv, createDecipheriv, getCiphers, type CipherGCMTypes } from 'node:crypto';
import { IkeError } from '../../errors.js';
import { aeadNonce, ctrBlock, encrInfo, type EncrInfo } from '../../crypto/cipher/index.js';
import type { Aead, Cipher, Encryption } from '../../crypto/provider.js';
import { EncrId } from '../../payloads/iana/ikev2.js';
import { constantTimeEqual } from '../../util/bytes.js';
import { sharedEncryption } from '../../crypto/cipher/shared.js';

const listed = new Set(getCiphers());
const usable = new Map<string, boolean>();

/** Listed by OpenSSL and actually constructible (a listed cipher can still sit in an unloaded provider). */
function works(algorithm: string, keyLength: number, ivLength: number): boolean {
  let ok = usable.get(algorithm);
  if (ok === undefined) {
    try {
      ok = listed.has(algorithm);
      if (ok) createCipheriv(algorithm, new Uint8Array(keyLength), new Uint8Array(ivLength));
    } catch {
      ok = false;
    }
    usable.set(algorithm, ok);
  }
  return ok;
}

function copy(b: Uint8Array): Uint8Array {
  return new Uint8Array(b);
}

function split(info: EncrInfo, key: Uint8Array, iv: Uint8Array): { k: Uint8Array; salt: Uint8Array } {
  if (key.length !== info.keyLength + info.saltLength) {
    throw new IkeError('INVALID_ARGUMENT', `${info.name}: key must be ${info.keyLength + info.saltLength} bytes, got ${key.length}`);
  }
  if (iv.length !== info.ivLength) throw new IkeError('INVALID_ARGUMENT', `${info.name}: IV must be ${info.ivLength} bytes, got ${iv.length}`);
  return { k: key.subarray(0, info.keyLength), salt: key.subarray(info.keyLength) };
}

function base(info: EncrInfo) {
  return {
    id: info.id,
    name: info.name,
    keyLength: info.keyLength,
    saltLength: info.saltLength,
    ivLength: info.ivLength,
    blockSize: info.blockSize,
  };
}

/** CBC or CTR without OpenSSL's padding; `counter` maps the IKE IV to OpenSSL's 16-byte IV. */
function streamCipher(info: EncrInfo, algorithm: string, counter: boolean): Cipher | undefined {
  if (!works(algorithm, info.keyLength, counter ? 16 : info.ivLength)) return undefined;
  const run = (key: Uint8Array, iv: Uint8Array, data: Uint8Array, encrypt: boolean): Uint8Array => {
    const { k, salt } = split(info, key, iv);
    if (data.length % info.blockSize !== 0) {
      throw new IkeError('INVALID_ARGUMENT', `${info.name}: ${data.length} bytes is not a multiple of the ${info.blockSize}-byte block`);
    }
    const osslIv = counter ? ctrBlock(salt, iv) : iv;
    const c = encrypt ? createCipheriv(algorithm, k, osslIv) : createDecipheriv(algorithm, k, osslIv);
    c.setAutoPadding(false);
    const out = new Uint8Array(data.length);
    const a = c.update(data);
    out.set(a);
    out.set(c.final(), a.length);
    return out;
  };
  return {
    ...base(info),
    aead: false,
    encrypt: (key, iv, pt) => run(key, iv, pt, true),
    decrypt: (key, iv, ct) => run(key, iv, ct, false),
  };
}

function aead(info: EncrInfo, algorithm: string): Aead | undefined {
  if (!listed.has(algorithm)) return undefined;
  const tagLength = info.icvLength;
  const options = { authTagLength: tagLength };
  const seal = (key: Uint8Array, iv: Uint8Array, pt: Uint8Array, aad: Uint8Array): Uint8Array => {
    const { k, salt } = split(info, key, iv);
    const c = createCipheriv(algorithm as CipherGCMTypes, k, aeadNonce(salt, iv), options);
    c.setAAD(aad, { plaintextLength: pt.length });
    const a = c.update(pt);
    const b = c.final();
    const t = c.getAuthTag();
    const out = new Uint8Array(a.length + b.length + t.length);
    out.set(a);
    out.set(b, a.length);
    out.set(t, a.length + b.length);
    return out;
  };
  const open = (key: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined => {
    const { k, salt } = split(info, key, iv);
    if (sealed.length < tagLength) return undefined;
    const body = sealed.subarray(0, sealed.length - tagLength);
    const d = createDecipheriv(algorithm as CipherGCMTypes, k, aeadNonce(salt, iv), options);
    try {
      d.setAuthTag(sealed.subarray(body.length));
      d.setAAD(aad, { plaintextLength: body.length });
      const a = d.update(body);
      // final() is where a bad tag throws, in every mode (for CCM, update() then returns nothing).
      const b = d.final();
      const out = new Uint8Array(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    } catch {
      return undefined;
    }
  };
  return { ...base(info), aead: true, icvLength: tagLength, seal, open };
}

/** RFC 4543 section 3.3 ESP layout, as in the pure provider: GMAC over AAD || IV || payload. */
function gmac(info: EncrInfo, algorithm: string): Aead | undefined {
  if (!listed.has(algorithm)) return undefined;
  const tagOf = (k: Uint8Array, salt: Uint8Array, iv: Uint8Array, payload: Uint8Array, aad: Uint8Array): Uint8Array => {
    const c = createCipheriv(algorithm as CipherGCMTypes, k, aeadNonce(salt, iv), { authTagLength: 16 });
    c.setAAD(Buffer.concat([aad, iv, payload]));
    c.final();
    return copy(c.getAuthTag());
  };
  return {
    ...base(info),
    aead: true,
    icvLength: 16,
    seal: (key, iv, pt, aad) => {
      const { k, salt } = split(info, key, iv);
      const out = new Uint8Array(pt.length + 16);
      out.set(pt);
      out.set(tagOf(k, salt, iv, pt, aad), pt.length);
      return out;
    },
    open: (key, iv, sealed, aad) => {
      const { k, salt } = split(info, key, iv);
      if (sealed.length < 16) return undefined;
      const payload = sealed.subarray(0, sealed.length - 16);
      return constantTimeEqual(tagOf(k, salt, iv, payload, aad), sealed.subarray(payload.length)) ? copy(payload) : undefined;
    },
  };
}

/** Shared algorithm objects, one per transform and key size. */
export const nodeEncryption = sharedEncryption(makeNodeEncryption);

function makeNodeEncryption(id: number, keyBits?: number): Encryption | undefined {
  const info = encrInfo(id, keyBits);
  if (!info) return undefined;
  const bits = info.keyLength * 8;
  switch (id) {
    case EncrId.ENCR_3DES:
      return streamCipher(info, 'des-ede3-cbc', false);
    case EncrId.ENCR_DES:
      // OpenSSL 3 keeps single DES in the legacy provider; 'des-cbc' is listed only when loaded.
      return streamCipher(info, 'des-cbc', false);
    case EncrId.ENCR_AES_CBC:
      return streamCipher(info, `aes-${bits}-cbc`, false);
    case EncrId.ENCR_AES_CTR:
      return streamCipher(info, `aes-${bits}-ctr`, true);
    case EncrId.ENCR_AES_GCM_8:
    case EncrId.ENCR_AES_GCM_12:
    case EncrId.ENCR_AES_GCM_16:
      return aead(info, `aes-${bits}-gcm`);
    case EncrId.ENCR_AES_CCM_8:
    case EncrId.ENCR_AES_CCM_12:
    case EncrId.ENCR_AES_CCM_16:
      return aead(info, `aes-${bits}-ccm`);
    case EncrId.ENCR_CHACHA20_POLY1305:
      return aead(info, 'chacha20-poly1305');
    case EncrId.ENCR_NULL_AUTH_AES_GMAC:
      return gmac(info, `aes-${bits}-gcm`);
    default:
      // ENCR_NULL needs no OpenSSL; the pure provider serves it.
      return undefined;
  }
}
