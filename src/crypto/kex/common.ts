/** Helpers shared by every key exchange family, and by the node:crypto implementations. */
import { IkeError } from '../../errors.js';
import type { KeyExchange, KeyExchangeState, RandomSource } from '../provider.js';
import type { KeInfo } from './catalog.js';
import { toHex } from '../../util/bytes.js';

/** A received public value or ciphertext that must be refused (RFC 7296 section 3.4, RFC 6989). */
export function invalidKeyExchangeData(reason: string, cause?: unknown): IkeError {
  return new IkeError('INVALID_SYNTAX', reason, { payload: 'Key Exchange', cause });
}

export function expectLength(value: Uint8Array, length: number, what: string): void {
  if (value.length !== length)
    throw invalidKeyExchangeData(`${what} is ${value.length} bytes, the method requires ${length}`);
}

const POOL_SIZE = 4096;
const DIRECT_ABOVE = 512;
let pool = new Uint8Array(0);
let pooled = 0;

/**
 * Random bytes from WebCrypto, available in browsers, workers, Deno and Node. Small draws come
 * from a 4 KiB pool (a getRandomValues call costs several microseconds whatever its size, and a
 * handshake makes a dozen small draws); bytes handed out are zeroed in the pool.
 */
export function webRandom(n: number): Uint8Array {
  if (n <= DIRECT_ABOVE) {
    if (pooled + n > pool.length) {
      pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_SIZE));
      pooled = 0;
    }
    const out = pool.slice(pooled, pooled + n);
    pool.fill(0, pooled, pooled + n);
    pooled += n;
    return out;
  }
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
}

export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + toHex(b));
}

function hexNibble(c: number): number {
  return c <= 0x39 ? c - 0x30 : c - 0x57;
}

/** Big-endian, left-padded with zeros to `length` bytes. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  // Through the hex string: a byte-wise shift loop costs O(n^2) on a 2048-bit value.
  if (x < 0n) throw new IkeError('INTERNAL_ERROR', 'negative integer');
  const hex = x.toString(16);
  const digits = hex.length;
  if (digits > 2 * length) throw new IkeError('INTERNAL_ERROR', `integer does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  let i = digits - 1;
  for (let o = length - 1; i >= 0; o--, i -= 2) {
    const lo = hexNibble(hex.charCodeAt(i));
    out[o] = i > 0 ? (hexNibble(hex.charCodeAt(i - 1)) << 4) | lo : lo;
  }
  return out;
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

const MAX_DRAWS = 64;

/**
 * Draws a private integer: `ceil(bits / 8)` random bytes read big-endian with the bits above
 * `bits` cleared, redrawn while outside [min, max]. A test can therefore inject a known private
 * value by returning its bytes. The redraw is bounded: a source that keeps failing is broken.
 */
export function drawPrivateInteger(random: RandomSource, bits: number, min: bigint, max: bigint): bigint {
  const length = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (let i = 0; i < MAX_DRAWS; i++) {
    const bytes = random(length);
    if (bytes.length !== length) throw new IkeError('INTERNAL_ERROR', `random source returned ${bytes.length} bytes, asked for ${length}`);
    const x = bytesToBigInt(bytes) & mask;
    bytes.fill(0);
    if (x >= min && x <= max) return x;
  }
  throw new IkeError('INTERNAL_ERROR', `random source gave no private value in range after ${MAX_DRAWS} draws`);
}

export function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i];
  return acc === 0;
}

export interface DhOperations<S> {
  /** A fresh key pair: the public value to send and the private material to keep. */
  generate(random: RandomSource): { publicValue: Uint8Array; secret: S };
  /** g^ir from our private material and the peer's (validated here) public value. */
  agree(secret: S, peerValue: Uint8Array): Uint8Array;
}

/**
 * Builds the KEM-shaped interface over a Diffie-Hellman group: the responder's step is the
 * initiator's two steps at once (RFC 9370 section 2.2 treats DH as a KEM this way).
 */
export function dhKeyExchange<S>(info: KeInfo, ops: DhOperations<S>, defaultRandom: RandomSource): KeyExchange {
  const complete = (state: KeyExchangeState, peerValue: Uint8Array): Uint8Array => {
    expectLength(peerValue, info.publicValueLength, 'peer public value');
    return ops.agree(state.secret as S, peerValue);
  };
  return Object.freeze({
    id: info.id,
    name: info.name,
    kind: 'dh' as const,
    publicValueLength: info.publicValueLength,
    responseLength: info.responseLength,
    initiate: (random?: RandomSource): KeyExchangeState => ops.generate(random ?? defaultRandom),
    respond(peerValue: Uint8Array, random?: RandomSource) {
      expectLength(peerValue, info.publicValueLength, 'peer public value');
      const own = ops.generate(random ?? defaultRandom);
      return { publicValue: own.publicValue, sharedSecret: ops.agree(own.secret, peerValue) };
    },
    complete,
  });
}
