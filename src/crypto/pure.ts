/** The pure-TypeScript provider (@noble/*, bigint-mod-arith): runs in browsers, Deno and workers. */
import { pureEncryption } from './cipher/index.js';
import { pureKeyExchange } from './kex/index.js';
import { pureHash, pureIntegrity, purePrf } from './mac/index.js';
import type { CryptoProvider } from './provider.js';

function webRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
}

export const pureProvider: CryptoProvider = {
  name: 'pure',
  randomBytes: webRandom,
  hash: pureHash,
  prf: purePrf,
  integrity: pureIntegrity,
  encryption: pureEncryption,
  keyExchange: pureKeyExchange,
};
