/**
 * The IKEv1 encrypted message body (RFC 2408 section 3.5; RFC 2409 section 5.3 and Appendix B):
 * everything after the ISAKMP header is CBC-encrypted with the current IV, and the IV for the
 * next message of the same exchange is the last ciphertext block. Padding is not self-describing;
 * the payload chain's lengths say where the data ends.
 */
import { IkeError, IkeParseError } from '../errors.js';
import type { Encryption } from './provider.js';

export interface BodyV1Result {
  /** Decrypted payloads, followed by whatever padding the sender added. */
  plaintext: Uint8Array;
  /** The last ciphertext block: the IV for the next message in this exchange (RFC 2409 Appendix B). */
  nextIv: Uint8Array;
}

export interface EncryptedBodyV1 {
  ciphertext: Uint8Array;
  nextIv: Uint8Array;
}

function checkCipher(cipher: Encryption, iv: Uint8Array): asserts cipher is Extract<Encryption, { aead: false }> {
  if (cipher.aead) throw new IkeError('INVALID_ARGUMENT', `${cipher.name}: IKEv1 bodies use a CBC cipher, not an AEAD`);
  if (cipher.blockSize < 2) throw new IkeError('INVALID_ARGUMENT', `${cipher.name}: IKEv1 bodies need a block cipher in CBC mode`);
  if (iv.length !== cipher.blockSize) {
    throw new IkeError('INVALID_ARGUMENT', `${cipher.name}: IV must be one ${cipher.blockSize}-byte block, got ${iv.length}`);
  }
}

/**
 * Decrypts `body` (the bytes after the 28-byte ISAKMP header) with `iv`. A body that is empty or
 * not a whole number of blocks is an IkeParseError (RFC 2409 section 5.3: the data is padded to
 * the cipher's block size).
 */
export function decryptBodyV1(cipher: Encryption, key: Uint8Array, iv: Uint8Array, body: Uint8Array): BodyV1Result {
  checkCipher(cipher, iv);
  const n = cipher.blockSize;
  if (body.length === 0 || body.length % n !== 0) {
    throw new IkeParseError('INVALID_SYNTAX', `encrypted body of ${body.length} bytes is not a positive multiple of the ${n}-byte block`, {
      payload: 'ISAKMP encrypted body',
      offset: 28,
    });
  }
  return { plaintext: cipher.decrypt(key, iv, body), nextIv: body.slice(body.length - n) };
}

/** Encrypts `plaintext`, first padding it with zero bytes to the block size (RFC 2409 section 5.3). */
export function encryptBodyV1(cipher: Encryption, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): EncryptedBodyV1 {
  checkCipher(cipher, iv);
  const n = cipher.blockSize;
  const padded = new Uint8Array(Math.max(n, Math.ceil(plaintext.length / n) * n));
  padded.set(plaintext);
  const ciphertext = cipher.encrypt(key, iv, padded);
  return { ciphertext, nextIv: ciphertext.slice(ciphertext.length - n) };
}
