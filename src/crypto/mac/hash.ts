/** Hash functions and HMAC (RFC 2104) on @noble/hashes. */
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { IkeError } from '../../errors.js';
import type { HashName } from '../provider.js';

const hashes = { md5, sha1, sha256, sha384, sha512 } as const;

function hashFunction(name: HashName) {
  const h = Object.hasOwn(hashes, name) ? hashes[name] : undefined;
  if (!h) throw new IkeError('UNSUPPORTED_ALGORITHM', `unknown hash ${String(name)}`);
  return h;
}

export function isHashName(name: string): name is HashName {
  return Object.hasOwn(hashes, name);
}

/** Output length of a hash in bytes. */
export function hashLength(name: HashName): number {
  return hashFunction(name).outputLen;
}

export function pureHash(name: HashName, data: Uint8Array): Uint8Array {
  return hashFunction(name)(data);
}

/** HMAC (RFC 2104): any key length; keys longer than the hash block are hashed first. */
export function hmac(hashName: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return nobleHmac(hashFunction(hashName), key, data);
}
