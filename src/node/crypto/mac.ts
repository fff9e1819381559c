import type { HashName, Integrity, Prf } from '../../crypto/provider.js';
// Placeholder until the node:crypto MAC module lands.
export function nodePrf(_id: number): Prf | undefined { return undefined; }
export function nodeIntegrity(_id: number): Integrity | undefined { return undefined; }
export function nodeHash(_name: HashName, _data: Uint8Array): Uint8Array | undefined { return undefined; }
