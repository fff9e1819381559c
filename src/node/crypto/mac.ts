/**
 * Hashes and HMAC-based PRFs and integrity algorithms on node:crypto (OpenSSL), with the same
 * objects and checks as the pure ones. AES-XCBC and AES-CMAC return undefined: node:crypto has
 * no MAC API for them, so the stacked provider falls back to the pure implementation.
 */
import { createHash, createHmac } from 'node:crypto';
import { integInfo, prfInfo } from '../../crypto/catalog.js';
import type { CatalogHash } from '../../crypto/catalog.js';
import { isHashName, makeIntegrity, makePrf, type MacFunction } from '../../crypto/mac/index.js';
import type { HashName, Integrity, Prf } from '../../crypto/provider.js';

/** OpenSSL digest names for our hash names. */
const OPENSSL_DIGEST: Record<HashName, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};

/** A plain Uint8Array copy, so that callers never see a Buffer or a shared pool. */
function toBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b);
}

function hmacFor(hash: CatalogHash | undefined): MacFunction | undefined {
  if (hash === undefined || !isHashName(hash)) return undefined;
  const digest = OPENSSL_DIGEST[hash];
  return (key, data) => toBytes(createHmac(digest, key).update(data).digest());
}

export function nodeHash(name: HashName, data: Uint8Array): Uint8Array | undefined {
  if (!Object.hasOwn(OPENSSL_DIGEST, name)) return undefined;
  return toBytes(createHash(OPENSSL_DIGEST[name]).update(data).digest());
}

const prfCache = new Map<number, Prf | undefined>();
const integCache = new Map<number, Integrity | undefined>();

export function nodePrf(id: number): Prf | undefined {
  if (prfCache.has(id)) return prfCache.get(id);
  const info = prfInfo(id);
  const mac = info?.construction === 'hmac' ? hmacFor(info.hash) : undefined;
  const prf = info && mac ? makePrf(info, mac) : undefined;
  if (info) prfCache.set(id, prf);
  return prf;
}

export function nodeIntegrity(id: number): Integrity | undefined {
  if (integCache.has(id)) return integCache.get(id);
  const info = integInfo(id);
  const mac = info?.construction === 'hmac' ? hmacFor(info.hash) : undefined;
  const integ = info && mac ? makeIntegrity(info, mac) : undefined;
  if (info) integCache.set(id, integ);
  return integ;
}
