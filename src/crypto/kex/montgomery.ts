/**
 * Curve25519 and Curve448 Diffie-Hellman (RFC 8031, RFC 7748 section 6). The private key is 32 or
 * 56 random bytes, clamped by the X25519/X448 function itself (RFC 7748 section 5); the Key
 * Exchange Data is the u-coordinate in RFC 7748's little-endian encoding (RFC 8031 section 3.1).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import type { KeyExchange, RandomSource } from '../provider.js';
import { keInfo } from './catalog.js';
import { IkeError } from '../../errors.js';
import { dhKeyExchange, invalidKeyExchangeData, isAllZero, webRandom } from './common.js';

type ScalarMult = (scalar: Uint8Array, u: Uint8Array) => Uint8Array;

const FUNCTIONS: Readonly<Record<number, { length: number; scalarMult: ScalarMult; base: (scalar: Uint8Array) => Uint8Array }>> = {
  31: { length: 32, scalarMult: (k, u) => x25519.scalarMult(k, u), base: (k) => x25519.scalarMultBase(k) },
  32: { length: 56, scalarMult: (k, u) => x448.scalarMult(k, u), base: (k) => x448.scalarMultBase(k) },
};

/**
 * The shared secret, refusing the all-zero output that a low-order peer point produces
 * (RFC 8031 section 2, RFC 7748 section 6.1).
 */
export function montgomeryCheckedSecret(shared: Uint8Array): Uint8Array {
  if (isAllZero(shared)) throw invalidKeyExchangeData('shared secret is all zero: the peer sent a low-order point');
  return shared;
}

/** A private key: `length` random bytes, used as they are (the clamping happens in X25519/X448). */
export function montgomeryPrivateKey(id: number, random: RandomSource): Uint8Array {
  const length = FUNCTIONS[id].length;
  const k = random(length);
  if (k.length !== length) throw new IkeError('INTERNAL_ERROR', `random source returned ${k.length} bytes, asked for ${length}`);
  return k.slice();
}

export function pureMontgomery(id: number): KeyExchange | undefined {
  const f = FUNCTIONS[id];
  const info = keInfo(id);
  if (!f || !info) return undefined;
  return dhKeyExchange<Uint8Array>(
    info,
    {
      generate(random) {
        const k = montgomeryPrivateKey(id, random);
        return { publicValue: f.base(k), secret: k };
      },
      agree(k, peerValue) {
        let shared: Uint8Array;
        try {
          shared = f.scalarMult(k, peerValue);
        } catch (e) {
          // noble refuses an all-zero result itself.
          throw invalidKeyExchangeData('peer public value refused: X25519/X448 gives an all-zero secret (low-order point)', e);
        }
        return montgomeryCheckedSecret(shared);
      },
    },
    webRandom,
  );
}
