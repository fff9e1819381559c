/**
 * Key exchange methods (Transform Type 4) on the pure-TypeScript provider: MODP (RFC 2409,
 * RFC 3526, RFC 5114), ECP (RFC 5903, RFC 5114, RFC 6954), Curve25519/Curve448 (RFC 8031) and
 * ML-KEM (FIPS 203, draft-ietf-ipsecme-ikev2-mlkem).
 */
import type { KeyExchange } from '../provider.js';
import { keInfo } from './catalog.js';
import { pureEcp } from './ecp.js';
import { pureMlKem } from './mlkem.js';
import { pureModp } from './modp.js';
import { pureMontgomery } from './montgomery.js';

export { keIds, keInfo, type KeFamily, type KeInfo } from './catalog.js';
export { invalidKeyExchangeData } from './common.js';

const instances = new Map<number, KeyExchange>();

/** The pure implementation of a key exchange method, or undefined when there is none. */
export function pureKeyExchange(id: number): KeyExchange | undefined {
  const cached = instances.get(id);
  if (cached) return cached;
  const info = keInfo(id);
  if (!info) return undefined;
  const kex =
    info.family === 'modp'
      ? pureModp(id)
      : info.family === 'ecp'
        ? pureEcp(id)
        : info.family === 'montgomery'
          ? pureMontgomery(id)
          : pureMlKem(id);
  if (kex) instances.set(id, kex);
  return kex;
}
