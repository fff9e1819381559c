/** Wraps a provider's encryption lookup so that every SA using a transform and key size shares one algorithm object. */
import type { Encryption } from '../provider.js';

export function sharedEncryption(make: (id: number, keyBits?: number) => Encryption | undefined): (id: number, keyBits?: number) => Encryption | undefined {
  const cache = new Map<string, Encryption | undefined>();
  return (id, keyBits) => {
    const key = `${id}/${keyBits ?? ''}`;
    if (cache.has(key)) return cache.get(key);
    const e = make(id, keyBits);
    // The algorithm objects are stateless; frozen so that no caller can change them for the others.
    const frozen = e && Object.freeze(e);
    cache.set(key, frozen);
    return frozen;
  };
}
