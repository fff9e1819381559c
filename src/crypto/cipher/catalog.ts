/**
 * Static facts about each encryption transform (Transform Type 1): key, salt, IV, block and ICV
 * lengths, and where it may be used. Both providers build on this table, so that they agree on
 * every length.
 */
import { EncrId } from '../../payloads/iana/ikev2.js';

export interface EncrInfo {
  readonly id: number;
  /** Display name with the key size, e.g. "ENCR_AES_GCM_16/256". */
  readonly name: string;
  /** Cipher key length in bytes, without the salt. */
  readonly keyLength: number;
  /** Bytes taken from the keying material after the key (RFC 5282 section 7.1, RFC 5930, RFC 7634). */
  readonly saltLength: number;
  /** Bytes of IV carried in every message. */
  readonly ivLength: number;
  /** Plaintext is padded to a multiple of this (1 for counter and AEAD modes). */
  readonly blockSize: number;
  /** ICV length for combined modes; 0 for plain ciphers. */
  readonly icvLength: number;
  readonly aead: boolean;
  /** RFC 7296 section 3.3.5: variable-length ciphers need the Key Length attribute. */
  readonly keyLengthRequired: boolean;
  /** False for the ESP-only transforms (ENCR_NULL, RFC 7296 section 3.3.2; GMAC, RFC 4543). */
  readonly ikeAllowed: boolean;
  /** Single DES: 56-bit key (RFC 8247 section 5 says MUST NOT). */
  readonly weak: boolean;
}

const AES_BITS = [128, 192, 256];

interface Template {
  base: string;
  variable: boolean;
  /** Fixed key length in bytes, for the fixed-length ciphers. */
  fixedKey?: number;
  saltLength: number;
  ivLength: number;
  blockSize: number;
  icvLength: number;
  aead: boolean;
  ikeAllowed: boolean;
  weak?: boolean;
}

const TEMPLATES = new Map<number, Template>([
  // RFC 2405 / RFC 8247: 8-byte key (56 bits and parity), 8-byte block and IV.
  [EncrId.ENCR_DES, { base: 'ENCR_DES', variable: false, fixedKey: 8, saltLength: 0, ivLength: 8, blockSize: 8, icvLength: 0, aead: false, ikeAllowed: true, weak: true }],
  // RFC 2451: three 8-byte keys, 8-byte block and IV.
  [EncrId.ENCR_3DES, { base: 'ENCR_3DES', variable: false, fixedKey: 24, saltLength: 0, ivLength: 8, blockSize: 8, icvLength: 0, aead: false, ikeAllowed: true }],
  // RFC 2410: no key, no IV, block size 1; RFC 7296 section 3.3.2 keeps it out of IKE.
  [EncrId.ENCR_NULL, { base: 'ENCR_NULL', variable: false, fixedKey: 0, saltLength: 0, ivLength: 0, blockSize: 1, icvLength: 0, aead: false, ikeAllowed: false }],
  // RFC 3602 section 2.4: the IV is one 16-byte block.
  [EncrId.ENCR_AES_CBC, { base: 'ENCR_AES_CBC', variable: true, saltLength: 0, ivLength: 16, blockSize: 16, icvLength: 0, aead: false, ikeAllowed: true }],
  // RFC 3686 section 5.1 / RFC 5930 section 2: key || 4-byte nonce, 8-byte IV.
  [EncrId.ENCR_AES_CTR, { base: 'ENCR_AES_CTR', variable: true, saltLength: 4, ivLength: 8, blockSize: 1, icvLength: 0, aead: false, ikeAllowed: true }],
  // RFC 4309 section 7.1 / RFC 5282 section 7.1: key || 3-byte salt, 8-byte IV.
  [EncrId.ENCR_AES_CCM_8, { base: 'ENCR_AES_CCM_8', variable: true, saltLength: 3, ivLength: 8, blockSize: 1, icvLength: 8, aead: true, ikeAllowed: true }],
  [EncrId.ENCR_AES_CCM_12, { base: 'ENCR_AES_CCM_12', variable: true, saltLength: 3, ivLength: 8, blockSize: 1, icvLength: 12, aead: true, ikeAllowed: true }],
  [EncrId.ENCR_AES_CCM_16, { base: 'ENCR_AES_CCM_16', variable: true, saltLength: 3, ivLength: 8, blockSize: 1, icvLength: 16, aead: true, ikeAllowed: true }],
  // RFC 4106 section 8.1 / RFC 5282 section 7.1: key || 4-byte salt, 8-byte IV.
  [EncrId.ENCR_AES_GCM_8, { base: 'ENCR_AES_GCM_8', variable: true, saltLength: 4, ivLength: 8, blockSize: 1, icvLength: 8, aead: true, ikeAllowed: true }],
  [EncrId.ENCR_AES_GCM_12, { base: 'ENCR_AES_GCM_12', variable: true, saltLength: 4, ivLength: 8, blockSize: 1, icvLength: 12, aead: true, ikeAllowed: true }],
  [EncrId.ENCR_AES_GCM_16, { base: 'ENCR_AES_GCM_16', variable: true, saltLength: 4, ivLength: 8, blockSize: 1, icvLength: 16, aead: true, ikeAllowed: true }],
  // RFC 4543 section 3: key || 4-byte salt, 8-byte IV, 16-byte ICV; ESP and AH only.
  [EncrId.ENCR_NULL_AUTH_AES_GMAC, { base: 'ENCR_NULL_AUTH_AES_GMAC', variable: true, saltLength: 4, ivLength: 8, blockSize: 1, icvLength: 16, aead: true, ikeAllowed: false }],
  // RFC 7634 sections 2 and 3: 256-bit key || 4-byte salt, 8-byte IV, 16-byte tag.
  [EncrId.ENCR_CHACHA20_POLY1305, { base: 'ENCR_CHACHA20_POLY1305', variable: false, fixedKey: 32, saltLength: 4, ivLength: 8, blockSize: 1, icvLength: 16, aead: true, ikeAllowed: true }],
]);

/**
 * The facts for transform `id` with Key Length attribute `keyBits`, or undefined when we do not
 * implement it or the key length does not fit. Variable-length ciphers (AES) require 128, 192 or
 * 256; fixed-length ones take no attribute (RFC 7296 section 3.3.5), though their own length in
 * bits is tolerated.
 */
export function encrInfo(id: number, keyBits?: number): EncrInfo | undefined {
  const t = TEMPLATES.get(id);
  if (!t) return undefined;
  let keyLength: number;
  if (t.variable) {
    if (keyBits === undefined || !AES_BITS.includes(keyBits)) return undefined;
    keyLength = keyBits / 8;
  } else {
    keyLength = t.fixedKey ?? 0;
    if (keyBits !== undefined && keyBits !== keyLength * 8) return undefined;
  }
  return {
    id,
    name: t.variable ? `${t.base}/${keyBits}` : t.base,
    keyLength,
    saltLength: t.saltLength,
    ivLength: t.ivLength,
    blockSize: t.blockSize,
    icvLength: t.icvLength,
    aead: t.aead,
    keyLengthRequired: t.variable,
    ikeAllowed: t.ikeAllowed,
    weak: t.weak ?? false,
  };
}

/** The transform IDs this table knows. */
export function knownEncrIds(): number[] {
  return [...TEMPLATES.keys()];
}
