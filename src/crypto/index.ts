export * from './provider.js';
export { pureProvider } from './pure.js';
