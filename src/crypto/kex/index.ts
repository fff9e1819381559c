import type { KeyExchange } from '../provider.js';
// Placeholder until the key exchange module lands.
export function pureKeyExchange(_id: number): KeyExchange | undefined { return undefined; }
