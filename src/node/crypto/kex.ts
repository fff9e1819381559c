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
  type DiffieHellman,
  type ECDH,
  type KeyObject,
} from 'node:crypto';
import { keInfo } from '../../crypto/kex/catalog.js';
import { bigIntToBytes, bitLength, bytesToBigInt, dhKeyExchange, invalidKeyExchangeData, webRandom } from '../../crypto/kex/common.js';
import { ecpCurve, ecpPrivateScalar } from '../../crypto/kex/ecp.js';
import { modpKeyExchange, type ModpGroup, type ModpPow } from '../../crypto/kex/modp.js';
import { montgomeryCheckedSecret, montgomeryPrivateKey } from '../../crypto/kex/montgomery.js';
import type { KeyExchange, RandomSource } from '../../crypto/provider.js';

const nodeRandom: RandomSource = webRandom;

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

/** RFC 8037 section 2 names and key lengths of the two curves (RFC 8031). */
const MONTGOMERY: Readonly<Record<number, { crv: 'X25519' | 'X448'; length: number }>> = {
  31: { crv: 'X25519', length: 32 },
  32: { crv: 'X448', length: 56 },
};

const base64url = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');

/**
 * Raw keys enter OpenSSL as JWK (RFC 8037), which Node hands to EVP_PKEY_new_raw_*_key; the DER
 * route runs OpenSSL 3's decoder chain and costs about ten times the X25519 arithmetic. Node reads
 * only `d` of a private OKP key, so `x` is left empty rather than computed. The public value is
 * X25519(k, u) with u the curve's base point (RFC 7748 section 6), computed by OpenSSL; exporting
 * it (DER, JWK) would again go through the encoder chain.
 */
function nodeMontgomery(id: number): KeyExchange | undefined {
  const curve = MONTGOMERY[id];
  const info = keInfo(id);
  if (!curve || !info) return undefined;
  const { crv, length } = curve;
  const basePoint = new Uint8Array(length);
  basePoint[0] = id === 31 ? 9 : 5;
  const base = createPublicKey({ key: { kty: 'OKP', crv, x: base64url(basePoint) }, format: 'jwk' });
  return dhKeyExchange<KeyObject>(
    info,
    {
      generate(random) {
        const k = montgomeryPrivateKey(id, random);
        const privateKey = createPrivateKey({ key: { kty: 'OKP', crv, x: '', d: base64url(k) }, format: 'jwk' });
        k.fill(0);
        return { publicValue: new Uint8Array(diffieHellman({ privateKey, publicKey: base })), secret: privateKey };
      },
      agree(privateKey, peerValue) {
        let shared: Buffer;
        try {
          const publicKey = createPublicKey({ key: { kty: 'OKP', crv, x: base64url(peerValue) }, format: 'jwk' });
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
