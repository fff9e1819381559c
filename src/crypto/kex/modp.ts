/**
 * Finite-field Diffie-Hellman over the MODP groups (RFC 2409 section 6, RFC 3526, RFC 5114),
 * with the received-value checks of RFC 6989 section 2. The group arithmetic here is shared
 * with the node:crypto implementation, which only swaps the exponentiation.
 */
import { modPow } from 'bigint-mod-arith';
import type { KeyExchange, RandomSource } from '../provider.js';
import { keInfo } from './catalog.js';
import {
  bigIntToBytes,
  bitLength,
  bytesToBigInt,
  dhKeyExchange,
  drawPrivateInteger,
  expectLength,
  invalidKeyExchangeData,
  webRandom,
} from './common.js';
import { MODP_GROUP_TEXT } from './modp-groups.js';

export interface ModpGroup {
  readonly id: number;
  /** Bytes in a public value and in g^ir: the length of p (RFC 7296 section 3.4). */
  readonly length: number;
  readonly p: bigint;
  readonly g: bigint;
  /** Prime order of g's subgroup, for the RFC 5114 groups (RFC 6989 section 2.2). */
  readonly q?: bigint;
  /** Bits of the private exponent. */
  readonly exponentBits: number;
}

/**
 * Private exponent sizes for the safe-prime groups: at least twice the group's strength (RFC 3526
 * section 1) and at least RFC 3526 section 8's lower estimate. The RFC 5114 groups draw from [1, q-1].
 */
const EXPONENT_BITS: Readonly<Record<number, number>> = { 1: 160, 2: 160, 5: 192, 14: 256, 15: 320, 16: 384, 17: 448, 18: 512 };

const groups = new Map<number, ModpGroup>();

/** The group's numbers, parsed once on first use. */
export function modpGroup(id: number): ModpGroup | undefined {
  const cached = groups.get(id);
  if (cached) return cached;
  const text = MODP_GROUP_TEXT[id];
  if (!text) return undefined;
  const q = text.q ? BigInt('0x' + text.q) : undefined;
  const group: ModpGroup = Object.freeze({
    id,
    length: text.bits / 8,
    p: BigInt('0x' + text.p),
    g: text.g ? BigInt('0x' + text.g) : 2n,
    q,
    exponentBits: q !== undefined ? bitLength(q) : EXPONENT_BITS[id],
  });
  groups.set(id, group);
  return group;
}

/** A fresh private exponent: in [2, 2^exponentBits - 1], or [1, q-1] for the RFC 5114 groups. */
export function modpPrivateExponent(group: ModpGroup, random: RandomSource): bigint {
  return group.q !== undefined
    ? drawPrivateInteger(random, group.exponentBits, 1n, group.q - 1n)
    : drawPrivateInteger(random, group.exponentBits, 2n, (1n << BigInt(group.exponentBits)) - 1n);
}

/** Modular exponentiation in the group: bigint here, OpenSSL in the node:crypto provider. */
export type ModpPow = (base: bigint, exponent: bigint) => bigint;

/**
 * g^x with a fixed-base comb of 4-bit windows: row i holds g^(j * 16^i) for j = 0..15, so g^x is
 * one multiplication per nonzero window of x (64 for a 256-bit exponent) instead of the squarings
 * and multiplications of a square-and-multiply. Rows are made on first use (about 19 modular
 * multiplications each) and kept for the process: 16 values of the prime's size per 4 exponent bits.
 */
function fixedBasePow(group: ModpGroup): (exponent: bigint) => bigint {
  const p = group.p;
  const rows: bigint[][] = [];
  let rowBase = group.g % p;
  const extend = (count: number) => {
    while (rows.length < count) {
      const row = [1n, rowBase];
      for (let j = 2; j < 16; j++) row.push((row[j - 1] * rowBase) % p);
      rows.push(row);
      rowBase = (row[15] * rowBase) % p;
    }
  };
  return (exponent) => {
    let r = 1n;
    let i = 0;
    for (let e = exponent; e > 0n; e >>= 4n, i++) {
      const d = Number(e & 15n);
      if (d === 0) continue;
      extend(i + 1);
      r = (r * rows[i][d]) % p;
    }
    return r;
  };
}

/**
 * base^exponent mod p, left to right with 5-bit sliding windows over the odd powers base^1 ..
 * base^31: about a fifth fewer modular multiplications than square-and-multiply for the peer's
 * value raised to our private exponent.
 */
function slidingWindowPow(base: bigint, exponent: bigint, p: bigint): bigint {
  const b = base % p;
  const b2 = (b * b) % p;
  const odd = [b];
  for (let i = 1; i < 16; i++) odd.push((odd[i - 1] * b2) % p);
  const bits = exponent.toString(2);
  let r = 1n;
  let started = false;
  for (let i = 0; i < bits.length; ) {
    if (bits[i] === '0') {
      if (started) r = (r * r) % p;
      i++;
      continue;
    }
    let j = Math.min(i + 5, bits.length);
    while (bits[j - 1] === '0') j--;
    const window = odd[(parseInt(bits.slice(i, j), 2) - 1) >> 1];
    if (started) {
      for (let k = i; k < j; k++) r = (r * r) % p;
      r = (r * window) % p;
    } else {
      r = window;
      started = true;
    }
    i = j;
  }
  return r;
}

const fixedBase = new Map<number, (exponent: bigint) => bigint>();

export function pureModpPow(group: ModpGroup): ModpPow {
  return (base, exponent) => {
    if (exponent < 0n || base < 0n) return modPow(base, exponent, group.p);
    if (base !== group.g) return slidingWindowPow(base, exponent, group.p);
    let pow = fixedBase.get(group.id);
    if (!pow) fixedBase.set(group.id, (pow = fixedBasePow(group)));
    return pow(exponent);
  };
}

/**
 * Parses and checks a received public value y: exactly the length of p (RFC 7296 section 3.4),
 * 1 < y < p-1 (RFC 6989 section 2.1), and for the groups whose p-1 has small factors,
 * y^q = 1 mod p so that y lies in the prime-order subgroup (RFC 6989 section 2.2).
 */
export function modpPeerValue(group: ModpGroup, value: Uint8Array, pow: ModpPow = pureModpPow(group)): bigint {
  expectLength(value, group.length, 'peer public value');
  const y = bytesToBigInt(value);
  if (y <= 1n || y >= group.p - 1n) throw invalidKeyExchangeData('peer public value is not in the range 1 < y < p-1');
  if (group.q !== undefined && pow(y, group.q) !== 1n)
    throw invalidKeyExchangeData('peer public value is not in the prime-order subgroup (y^q != 1 mod p)');
  return y;
}

/**
 * Encodes g^ir as the length of p, zero-padded big-endian (RFC 7296 section 2.14), refusing the
 * degenerate values 0, 1 and p-1 that only a bad peer value could produce.
 */
export function modpSharedSecret(group: ModpGroup, z: bigint): Uint8Array {
  if (z <= 1n || z >= group.p - 1n) throw invalidKeyExchangeData('shared secret g^ir is degenerate (0, 1 or p-1)');
  return bigIntToBytes(z, group.length);
}

interface ModpSecret {
  readonly x: bigint;
}

/** MODP Diffie-Hellman over a given exponentiation; `defaultRandom` serves calls without a source. */
export function modpKeyExchange(id: number, pow: (group: ModpGroup) => ModpPow, defaultRandom: RandomSource): KeyExchange | undefined {
  const group = modpGroup(id);
  const info = keInfo(id);
  if (!group || !info || info.family !== 'modp') return undefined;
  const exp = pow(group);
  return dhKeyExchange<ModpSecret>(
    info,
    {
      generate(random) {
        const x = modpPrivateExponent(group, random);
        return { publicValue: bigIntToBytes(exp(group.g, x), group.length), secret: { x } };
      },
      agree(secret, peerValue) {
        const y = modpPeerValue(group, peerValue, exp);
        return modpSharedSecret(group, exp(y, secret.x));
      },
    },
    defaultRandom,
  );
}

export function pureModp(id: number): KeyExchange | undefined {
  return modpKeyExchange(id, pureModpPow, webRandom);
}
