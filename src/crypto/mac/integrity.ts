/** Integrity algorithms (Transform Type 3, RFC 7296 section 3.3.2) built from the catalog and a MAC. */
import { IkeError } from '../../errors.js';
import { constantTimeEqual } from '../../util/bytes.js';
import { integInfo, type IntegInfo } from '../catalog.js';
import type { Integrity } from '../provider.js';
import { aesCmac, aesXcbcMac } from './aes-mac.js';
import { hmac, isHashName } from './hash.js';
import type { MacFunction } from './prf.js';

/**
 * An Integrity object for a catalog entry. The key must be exactly keyLength bytes (RFC 2404
 * section 3, RFC 3566 section 4, RFC 4868 section 2.1.1); the ICV is the leftmost icvLength bytes
 * of the MAC (RFC 2104 section 5).
 */
export function makeIntegrity(info: IntegInfo, mac: MacFunction): Integrity {
  const compute = (key: Uint8Array, data: Uint8Array): Uint8Array => {
    if (key.length !== info.keyLength) {
      throw new IkeError('INVALID_ARGUMENT', `${info.name} needs a ${info.keyLength}-byte key, got ${key.length} bytes`);
    }
    const full = mac(key, data);
    return full.length === info.icvLength ? full : full.slice(0, info.icvLength);
  };
  return Object.freeze({
    id: info.id,
    name: info.name,
    keyLength: info.keyLength,
    icvLength: info.icvLength,
    compute,
    verify: (key: Uint8Array, data: Uint8Array, icv: Uint8Array) =>
      icv.length === info.icvLength && constantTimeEqual(compute(key, data), icv),
  });
}

function pureMacFor(info: IntegInfo): MacFunction | undefined {
  switch (info.construction) {
    case 'hmac': {
      const hash = info.hash;
      if (hash === undefined || !isHashName(hash)) return undefined;
      return (key, data) => hmac(hash, key, data);
    }
    case 'aes-xcbc':
      return aesXcbcMac;
    case 'aes-cmac':
      return aesCmac;
    default:
      // NONE is not an integrity algorithm to run; GMAC is an ESP/AH transform (RFC 4543).
      return undefined;
  }
}

const cache = new Map<number, Integrity | undefined>();

export function pureIntegrity(id: number): Integrity | undefined {
  if (cache.has(id)) return cache.get(id);
  const info = integInfo(id);
  const mac = info && pureMacFor(info);
  const integ = info && mac ? makeIntegrity(info, mac) : undefined;
  if (info) cache.set(id, integ);
  return integ;
}
