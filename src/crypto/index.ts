export * from './provider.js';
export { pureProvider } from './pure.js';
export * from './mac/index.js';
export * from './catalog.js';
export * from './cipher/index.js';
export * from './sk.js';
export * from './ikev1-body.js';
export { keIds, keInfo, pureKeyExchange, type KeFamily, type KeInfo } from './kex/index.js';
