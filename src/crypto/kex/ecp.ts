/**
 * Elliptic curve Diffie-Hellman over prime fields: the NIST curves of RFC 5903 (groups 19-21),
 * the RFC 5114 curves 25 and 26, and Brainpool 28-30 (RFC 6954). The Key Exchange Data is x || y,
 * each coordinate the length of p, without the SEC 1 0x04 prefix (RFC 5903 section 7); the shared
 * secret is the x coordinate of g^ir alone (RFC 5903 section 7, RFC 6954 section 3). All these
 * curves have cofactor 1, so a point that decodes and lies on the curve is in the prime-order group.
 */
import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { weierstrass, type WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import type { KeyExchange, RandomSource } from '../provider.js';
import { keInfo } from './catalog.js';
import {
  bigIntToBytes,
  bitLength,
  dhKeyExchange,
  drawPrivateInteger,
  invalidKeyExchangeData,
  webRandom,
} from './common.js';

export interface EcpCurve {
  readonly id: number;
  /** Bytes in one coordinate: the length of p. */
  readonly coordinateLength: number;
  /** Order of the base point. */
  readonly n: bigint;
  /** OpenSSL's name for the curve (node:crypto createECDH). */
  readonly opensslName: string;
  readonly Point: WeierstrassPointCons<bigint>;
}

const hex = (s: string): bigint => BigInt('0x' + s.replace(/\s+/g, ''));

/** RFC 5114 section 2.4, 192-bit Random ECP Group. */
const ECP_192 = () =>
  weierstrass({
    p: hex('FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE FFFFFFFF FFFFFFFF'),
    a: hex('FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE FFFFFFFF FFFFFFFC'),
    b: hex('64210519 E59C80E7 0FA7E9AB 72243049 FEB8DEEC C146B9B1'),
    Gx: hex('188DA80E B03090F6 7CBF20EB 43A18800 F4FF0AFD 82FF1012'),
    Gy: hex('07192B95 FFC8DA78 631011ED 6B24CDD5 73F977A1 1E794811'),
    n: hex('FFFFFFFF FFFFFFFF FFFFFFFF 99DEF836 146BC9B1 B4D22831'),
    h: 1n,
  });

/** RFC 5114 section 2.5, 224-bit Random ECP Group. */
const ECP_224 = () =>
  weierstrass({
    p: hex('FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 00000000 00000001'),
    a: hex('FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFE'),
    b: hex('B4050A85 0C04B3AB F5413256 5044B0B7 D7BFD8BA 270B3943 2355FFB4'),
    Gx: hex('B70E0CBD 6BB4BF7F 321390B9 4A03C1D3 56C21122 343280D6 115C1D21'),
    Gy: hex('BD376388 B5F723FB 4C22DFE6 CD4375A0 5A074764 44D58199 85007E34'),
    n: hex('FFFFFFFF FFFFFFFF FFFFFFFF FFFF16A2 E0B8F03E 13DD2945 5C5C2A3D'),
    h: 1n,
  });

const CURVES: Readonly<Record<number, [opensslName: string, point: () => WeierstrassPointCons<bigint>]>> = {
  19: ['prime256v1', () => p256.Point],
  20: ['secp384r1', () => p384.Point],
  21: ['secp521r1', () => p521.Point],
  25: ['prime192v1', ECP_192],
  26: ['secp224r1', ECP_224],
  28: ['brainpoolP256r1', () => brainpoolP256r1.Point],
  29: ['brainpoolP384r1', () => brainpoolP384r1.Point],
  30: ['brainpoolP512r1', () => brainpoolP512r1.Point],
};

const curves = new Map<number, EcpCurve>();

export function ecpCurve(id: number): EcpCurve | undefined {
  const cached = curves.get(id);
  if (cached) return cached;
  const row = CURVES[id];
  if (!row) return undefined;
  const Point = row[1]();
  const curve: EcpCurve = Object.freeze({
    id,
    coordinateLength: Point.Fp.BYTES,
    n: Point.Fn.ORDER,
    opensslName: row[0],
    Point,
  });
  curves.set(id, curve);
  return curve;
}

/** A fresh private scalar in [1, n-1]. */
export function ecpPrivateScalar(curve: EcpCurve, random: RandomSource): bigint {
  return drawPrivateInteger(random, bitLength(curve.n), 1n, curve.n - 1n);
}

/**
 * Decodes x || y and checks that both coordinates are below p and the point is on the curve
 * (RFC 6989 section 2.3, SEC 1 section 3.2.2.1); the length was checked by the caller.
 */
export function ecpPeerPoint(curve: EcpCurve, value: Uint8Array) {
  const sec1 = new Uint8Array(value.length + 1);
  sec1[0] = 0x04;
  sec1.set(value, 1);
  try {
    const point = curve.Point.fromBytes(sec1);
    point.assertValidity();
    if (point.is0()) throw new Error('point at infinity');
    return point;
  } catch (e) {
    throw invalidKeyExchangeData('peer public value is not a point on the curve', e);
  }
}

interface EcpSecret {
  readonly d: bigint;
}

export function pureEcp(id: number): KeyExchange | undefined {
  const curve = ecpCurve(id);
  const info = keInfo(id);
  if (!curve || !info) return undefined;
  const len = curve.coordinateLength;
  return dhKeyExchange<EcpSecret>(
    info,
    {
      generate(random) {
        const d = ecpPrivateScalar(curve, random);
        const { x, y } = curve.Point.BASE.multiply(d).toAffine();
        const publicValue = new Uint8Array(2 * len);
        publicValue.set(bigIntToBytes(x, len), 0);
        publicValue.set(bigIntToBytes(y, len), len);
        return { publicValue, secret: { d } };
      },
      agree(secret, peerValue) {
        const shared = ecpPeerPoint(curve, peerValue).multiply(secret.d);
        if (shared.is0()) throw invalidKeyExchangeData('shared point g^ir is the point at infinity');
        return bigIntToBytes(shared.toAffine().x, len);
      },
    },
    webRandom,
  );
}

