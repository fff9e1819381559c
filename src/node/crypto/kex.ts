/**
 * Key exchange methods on node:crypto (OpenSSL). The group parameters, private value draws and
 * received-value checks are the pure provider's (src/crypto/kex), so both providers give the same
 * public values and shared secrets for the same random source; only the arithmetic moves here.
 * ML-KEM is left to the pure provider.
 */
import {
  createDiffieHellman,
  createECDH,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  randomFillSync,
  type DiffieHellman,
  type ECDH,
  type KeyObject,
} from 'node:crypto';
import { keInfo } from '../../crypto/kex/catalog.js';
import { bigIntToBytes, bitLength, bytesToBigInt, dhKeyExchange, invalidKeyExchangeData } from '../../crypto/kex/common.js';
import { ecpCurve, ecpPrivateScalar } from '../../crypto/kex/ecp.js';
import { modpKeyExchange, type ModpGroup, type ModpPow } from '../../crypto/kex/modp.js';
import { montgomeryCheckedSecret, montgomeryPrivateKey } from '../../crypto/kex/montgomery.js';
import type { KeyExchange, RandomSource } from '../../crypto/provider.js';

const nodeRandom: RandomSource = (n) => randomFillSync(new Uint8Array(n));

/**
 * One OpenSSL DH object per group, made on first use: creating it costs tens of milliseconds
 * (OpenSSL checks the prime), while setPrivateKey + computeSecret is a bare exponentiation.
 * computeSecret(base) with private key e yields base^e mod p after a 1 < base < p-1 range check
 * only, so it serves for g^x, y^x and the subgroup test y^q alike. Calls are synchronous, so
 * sharing the object between exchanges is safe.
 */
const dhObjects = new Map<number, DiffieHellman>();

function opensslModpPow(group: ModpGroup): ModpPow {
  const pow = (base: bigint, exponent: bigint): bigint => {
    let dh = dhObjects.get(group.id);
    if (!dh) {
      dh = createDiffieHellman(bigIntToBytes(group.p, group.length), bigIntToBytes(group.g, group.length));
      dhObjects.set(group.id, dh);
    }
    dh.setPrivateKey(bigIntToBytes(exponent, Math.ceil(bitLength(exponent) / 8)));
    try {
      return bytesToBigInt(dh.computeSecret(bigIntToBytes(base, group.length)));
    } catch (e) {
      // Only reachable with a value the RFC 6989 checks have not yet refused.
      throw invalidKeyExchangeData('OpenSSL refused the peer public value', e);
    }
  };
  const q = group.q;
  if (q === undefined) return pow;
  // OpenSSL knows the RFC 5114 groups by their p and g, takes q from its table and refuses a
  // private key outside [1, q-1]: the subgroup test y^q is computed as y^(q-1) * y.
  return (base, exponent) => (exponent === q ? (pow(base, q - 1n) * base) % group.p : pow(base, exponent));
}

/** ECDH on OpenSSL; public values are x || y without the 0x04 prefix (RFC 5903 section 7). */
function nodeEcp(id: number): KeyExchange | undefined {
  const curve = ecpCurve(id);
  const info = keInfo(id);
  if (!curve || !info) return undefined;
  const scalarLength = Math.ceil(bitLength(curve.n) / 8);
  return dhKeyExchange<ECDH>(
    info,
    {
      generate(random) {
        const ecdh = createECDH(curve.opensslName);
        ecdh.setPrivateKey(bigIntToBytes(ecpPrivateScalar(curve, random), scalarLength));
        return { publicValue: new Uint8Array(ecdh.getPublicKey().subarray(1)), secret: ecdh };
      },
      agree(ecdh, peerValue) {
        const sec1 = new Uint8Array(peerValue.length + 1);
        sec1[0] = 0x04;
        sec1.set(peerValue, 1);
        try {
          // OpenSSL decodes the point with its on-curve and coordinate range checks (SEC 1 section 3.2.2.1).
          return new Uint8Array(ecdh.computeSecret(sec1));
        } catch (e) {
          throw invalidKeyExchangeData('peer public value is not a point on the curve', e);
        }
      },
    },
    nodeRandom,
  );
}

/** Fixed DER framing of raw X25519/X448 keys (RFC 8410 section 4 and 7): prefix || key bytes. */
const MONTGOMERY_DER: Readonly<Record<number, { length: number; pkcs8: Uint8Array; spki: Uint8Array }>> = {
  31: {
    length: 32,
    pkcs8: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]),
    spki: Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]),
  },
  32: {
    length: 56,
    pkcs8: Uint8Array.from([0x30, 0x46, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x04, 0x3a, 0x04, 0x38]),
    spki: Uint8Array.from([0x30, 0x42, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x03, 0x39, 0x00]),
  },
};

function framed(prefix: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/** X25519/X448 (RFC 8031) on OpenSSL KeyObjects made from the raw bytes. */
function nodeMontgomery(id: number): KeyExchange | undefined {
  const der = MONTGOMERY_DER[id];
  const info = keInfo(id);
  if (!der || !info) return undefined;
  return dhKeyExchange<KeyObject>(
    info,
    {
      generate(random) {
        const k = montgomeryPrivateKey(id, random);
        const key = framed(der.pkcs8, k);
        k.fill(0);
        const privateKey = createPrivateKey({ key, format: 'der', type: 'pkcs8' });
        key.fill(0);
        const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
        return { publicValue: new Uint8Array(spki.subarray(spki.length - der.length)), secret: privateKey };
      },
      agree(privateKey, peerValue) {
        let shared: Buffer;
        try {
          const publicKey = createPublicKey({ key: framed(der.spki, peerValue), format: 'der', type: 'spki' });
          // OpenSSL fails the derivation when the result is all zero (RFC 7748 section 6.1).
          shared = diffieHellman({ privateKey, publicKey });
        } catch (e) {
          throw invalidKeyExchangeData('peer public value refused: X25519/X448 gives an all-zero secret (low-order point)', e);
        }
        return montgomeryCheckedSecret(new Uint8Array(shared));
      },
    },
    nodeRandom,
  );
}

const instances = new Map<number, KeyExchange | undefined>();

/** The node:crypto implementation of a key exchange method, or undefined to fall back to pure. */
export function nodeKeyExchange(id: number): KeyExchange | undefined {
  if (instances.has(id)) return instances.get(id);
  const family = keInfo(id)?.family;
  const kex =
    family === 'modp'
      ? modpKeyExchange(id, opensslModpPow, nodeRandom)
      : family === 'ecp'
        ? nodeEcp(id)
        : family === 'montgomery'
          ? nodeMontgomery(id)
          : undefined;
  instances.set(id, kex);
  return kex;
}
