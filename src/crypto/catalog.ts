/**
 * Provider-independent metadata of the IKEv2 PRF (Transform Type 2) and integrity (Transform
 * Type 3) algorithms: what key derivation (RFC 7296 sections 2.14 and 2.17) and proposal code need
 * to know without asking a crypto provider. Lengths are in bytes.
 */
import { IntegId, PrfId } from '../payloads/iana/ikev2.js';
import type { HashName } from './provider.js';

/** How a MAC is built: HMAC over a hash (RFC 2104), or a CBC-MAC variant over AES-128. */
export type MacConstruction = 'hmac' | 'aes-xcbc' | 'aes-cmac' | 'aes-gmac' | 'none';

/** Hashes named by the catalog; the ones outside HashName have no implementation here. */
export type CatalogHash = HashName | 'tiger' | 'streebog512';

export interface PrfInfo {
  readonly id: number;
  readonly name: string;
  readonly construction: MacConstruction;
  readonly hash?: CatalogHash;
  readonly outputLength: number;
  /** Preferred key length: the length of SK_d, SK_pi and SK_pr (RFC 7296 section 2.14). */
  readonly keyLength: number;
  /**
   * False for PRFs that take a fixed-length key (AES-XCBC, AES-CMAC): for SKEYSEED, RFC 7296
   * section 2.14 takes half the key from the start of Ni and half from the start of Nr.
   */
  readonly variableKeyLength: boolean;
  readonly rfc: string;
}

export interface IntegInfo {
  readonly id: number;
  readonly name: string;
  readonly construction: MacConstruction;
  readonly hash?: CatalogHash;
  /** Length of SK_ai / SK_ar, or of the Child SA integrity key (RFC 7296 sections 2.14, 2.17). */
  readonly keyLength: number;
  /** Bytes of the key that are salt rather than cipher key (AES-GMAC, RFC 4543). */
  readonly saltLength: number;
  /** Untruncated MAC output length. */
  readonly macLength: number;
  /** Transmitted ICV length: the MAC truncated to its leftmost bytes. */
  readonly icvLength: number;
  /** Whether the algorithm may protect an IKE SA; GMAC is defined for ESP and AH only (RFC 4543). */
  readonly ikeSa: boolean;
  readonly rfc: string;
}

const prfTable: readonly PrfInfo[] = [
  { id: PrfId.PRF_HMAC_MD5, name: 'PRF_HMAC_MD5', construction: 'hmac', hash: 'md5', outputLength: 16, keyLength: 16, variableKeyLength: true, rfc: 'RFC 2104' },
  { id: PrfId.PRF_HMAC_SHA1, name: 'PRF_HMAC_SHA1', construction: 'hmac', hash: 'sha1', outputLength: 20, keyLength: 20, variableKeyLength: true, rfc: 'RFC 2104' },
  { id: PrfId.PRF_HMAC_TIGER, name: 'PRF_HMAC_TIGER', construction: 'hmac', hash: 'tiger', outputLength: 24, keyLength: 24, variableKeyLength: true, rfc: 'RFC 2104' },
  // RFC 4434 section 2: the key is 128 bits; other lengths are adapted, but SKEYSEED still uses half of each nonce.
  { id: PrfId.PRF_AES128_XCBC, name: 'PRF_AES128_XCBC', construction: 'aes-xcbc', outputLength: 16, keyLength: 16, variableKeyLength: false, rfc: 'RFC 4434' },
  // RFC 4868 section 2.1.2: the PRF key length (SK_d, SK_pi, SK_pr) equals the output length.
  { id: PrfId.PRF_HMAC_SHA2_256, name: 'PRF_HMAC_SHA2_256', construction: 'hmac', hash: 'sha256', outputLength: 32, keyLength: 32, variableKeyLength: true, rfc: 'RFC 4868' },
  { id: PrfId.PRF_HMAC_SHA2_384, name: 'PRF_HMAC_SHA2_384', construction: 'hmac', hash: 'sha384', outputLength: 48, keyLength: 48, variableKeyLength: true, rfc: 'RFC 4868' },
  { id: PrfId.PRF_HMAC_SHA2_512, name: 'PRF_HMAC_SHA2_512', construction: 'hmac', hash: 'sha512', outputLength: 64, keyLength: 64, variableKeyLength: true, rfc: 'RFC 4868' },
  { id: PrfId.PRF_AES128_CMAC, name: 'PRF_AES128_CMAC', construction: 'aes-cmac', outputLength: 16, keyLength: 16, variableKeyLength: false, rfc: 'RFC 4615' },
  { id: PrfId.PRF_HMAC_STREEBOG_512, name: 'PRF_HMAC_STREEBOG_512', construction: 'hmac', hash: 'streebog512', outputLength: 64, keyLength: 64, variableKeyLength: true, rfc: 'RFC 9385' },
];

// AUTH_DES_MAC (3) and AUTH_KPDK_MD5 (4) have no lengths defined for IKEv2 and are left out.
const integTable: readonly IntegInfo[] = [
  { id: IntegId.NONE, name: 'NONE', construction: 'none', keyLength: 0, saltLength: 0, macLength: 0, icvLength: 0, ikeSa: false, rfc: 'RFC 7296' },
  { id: IntegId.AUTH_HMAC_MD5_96, name: 'AUTH_HMAC_MD5_96', construction: 'hmac', hash: 'md5', keyLength: 16, saltLength: 0, macLength: 16, icvLength: 12, ikeSa: true, rfc: 'RFC 2403' },
  { id: IntegId.AUTH_HMAC_SHA1_96, name: 'AUTH_HMAC_SHA1_96', construction: 'hmac', hash: 'sha1', keyLength: 20, saltLength: 0, macLength: 20, icvLength: 12, ikeSa: true, rfc: 'RFC 2404' },
  { id: IntegId.AUTH_AES_XCBC_96, name: 'AUTH_AES_XCBC_96', construction: 'aes-xcbc', keyLength: 16, saltLength: 0, macLength: 16, icvLength: 12, ikeSa: true, rfc: 'RFC 3566' },
  { id: IntegId.AUTH_HMAC_MD5_128, name: 'AUTH_HMAC_MD5_128', construction: 'hmac', hash: 'md5', keyLength: 16, saltLength: 0, macLength: 16, icvLength: 16, ikeSa: true, rfc: 'RFC 4595' },
  { id: IntegId.AUTH_HMAC_SHA1_160, name: 'AUTH_HMAC_SHA1_160', construction: 'hmac', hash: 'sha1', keyLength: 20, saltLength: 0, macLength: 20, icvLength: 20, ikeSa: true, rfc: 'RFC 4595' },
  { id: IntegId.AUTH_AES_CMAC_96, name: 'AUTH_AES_CMAC_96', construction: 'aes-cmac', keyLength: 16, saltLength: 0, macLength: 16, icvLength: 12, ikeSa: true, rfc: 'RFC 4494' },
  // RFC 4543: the keying material of AES-GMAC is the AES key followed by a 4-byte salt.
  { id: IntegId.AUTH_AES_128_GMAC, name: 'AUTH_AES_128_GMAC', construction: 'aes-gmac', keyLength: 20, saltLength: 4, macLength: 16, icvLength: 16, ikeSa: false, rfc: 'RFC 4543' },
  { id: IntegId.AUTH_AES_192_GMAC, name: 'AUTH_AES_192_GMAC', construction: 'aes-gmac', keyLength: 28, saltLength: 4, macLength: 16, icvLength: 16, ikeSa: false, rfc: 'RFC 4543' },
  { id: IntegId.AUTH_AES_256_GMAC, name: 'AUTH_AES_256_GMAC', construction: 'aes-gmac', keyLength: 36, saltLength: 4, macLength: 16, icvLength: 16, ikeSa: false, rfc: 'RFC 4543' },
  // RFC 4868 sections 2.1.1 and 2.3: the key is as long as the hash output, the ICV half of it.
  { id: IntegId.AUTH_HMAC_SHA2_256_128, name: 'AUTH_HMAC_SHA2_256_128', construction: 'hmac', hash: 'sha256', keyLength: 32, saltLength: 0, macLength: 32, icvLength: 16, ikeSa: true, rfc: 'RFC 4868' },
  { id: IntegId.AUTH_HMAC_SHA2_384_192, name: 'AUTH_HMAC_SHA2_384_192', construction: 'hmac', hash: 'sha384', keyLength: 48, saltLength: 0, macLength: 48, icvLength: 24, ikeSa: true, rfc: 'RFC 4868' },
  { id: IntegId.AUTH_HMAC_SHA2_512_256, name: 'AUTH_HMAC_SHA2_512_256', construction: 'hmac', hash: 'sha512', keyLength: 64, saltLength: 0, macLength: 64, icvLength: 32, ikeSa: true, rfc: 'RFC 4868' },
];

const prfById = new Map(prfTable.map((e) => [e.id, Object.freeze(e)]));
const integById = new Map(integTable.map((e) => [e.id, Object.freeze(e)]));

/** Every catalogued PRF, in transform ID order. */
export const prfCatalog: readonly PrfInfo[] = Object.freeze([...prfById.values()]);
/** Every catalogued integrity algorithm, in transform ID order. */
export const integCatalog: readonly IntegInfo[] = Object.freeze([...integById.values()]);

export function prfInfo(id: number): PrfInfo | undefined {
  return prfById.get(id);
}

export function integInfo(id: number): IntegInfo | undefined {
  return integById.get(id);
}
