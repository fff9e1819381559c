/**
 * Random bytes from OpenSSL's CSPRNG, drawn 4 KiB at a time: a randomFillSync call costs several
 * microseconds whatever its size, and a handshake asks for a dozen small values (SPIs, nonces,
 * private keys, IVs, timer jitter). Bytes handed out are zeroed in the pool.
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 4096;
const DIRECT_ABOVE = 512;

let pool = new Uint8Array(0);
let offset = 0;

export function nodeRandomBytes(n: number): Uint8Array {
  if (n > DIRECT_ABOVE) return randomFillSync(new Uint8Array(n));
  if (offset + n > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_SIZE));
    offset = 0;
  }
  const out = pool.slice(offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
