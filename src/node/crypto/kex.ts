import type { KeyExchange } from '../../crypto/provider.js';
// Placeholder until the node:crypto key exchange module lands.
export function nodeKeyExchange(_id: number): KeyExchange | undefined { return undefined; }
