import type { Encryption } from '../../crypto/provider.js';
// Placeholder until the node:crypto cipher module lands.
export function nodeEncryption(_id: number, _keyBits?: number): Encryption | undefined { return undefined; }
