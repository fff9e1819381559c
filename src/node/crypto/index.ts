export { nodeProvider } from './provider.js';
