/**
 * The one list of algorithms this library refuses unless a config sets `allowWeak`: the IKEv2
 * transforms RFC 8247 marks MUST NOT or SHOULD NOT, the ESP transforms RFC 8221 marks so, and the
 * key exchange methods the kex catalog rates below 112 bits of strength. docs/config.md lists them.
 */
import { keInfo } from '../crypto/kex/catalog.js';
import { EncrId, IntegId, KeId, PrfId, TransformType } from '../payloads/iana/ikev2.js';

interface WeakEntry {
  transformType: number;
  transformId: number;
  why: string;
}

const WEAK: readonly WeakEntry[] = [
  // RFC 8247 section 2.1 and RFC 8221 section 5: single DES MUST NOT be used (56-bit key).
  { transformType: TransformType.ENCR, transformId: EncrId.ENCR_DES, why: 'single DES has a 56-bit key (RFC 8247 section 2.1: MUST NOT)' },
  // RFC 8221 section 5: 3DES SHOULD NOT for ESP; RFC 8247 section 2.1 keeps it only as MAY, for its 64-bit block.
  { transformType: TransformType.ENCR, transformId: EncrId.ENCR_3DES, why: '3DES has a 64-bit block (RFC 8221 section 5: SHOULD NOT)' },
  // RFC 8247 section 2.2: PRF_HMAC_MD5 MUST NOT.
  { transformType: TransformType.PRF, transformId: PrfId.PRF_HMAC_MD5, why: 'PRF_HMAC_MD5 (RFC 8247 section 2.2: MUST NOT)' },
  // RFC 8247 section 2.3 and RFC 8221 section 6: AUTH_HMAC_MD5_96 MUST NOT.
  { transformType: TransformType.INTEG, transformId: IntegId.AUTH_HMAC_MD5_96, why: 'AUTH_HMAC_MD5_96 (RFC 8247 section 2.3: MUST NOT)' },
  { transformType: TransformType.INTEG, transformId: IntegId.AUTH_HMAC_MD5_128, why: 'AUTH_HMAC_MD5_128 is HMAC-MD5 (RFC 8247 section 2.3)' },
  // RFC 8247 section 2.4: group 1 MUST NOT, groups 2, 5, 22, 23 and 24 SHOULD NOT.
  { transformType: TransformType.KE, transformId: KeId.MODP_768, why: 'MODP_768 (RFC 8247 section 2.4: MUST NOT)' },
  { transformType: TransformType.KE, transformId: KeId.MODP_1024, why: 'MODP_1024 (RFC 8247 section 2.4: SHOULD NOT)' },
  { transformType: TransformType.KE, transformId: KeId.MODP_1536, why: 'MODP_1536 (RFC 8247 section 2.4: SHOULD NOT)' },
  { transformType: TransformType.KE, transformId: KeId.MODP_1024_S160, why: 'MODP_1024_S160 (RFC 8247 section 2.4: SHOULD NOT)' },
  { transformType: TransformType.KE, transformId: KeId.MODP_2048_S224, why: 'MODP_2048_S224 (RFC 8247 section 2.4: SHOULD NOT)' },
  { transformType: TransformType.KE, transformId: KeId.MODP_2048_S256, why: 'MODP_2048_S256 (RFC 8247 section 2.4: SHOULD NOT)' },
];

/**
 * Why a transform is refused without `allowWeak`, or undefined when it is acceptable.
 * Key exchange methods the kex catalog marks weak (below 112 bits, e.g. ECP_192) are refused too.
 */
export function weakReason(transformType: number, transformId: number): string | undefined {
  const hit = WEAK.find((e) => e.transformType === transformType && e.transformId === transformId);
  if (hit) return hit.why;
  if (transformType === TransformType.KE) {
    const info = keInfo(transformId);
    if (info?.weak) return `${info.name} gives ${info.securityBits} bits of strength, below 112`;
  }
  return undefined;
}

/** The refused transforms as [Transform Type, Transform ID] pairs, for documentation and tests. */
export function weakTransforms(): ReadonlyArray<readonly [number, number]> {
  return WEAK.map((e) => [e.transformType, e.transformId] as const);
}
