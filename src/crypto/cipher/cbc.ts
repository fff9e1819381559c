/** Cipher Block Chaining over any block function (NIST SP 800-38A section 6.2). No padding here. */
import { IkeError } from '../../errors.js';

export interface BlockFunction {
  readonly blockSize: number;
  encrypt(block: Uint8Array): Uint8Array;
  decrypt(block: Uint8Array): Uint8Array;
}

function check(fn: BlockFunction, iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== fn.blockSize) throw new IkeError('INVALID_ARGUMENT', `CBC IV must be ${fn.blockSize} bytes, got ${iv.length}`);
  if (data.length % fn.blockSize !== 0) {
    throw new IkeError('INVALID_ARGUMENT', `CBC input of ${data.length} bytes is not a multiple of the ${fn.blockSize}-byte block`);
  }
}

export function cbcEncrypt(fn: BlockFunction, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  check(fn, iv, plaintext);
  const n = fn.blockSize;
  const out = new Uint8Array(plaintext.length);
  let prev = iv;
  const x = new Uint8Array(n);
  for (let o = 0; o < plaintext.length; o += n) {
    for (let i = 0; i < n; i++) x[i] = plaintext[o + i] ^ prev[i];
    out.set(fn.encrypt(x), o);
    prev = out.subarray(o, o + n);
  }
  return out;
}

export function cbcDecrypt(fn: BlockFunction, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  check(fn, iv, ciphertext);
  const n = fn.blockSize;
  const out = new Uint8Array(ciphertext.length);
  let prev = iv;
  for (let o = 0; o < ciphertext.length; o += n) {
    const block = ciphertext.subarray(o, o + n);
    const x = fn.decrypt(block);
    for (let i = 0; i < n; i++) out[o + i] = x[i] ^ prev[i];
    prev = block;
  }
  return out;
}
