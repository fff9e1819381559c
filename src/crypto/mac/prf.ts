/** PRFs (Transform Type 2, RFC 7296 section 3.3.2) built from the catalog and a MAC function. */
import { prfInfo, type PrfInfo } from '../catalog.js';
import type { Prf } from '../provider.js';
import { aesCmacPrf128, aesXcbcPrf128 } from './aes-mac.js';
import { hmac, isHashName } from './hash.js';

export type MacFunction = (key: Uint8Array, data: Uint8Array) => Uint8Array;

/** A Prf object for a catalog entry; `mac` must already apply the algorithm's key-length rule. */
export function makePrf(info: PrfInfo, mac: MacFunction): Prf {
  return Object.freeze({
    id: info.id,
    name: info.name,
    outputLength: info.outputLength,
    keyLength: info.keyLength,
    compute: (key: Uint8Array, data: Uint8Array) => mac(key, data),
  });
}

/** The pure MAC behind a PRF: HMAC takes keys of any length (RFC 2104 section 2). */
function pureMacFor(info: PrfInfo): MacFunction | undefined {
  switch (info.construction) {
    case 'hmac': {
      const hash = info.hash;
      if (hash === undefined || !isHashName(hash)) return undefined;
      return (key, data) => hmac(hash, key, data);
    }
    case 'aes-xcbc':
      return aesXcbcPrf128;
    case 'aes-cmac':
      return aesCmacPrf128;
    default:
      return undefined;
  }
}

const cache = new Map<number, Prf | undefined>();

export function purePrf(id: number): Prf | undefined {
  if (cache.has(id)) return cache.get(id);
  const info = prfInfo(id);
  const mac = info && pureMacFor(info);
  const prf = info && mac ? makePrf(info, mac) : undefined;
  if (info) cache.set(id, prf);
  return prf;
}
