/**
 * CBC-MAC variants over AES-128: AES-XCBC-MAC (RFC 3566) and AES-CMAC (RFC 4493), and their PRF
 * forms with the key-length rules of RFC 4434 and RFC 4615. Outputs are the untruncated 16 bytes.
 */
import { cbc, ecb } from '@noble/ciphers/aes.js';
import { IkeError } from '../../errors.js';
import { wipe } from '../../util/bytes.js';

const BLOCK = 16;
const ZERO_BLOCK = new Uint8Array(BLOCK);

function requireAes128Key(key: Uint8Array, what: string): void {
  if (key.length !== BLOCK) throw new IkeError('INVALID_ARGUMENT', `${what} needs a 16-byte AES-128 key, got ${key.length} bytes`);
}

/** AES-128 in ECB over whole blocks: the raw block function used to derive subkeys. */
function encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  return ecb(key, { disablePadding: true }).encrypt(blocks);
}

/**
 * The message with its last block completed and masked, ready for plain CBC-MAC: a complete last
 * block is XORed with `completeMask`; an incomplete (or empty) one is padded with a single 1 bit
 * and zeros and XORed with `paddedMask` (RFC 3566 section 4, RFC 4493 section 2.4 steps 3-4).
 */
function maskLastBlock(data: Uint8Array, completeMask: Uint8Array, paddedMask: Uint8Array): Uint8Array {
  const complete = data.length > 0 && data.length % BLOCK === 0;
  const padded = new Uint8Array(complete ? data.length : (Math.floor(data.length / BLOCK) + 1) * BLOCK);
  padded.set(data);
  if (!complete) padded[data.length] = 0x80;
  const last = padded.length - BLOCK;
  const mask = complete ? completeMask : paddedMask;
  for (let i = 0; i < BLOCK; i++) padded[last + i] ^= mask[i];
  return padded;
}

/** CBC-MAC: the last block of CBC encryption under a zero IV. */
function cbcMac(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  const ct = cbc(key, ZERO_BLOCK, { disablePadding: true }).encrypt(blocks);
  return ct.slice(ct.length - BLOCK);
}

/** AES-XCBC-MAC (RFC 3566 section 4), full 128-bit output; the key must be 16 bytes. */
export function aesXcbcMac(key: Uint8Array, data: Uint8Array): Uint8Array {
  requireAes128Key(key, 'AES-XCBC-MAC');
  // RFC 3566 section 4 step 1: K1, K2, K3 are the encryptions of 0x01.., 0x02.., 0x03.. under K.
  const constants = new Uint8Array(3 * BLOCK);
  constants.fill(0x01, 0, BLOCK).fill(0x02, BLOCK, 2 * BLOCK).fill(0x03, 2 * BLOCK);
  const k = encryptBlocks(key, constants);
  const k1 = k.subarray(0, BLOCK);
  const masked = maskLastBlock(data, k.subarray(BLOCK, 2 * BLOCK), k.subarray(2 * BLOCK));
  const mac = cbcMac(k1, masked);
  wipe(k);
  wipe(masked);
  return mac;
}

/** Doubling in GF(2^128) as used for the CMAC subkeys (RFC 4493 section 2.3). */
function dbl(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) out[i] = ((block[i] << 1) | (i + 1 < BLOCK ? block[i + 1] >>> 7 : 0)) & 0xff;
  if (block[0] & 0x80) out[BLOCK - 1] ^= 0x87;
  return out;
}

/** AES-CMAC (RFC 4493 section 2.4), full 128-bit output; the key must be 16 bytes. */
export function aesCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  requireAes128Key(key, 'AES-CMAC');
  const l = encryptBlocks(key, ZERO_BLOCK);
  const k1 = dbl(l);
  const k2 = dbl(k1);
  const masked = maskLastBlock(data, k1, k2);
  const mac = cbcMac(key, masked);
  wipe(l);
  wipe(k1);
  wipe(k2);
  wipe(masked);
  return mac;
}

/**
 * AES-XCBC-PRF-128 (RFC 4434 section 2): a 16-byte key is used as is, a shorter one is padded
 * with zero bytes on the right, a longer one is replaced by AES-XCBC-PRF-128(0^128, key).
 */
export function aesXcbcPrf128(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length === BLOCK) return aesXcbcMac(key, data);
  let k: Uint8Array;
  if (key.length < BLOCK) {
    k = new Uint8Array(BLOCK);
    k.set(key);
  } else {
    k = aesXcbcMac(ZERO_BLOCK, key);
  }
  const out = aesXcbcMac(k, data);
  wipe(k);
  return out;
}

/**
 * AES-CMAC-PRF-128 (RFC 4615 section 3): a 16-byte key is used as is; a key of any other length,
 * shorter or longer, is replaced by AES-CMAC(0^128, key).
 */
export function aesCmacPrf128(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length === BLOCK) return aesCmac(key, data);
  const k = aesCmac(ZERO_BLOCK, key);
  const out = aesCmac(k, data);
  wipe(k);
  return out;
}
