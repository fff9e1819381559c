/**
 * The stored MODP group parameters against what defines them: the closed form of the RFC 2409 /
 * RFC 3526 primes, p = 2^n - 2^(n-64) - 1 + 2^64 * (floor(2^(n-130) pi) + k), with pi computed
 * here by Machin's formula, and the structure RFC 5114 section 2 states for groups 22-24.
 */
import { modPow } from 'bigint-mod-arith';
import { describe, expect, it } from 'vitest';
import { MODP_GROUP_TEXT } from '../../src/crypto/kex/modp-groups.js';
import { modpGroup } from '../../src/crypto/kex/modp.js';

/** floor(2^scale * atan(1/x)), to within the number of series terms, by the alternating Taylor series. */
function arctanInverse(x: bigint, scale: bigint): bigint {
  const x2 = x * x;
  let power = (1n << scale) / x;
  let sum = power;
  for (let k = 1n; ; k++) {
    power /= x2;
    const term = power / (2n * k + 1n);
    if (term === 0n) return sum;
    sum += k % 2n === 1n ? -term : term;
  }
}

/** floor(2^m * pi) with Machin's formula pi = 16 atan(1/5) - 4 atan(1/239), 64 guard bits. */
function floorPiTimesPowerOfTwo(m: number): bigint {
  const guard = 64n;
  const scale = BigInt(m) + guard;
  const pi = 16n * arctanInverse(5n, scale) - 4n * arctanInverse(239n, scale);
  // The truncation error is a few thousand units of 2^-scale: far from moving the floor.
  const low = pi & ((1n << guard) - 1n);
  expect(low > 1n << 20n && low < (1n << guard) - (1n << 20n)).toBe(true);
  return pi >> guard;
}

// The n and k of each group's closed form, as printed in RFC 2409 section 6 and RFC 3526.
const CLOSED_FORM: Array<[id: number, n: number, k: bigint, where: string]> = [
  [1, 768, 149686n, 'RFC 2409 section 6.1'],
  [2, 1024, 129093n, 'RFC 2409 section 6.2'],
  [5, 1536, 741804n, 'RFC 3526 section 2'],
  [14, 2048, 124476n, 'RFC 3526 section 3'],
  [15, 3072, 1690314n, 'RFC 3526 section 4'],
  [16, 4096, 240904n, 'RFC 3526 section 5'],
  [17, 6144, 929484n, 'RFC 3526 section 6'],
  [18, 8192, 4743158n, 'RFC 3526 section 7'],
];

describe('RFC 2409 / RFC 3526 primes equal their closed form with pi', () => {
  it('Machin pi: floor(2^60 pi) holds the first 16 hex digits of pi, 3.243F6A8885A308D', () => {
    expect(floorPiTimesPowerOfTwo(60).toString(16)).toBe('3243f6a8885a308d');
  });

  it.each(CLOSED_FORM)('group %i (%i bits): 2^n - 2^(n-64) - 1 + 2^64 * (floor(2^(n-130) pi) + k), %s', (id, n, k) => {
    const N = BigInt(n);
    const closedForm = (1n << N) - (1n << (N - 64n)) - 1n + (1n << 64n) * (floorPiTimesPowerOfTwo(n - 130) + k);
    const group = modpGroup(id)!;
    expect(group.p).toBe(closedForm);
    expect(MODP_GROUP_TEXT[id].p.length * 4).toBe(n);
    expect(group.g).toBe(2n);
    expect(group.length).toBe(n / 8);
  });

  it.each(CLOSED_FORM.filter(([, n]) => n <= 2048))('group %i: p and (p-1)/2 pass a Fermat test (a safe prime, RFC 3526)', (id) => {
    const { p } = modpGroup(id)!;
    const q = (p - 1n) / 2n;
    expect(modPow(3n, p - 1n, p)).toBe(1n);
    expect(modPow(3n, q - 1n, q)).toBe(1n);
  });

  it('a prime with one bit changed differs from the closed form (the comparison can fail)', () => {
    const closed = (1n << 768n) - (1n << 704n) - 1n + (1n << 64n) * (floorPiTimesPowerOfTwo(638) + 149686n);
    expect(closed ^ (1n << 300n)).not.toBe(modpGroup(1)!.p);
    expect(closed).toBe(modpGroup(1)!.p);
  });
});

describe('RFC 5114 section 2: groups 22-24 have a generator of prime order q', () => {
  it.each([
    [22, 1024, 160],
    [23, 2048, 224],
    [24, 2048, 256],
  ])('group %i: p is %i bits, q is %i bits, q divides p-1, g^q = 1 mod p, p and q pass a Fermat test', (id, pBits, qBits) => {
    const { p, g, q } = modpGroup(id)!;
    expect(q).toBeDefined();
    expect(p.toString(2).length).toBe(pBits);
    expect(q!.toString(2).length).toBe(qBits);
    expect((p - 1n) % q!).toBe(0n);
    expect(g > 1n && g < p - 1n).toBe(true);
    expect(modPow(g, q!, p)).toBe(1n);
    expect(modPow(3n, p - 1n, p)).toBe(1n);
    expect(modPow(3n, q! - 1n, q!)).toBe(1n);
  });
});
