export { nodeProvider } from './provider.js';
export { nodeHash, nodeIntegrity, nodePrf } from './mac.js';
export { nodeEncryption } from './cipher.js';
export { nodeKeyExchange } from './kex.js';
