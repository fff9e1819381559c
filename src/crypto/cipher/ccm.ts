/**
 * Counter with CBC-MAC (RFC 3610; NIST SP 800-38C) on the AES block function of @noble/ciphers,
 * which has no CCM. Generic over the nonce length (7..13 bytes) and the tag length; IKE and ESP use
 * an 11-byte nonce, so a 4-byte length field (RFC 4309 section 4).
 */
import { cbc, ctr, ecb } from '@noble/ciphers/aes.js';
import { IkeError } from '../../errors.js';
import { constantTimeEqual, wipe } from '../../util/bytes.js';

const BLOCK = 16;

function checkParams(nonce: Uint8Array, tagLength: number): number {
  // RFC 3610 section 2: M in {4,6,...,16}; L in 2..8, nonce length 15 - L.
  if (nonce.length < 7 || nonce.length > 13) throw new IkeError('INVALID_ARGUMENT', `CCM nonce must be 7..13 bytes, got ${nonce.length}`);
  if (tagLength < 4 || tagLength > 16 || tagLength % 2 !== 0) throw new IkeError('INVALID_ARGUMENT', `CCM tag length ${tagLength} is not one of 4, 6, ..., 16`);
  return 15 - nonce.length;
}

/** Big-endian `value` in `size` bytes at `out[offset]`. */
function putLength(out: Uint8Array, offset: number, size: number, value: number): void {
  let v = value;
  for (let i = size - 1; i >= 0; i--) {
    out[offset + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  if (v !== 0) throw new IkeError('INVALID_ARGUMENT', `CCM message of ${value} bytes does not fit a ${size}-byte length field`);
}

/** RFC 3610 section 2.2: B_0, the encoded additional data, the message, each zero-padded to 16 bytes. */
function macInput(nonce: Uint8Array, q: number, tagLength: number, aad: Uint8Array, message: Uint8Array): Uint8Array {
  let aadField = 0;
  if (aad.length > 0) aadField = aad.length < 0xff00 ? 2 : 6;
  const pad = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
  const aadPart = aad.length > 0 ? pad(aadField + aad.length) : 0;
  const out = new Uint8Array(BLOCK + aadPart + pad(message.length));
  out[0] = (aad.length > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (q - 1);
  out.set(nonce, 1);
  putLength(out, 1 + nonce.length, q, message.length);
  let o = BLOCK;
  if (aad.length > 0) {
    if (aadField === 2) putLength(out, o, 2, aad.length);
    else {
      out[o] = 0xff;
      out[o + 1] = 0xfe;
      putLength(out, o + 2, 4, aad.length);
    }
    out.set(aad, o + aadField);
    o += aadPart;
  }
  out.set(message, o);
  return out;
}

/** A_i (RFC 3610 section 2.3): flags L-1, the nonce, the counter i. */
function counterBlock(nonce: Uint8Array, q: number, i: number): Uint8Array {
  const a = new Uint8Array(BLOCK);
  a[0] = q - 1;
  a.set(nonce, 1);
  putLength(a, 1 + nonce.length, q, i);
  return a;
}

/** T: the first tagLength bytes of the CBC-MAC, encrypted with S_0. */
function tag(key: Uint8Array, nonce: Uint8Array, q: number, tagLength: number, aad: Uint8Array, message: Uint8Array): Uint8Array {
  const b = macInput(nonce, q, tagLength, aad, message);
  const chain = cbc(key, new Uint8Array(BLOCK), { disablePadding: true }).encrypt(b);
  const s0 = ecb(key, { disablePadding: true }).encrypt(counterBlock(nonce, q, 0));
  const t = new Uint8Array(tagLength);
  for (let i = 0; i < tagLength; i++) t[i] = chain[chain.length - BLOCK + i] ^ s0[i];
  wipe(b);
  return t;
}

/** Returns ciphertext || tag. */
export function ccmSeal(key: Uint8Array, nonce: Uint8Array, tagLength: number, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const q = checkParams(nonce, tagLength);
  const t = tag(key, nonce, q, tagLength, aad, plaintext);
  const out = new Uint8Array(plaintext.length + tagLength);
  if (plaintext.length > 0) out.set(ctr(key, counterBlock(nonce, q, 1)).encrypt(plaintext));
  out.set(t, plaintext.length);
  return out;
}

/** Returns the plaintext, or undefined when the tag does not verify (nothing of the plaintext escapes). */
export function ccmOpen(key: Uint8Array, nonce: Uint8Array, tagLength: number, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  const q = checkParams(nonce, tagLength);
  if (sealed.length < tagLength) return undefined;
  const body = sealed.subarray(0, sealed.length - tagLength);
  const plaintext = body.length > 0 ? ctr(key, counterBlock(nonce, q, 1)).decrypt(body) : new Uint8Array(0);
  const expected = tag(key, nonce, q, tagLength, aad, plaintext);
  if (!constantTimeEqual(expected, sealed.subarray(body.length))) {
    wipe(plaintext);
    return undefined;
  }
  return plaintext;
}
