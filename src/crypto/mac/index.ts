import type { HashName, Integrity, Prf } from '../provider.js';
// Placeholder until the MAC module lands: PRFs, integrity algorithms and hashes on @noble/hashes.
export function purePrf(_id: number): Prf | undefined { return undefined; }
export function pureIntegrity(_id: number): Integrity | undefined { return undefined; }
export function pureHash(_name: HashName, _data: Uint8Array): Uint8Array { throw new Error('not yet'); }
