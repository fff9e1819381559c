import type { Encryption } from '../provider.js';
// Placeholder until the cipher module lands.
export function pureEncryption(_id: number, _keyBits?: number): Encryption | undefined { return undefined; }
