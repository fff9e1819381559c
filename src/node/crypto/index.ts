export { nodeProvider } from './provider.js';
export { nodeHash, nodeIntegrity, nodePrf } from './mac.js';
export { nodeEncryption } from './cipher.js';
