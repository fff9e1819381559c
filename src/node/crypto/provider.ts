/**
 * The node:crypto provider (OpenSSL): what Node users get by default. Whatever OpenSSL lacks
 * (AES-CCM with IKE's layouts, XCBC, ML-KEM on older OpenSSL...) falls back to the pure provider.
 */
import { pureProvider } from '../../crypto/pure.js';
import { stackProviders, type CryptoProvider } from '../../crypto/provider.js';
import { nodeEncryption } from './cipher.js';
import { nodeKeyExchange } from './kex.js';
import { nodeHash, nodeIntegrity, nodePrf } from './mac.js';
import { webRandom } from '../../crypto/kex/common.js';

const opensslOnly: CryptoProvider = {
  name: 'node:crypto',
  // WebCrypto's getRandomValues is OpenSSL's CSPRNG in Node; drawn through the same pool as the pure provider.
  randomBytes: webRandom,
  hash: (name, data) => nodeHash(name, data) ?? pureProvider.hash(name, data),
  prf: nodePrf,
  integrity: nodeIntegrity,
  encryption: nodeEncryption,
  keyExchange: nodeKeyExchange,
};

export const nodeProvider: CryptoProvider = stackProviders('node', opensslOnly, pureProvider);
