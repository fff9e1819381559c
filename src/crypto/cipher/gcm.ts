/**
 * AES-GCM with IKE/ESP's short tags (RFC 4106 section 6: 8, 12 or 16 bytes; RFC 5282) and GMAC
 * (RFC 4543), on @noble/ciphers, whose GCM always produces a 16-byte tag. A short tag is the
 * leading bytes of the full one (NIST SP 800-38D section 7.1, MSB_t).
 */
import { ctr, gcm } from '@noble/ciphers/aes.js';
import { concatBytes, constantTimeEqual, wipe } from '../../util/bytes.js';

const FULL_TAG = 16;

/** Returns ciphertext || the first tagLength bytes of the tag. nonce = salt || IV (12 bytes). */
export function gcmSeal(key: Uint8Array, nonce: Uint8Array, tagLength: number, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const full = gcm(key, nonce, aad).encrypt(plaintext);
  return tagLength === FULL_TAG ? full : full.slice(0, plaintext.length + tagLength);
}

/** Returns the plaintext, or undefined when the (possibly short) tag does not verify. */
export function gcmOpen(key: Uint8Array, nonce: Uint8Array, tagLength: number, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (sealed.length < tagLength) return undefined;
  if (tagLength === FULL_TAG) {
    try {
      return gcm(key, nonce, aad).decrypt(sealed);
    } catch {
      return undefined;
    }
  }
  // SP 800-38D section 7.2: the payload is CTR from inc32(J0), J0 = nonce || 0^31 || 1.
  const body = sealed.subarray(0, sealed.length - tagLength);
  const counter = new Uint8Array(16);
  counter.set(nonce);
  counter[15] = 2;
  const plaintext = body.length > 0 ? ctr(key, counter).decrypt(body) : new Uint8Array(0);
  // Re-encrypting the candidate plaintext gives the same ciphertext and the full tag for it.
  const again = gcm(key, nonce, aad).encrypt(plaintext);
  const ok = constantTimeEqual(again.subarray(body.length, body.length + tagLength), sealed.subarray(body.length));
  if (!ok) {
    wipe(plaintext);
    return undefined;
  }
  return plaintext;
}

/**
 * ENCR_NULL_AUTH_AES_GMAC in the ESP layout of RFC 4543 section 3.3: the caller passes the same
 * AAD as for GCM (SPI || Sequence Number); GMAC authenticates AAD || IV || payload and encrypts
 * nothing. Returns payload || 16-byte tag.
 */
export function gmacSeal(key: Uint8Array, salt: Uint8Array, iv: Uint8Array, payload: Uint8Array, aad: Uint8Array): Uint8Array {
  const nonce = concatBytes(salt, iv);
  const authenticated = concatBytes(aad, iv, payload);
  const t = gcm(key, nonce, authenticated).encrypt(new Uint8Array(0));
  const out = new Uint8Array(payload.length + FULL_TAG);
  out.set(payload);
  out.set(t, payload.length);
  return out;
}

export function gmacOpen(key: Uint8Array, salt: Uint8Array, iv: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (sealed.length < FULL_TAG) return undefined;
  const payload = sealed.subarray(0, sealed.length - FULL_TAG);
  const expected = gmacSeal(key, salt, iv, payload, aad);
  return constantTimeEqual(expected.subarray(payload.length), sealed.subarray(payload.length)) ? payload.slice() : undefined;
}
