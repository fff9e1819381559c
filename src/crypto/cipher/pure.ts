/** The pure-TypeScript encryption transforms (@noble/ciphers, plus DES/3DES and CCM from this folder). */
import { cbc, ctr } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { EncrId } from '../../payloads/iana/ikev2.js';
import { IkeError } from '../../errors.js';
import type { Aead, Cipher, Encryption } from '../provider.js';
import { encrInfo, type EncrInfo } from './catalog.js';
import { cbcDecrypt, cbcEncrypt, type BlockFunction } from './cbc.js';
import { ccmOpen, ccmSeal } from './ccm.js';
import { desBlock, tripleDesBlock } from './des.js';
import { gcmOpen, gcmSeal, gmacOpen, gmacSeal } from './gcm.js';
import { sharedEncryption } from './shared.js';

/** Splits the keying material into cipher key and salt, checking both lengths and the IV's. */
export function splitKey(info: EncrInfo, key: Uint8Array, iv: Uint8Array): { k: Uint8Array; salt: Uint8Array } {
  if (key.length !== info.keyLength + info.saltLength) {
    throw new IkeError('INVALID_ARGUMENT', `${info.name}: key must be ${info.keyLength + info.saltLength} bytes, got ${key.length}`);
  }
  if (iv.length !== info.ivLength) throw new IkeError('INVALID_ARGUMENT', `${info.name}: IV must be ${info.ivLength} bytes, got ${iv.length}`);
  return { k: key.subarray(0, info.keyLength), salt: key.subarray(info.keyLength) };
}

/** RFC 3686 section 4: counter block = nonce || IV || 00000001. */
export function ctrBlock(salt: Uint8Array, iv: Uint8Array): Uint8Array {
  const b = new Uint8Array(16);
  b.set(salt);
  b.set(iv, 4);
  b[15] = 1;
  return b;
}

/** RFC 4309 section 4 / RFC 4106 section 4 / RFC 7634 section 2: nonce = salt || IV. */
export function aeadNonce(salt: Uint8Array, iv: Uint8Array): Uint8Array {
  const n = new Uint8Array(salt.length + iv.length);
  n.set(salt);
  n.set(iv, salt.length);
  return n;
}

function checkBlocks(info: EncrInfo, data: Uint8Array): void {
  if (data.length % info.blockSize !== 0) {
    throw new IkeError('INVALID_ARGUMENT', `${info.name}: ${data.length} bytes is not a multiple of the ${info.blockSize}-byte block`);
  }
}

function cipherOf(info: EncrInfo, run: (k: Uint8Array, salt: Uint8Array, iv: Uint8Array, data: Uint8Array, encrypt: boolean) => Uint8Array): Cipher {
  const go = (key: Uint8Array, iv: Uint8Array, data: Uint8Array, encrypt: boolean) => {
    const { k, salt } = splitKey(info, key, iv);
    checkBlocks(info, data);
    return run(k, salt, iv, data, encrypt);
  };
  return {
    id: info.id,
    name: info.name,
    keyLength: info.keyLength,
    saltLength: info.saltLength,
    ivLength: info.ivLength,
    blockSize: info.blockSize,
    aead: false,
    encrypt: (key, iv, pt) => go(key, iv, pt, true),
    decrypt: (key, iv, ct) => go(key, iv, ct, false),
  };
}

function aeadOf(
  info: EncrInfo,
  seal: (k: Uint8Array, salt: Uint8Array, iv: Uint8Array, pt: Uint8Array, aad: Uint8Array) => Uint8Array,
  open: (k: Uint8Array, salt: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array) => Uint8Array | undefined,
): Aead {
  return {
    id: info.id,
    name: info.name,
    keyLength: info.keyLength,
    saltLength: info.saltLength,
    ivLength: info.ivLength,
    blockSize: info.blockSize,
    icvLength: info.icvLength,
    aead: true,
    seal: (key, iv, pt, aad) => {
      const { k, salt } = splitKey(info, key, iv);
      return seal(k, salt, iv, pt, aad);
    },
    open: (key, iv, sealed, aad) => {
      const { k, salt } = splitKey(info, key, iv);
      if (sealed.length < info.icvLength) return undefined;
      return open(k, salt, iv, sealed, aad);
    },
  };
}

function blockCipher(info: EncrInfo, make: (k: Uint8Array) => BlockFunction): Cipher {
  return cipherOf(info, (k, _salt, iv, data, encrypt) => (encrypt ? cbcEncrypt : cbcDecrypt)(make(k), iv, data));
}

/**
 * The encryption transform `id` (IKEv2 Transform ID) with Key Length attribute `keyBits`, or
 * undefined when unsupported or when the key length does not fit the transform.
 */
/** Shared algorithm objects, one per transform and key size. */
export const pureEncryption = sharedEncryption(makePureEncryption);

function makePureEncryption(id: number, keyBits?: number): Encryption | undefined {
  const info = encrInfo(id, keyBits);
  if (!info) return undefined;
  const tag = info.icvLength;
  switch (id) {
    case EncrId.ENCR_DES:
      return blockCipher(info, desBlock);
    case EncrId.ENCR_3DES:
      return blockCipher(info, tripleDesBlock);
    case EncrId.ENCR_NULL:
      return cipherOf(info, (_k, _s, _iv, data) => data.slice());
    case EncrId.ENCR_AES_CBC:
      return cipherOf(info, (k, _s, iv, data, encrypt) => {
        const c = cbc(k, iv, { disablePadding: true });
        return encrypt ? c.encrypt(data) : c.decrypt(data);
      });
    case EncrId.ENCR_AES_CTR:
      return cipherOf(info, (k, salt, iv, data) => (data.length === 0 ? new Uint8Array(0) : ctr(k, ctrBlock(salt, iv)).encrypt(data)));
    case EncrId.ENCR_AES_GCM_8:
    case EncrId.ENCR_AES_GCM_12:
    case EncrId.ENCR_AES_GCM_16:
      return aeadOf(
        info,
        (k, salt, iv, pt, aad) => gcmSeal(k, aeadNonce(salt, iv), tag, pt, aad),
        (k, salt, iv, sealed, aad) => gcmOpen(k, aeadNonce(salt, iv), tag, sealed, aad),
      );
    case EncrId.ENCR_AES_CCM_8:
    case EncrId.ENCR_AES_CCM_12:
    case EncrId.ENCR_AES_CCM_16:
      return aeadOf(
        info,
        (k, salt, iv, pt, aad) => ccmSeal(k, aeadNonce(salt, iv), tag, pt, aad),
        (k, salt, iv, sealed, aad) => ccmOpen(k, aeadNonce(salt, iv), tag, sealed, aad),
      );
    case EncrId.ENCR_NULL_AUTH_AES_GMAC:
      return aeadOf(info, gmacSeal, gmacOpen);
    case EncrId.ENCR_CHACHA20_POLY1305:
      return aeadOf(
        info,
        (k, salt, iv, pt, aad) => chacha20poly1305(k, aeadNonce(salt, iv), aad).encrypt(pt),
        (k, salt, iv, sealed, aad) => {
          try {
            return chacha20poly1305(k, aeadNonce(salt, iv), aad).decrypt(sealed);
          } catch {
            return undefined;
          }
        },
      );
    default:
      return undefined;
  }
}
