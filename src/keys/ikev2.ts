/**
 * The IKEv2 key schedule (RFC 7296 sections 2.13-2.18, 2.15 and 2.23) as pure functions over a
 * negotiated `Prf`. Nothing here keeps state or picks algorithms: callers pass the PRF the SA
 * negotiated (for a rekey, the old SA's PRF where the RFC says so).
 */
import { IkeError } from '../errors.js';
import { PrfId } from '../payloads/iana/ikev2.js';
import { concatBytes, constantTimeEqual, utf8Encode } from '../util/bytes.js';
import type { Prf } from '../crypto/provider.js';

/** RFC 7296 section 2.13: the counter octet bounds prf+ to 255 iterations. */
export const PRF_PLUS_MAX_BLOCKS = 255;

/** RFC 7296 section 3.1: IKE SPIs are 8 octets. */
const IKE_SPI_LENGTH = 8;

function invalid(reason: string): IkeError {
  return new IkeError('INVALID_ARGUMENT', reason, { payload: 'IKEv2 key schedule' });
}

function checkLength(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * prf+ (RFC 7296 section 2.13): T1 | T2 | ... truncated to `length` bytes, where
 * T1 = prf(K, S | 0x01) and Tn = prf(K, Tn-1 | S | n).
 */
export function prfPlus(prf: Prf, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  checkLength('prf+ length', length);
  const hLen = prf.outputLength;
  const blocks = Math.ceil(length / hLen);
  if (blocks > PRF_PLUS_MAX_BLOCKS) {
    throw invalid(
      `prf+ asked for ${length} bytes = ${blocks} blocks of ${prf.name}; RFC 7296 section 2.13 allows at most ${PRF_PLUS_MAX_BLOCKS}`,
    );
  }
  const out = new Uint8Array(blocks * hLen);
  let previous: Uint8Array = new Uint8Array(0);
  for (let n = 1; n <= blocks; n++) {
    const input = new Uint8Array(previous.length + seed.length + 1);
    input.set(previous, 0);
    input.set(seed, previous.length);
    input[input.length - 1] = n;
    const t = prf.compute(key, input);
    input.fill(0);
    if (t.length !== hLen) throw invalid(`${prf.name} returned ${t.length} bytes, declared ${hLen}`);
    out.set(t, (n - 1) * hLen);
    previous = t;
  }
  if (out.length === length) return out;
  const result = out.slice(0, length);
  out.fill(0);
  return result;
}

/** RFC 7296 section 2.14: these two PRFs key SKEYSEED with the first 64 bits of each nonce only. */
function usesTruncatedNonceKey(prf: Prf): boolean {
  return prf.id === PrfId.PRF_AES128_XCBC || prf.id === PrfId.PRF_AES128_CMAC;
}

/** SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 section 2.14, with its AES-XCBC/CMAC nonce rule). */
export function skeyseed(prf: Prf, ni: Uint8Array, nr: Uint8Array, gir: Uint8Array): Uint8Array {
  if (usesTruncatedNonceKey(prf)) {
    if (ni.length < 8 || nr.length < 8) throw invalid(`${prf.name} needs nonces of at least 64 bits (RFC 7296 section 2.14)`);
    return prf.compute(concatBytes(ni.subarray(0, 8), nr.subarray(0, 8)), gir);
  }
  return prf.compute(concatBytes(ni, nr), gir);
}

/** Key lengths in bytes for section 2.14's split of prf+ output. */
export interface IkeSaKeyLengths {
  /** Integrity key length (0 with an AEAD). */
  integKeyLength: number;
  /** Encryption key length including any salt (RFC 5282 section 7.1). */
  encrKeyLength: number;
  /** Length of SK_d, SK_pi and SK_pr; defaults to the PRF's preferred key length. */
  prfKeyLength?: number;
}

export interface IkeSaKeys {
  SK_d: Uint8Array;
  SK_ai: Uint8Array;
  SK_ar: Uint8Array;
  SK_ei: Uint8Array;
  SK_er: Uint8Array;
  SK_pi: Uint8Array;
  SK_pr: Uint8Array;
}

/**
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * (RFC 7296 section 2.14; SK_d, SK_pi and SK_pr have the PRF's preferred key length).
 */
export function deriveIkeSaKeys(
  prf: Prf,
  SKEYSEED: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
  spiI: Uint8Array,
  spiR: Uint8Array,
  lengths: IkeSaKeyLengths,
): IkeSaKeys {
  if (spiI.length !== IKE_SPI_LENGTH || spiR.length !== IKE_SPI_LENGTH) {
    throw invalid(`IKE SPIs are ${IKE_SPI_LENGTH} bytes (RFC 7296 section 3.1), got ${spiI.length} and ${spiR.length}`);
  }
  const d = lengths.prfKeyLength ?? prf.keyLength;
  const a = lengths.integKeyLength;
  const e = lengths.encrKeyLength;
  checkLength('prf key length', d);
  checkLength('integrity key length', a);
  checkLength('encryption key length', e);
  const km = prfPlus(prf, SKEYSEED, concatBytes(ni, nr, spiI, spiR), 3 * d + 2 * a + 2 * e);
  let at = 0;
  // Views on the one KEYMAT block (one allocation per SA); wiping every key wipes the block.
  const take = (n: number): Uint8Array => km.subarray(at, (at += n));
  const keys: IkeSaKeys = {
    SK_d: take(d),
    SK_ai: take(a),
    SK_ar: take(a),
    SK_ei: take(e),
    SK_er: take(e),
    SK_pi: take(d),
    SK_pr: take(d),
  };
  return keys;
}

/**
 * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (RFC 7296 section 2.17): without `gir` for the first
 * Child SA or a CREATE_CHILD_SA without PFS, with it when the exchange carried KE payloads.
 */
export function childSaKeymat(
  prf: Prf,
  SK_d: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
  length: number,
  gir?: Uint8Array,
): Uint8Array {
  const seed = gir ? concatBytes(gir, ni, nr) : concatBytes(ni, nr);
  return prfPlus(prf, SK_d, seed, length);
}

export interface ChildSaKeyLengths {
  /** Encryption key length including any salt (RFC 4106 section 8.1, RFC 7634 section 2). */
  encrKeyLength: number;
  /** Integrity key length (0 with an AEAD). */
  integKeyLength: number;
}

export interface ChildSaDirectionKeys {
  encr: Uint8Array;
  integ: Uint8Array;
}

export interface ChildSaKeys {
  initiatorToResponder: ChildSaDirectionKeys;
  responderToInitiator: ChildSaDirectionKeys;
}

/**
 * Splits one ESP/AH Child SA's KEYMAT (RFC 7296 section 2.17): all initiator-to-responder keys come
 * first, and within a direction the encryption key precedes the integrity key (RFC 4301 section 5.2).
 */
export function deriveChildSaKeymat(
  prf: Prf,
  SK_d: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
  lengths: ChildSaKeyLengths,
  gir?: Uint8Array,
): ChildSaKeys {
  const e = lengths.encrKeyLength;
  const a = lengths.integKeyLength;
  checkLength('encryption key length', e);
  checkLength('integrity key length', a);
  const km = childSaKeymat(prf, SK_d, ni, nr, 2 * (e + a), gir);
  // Views on the one KEYMAT block, as for the IKE SA keys; wiping every key wipes the block.
  const keys: ChildSaKeys = {
    initiatorToResponder: { encr: km.subarray(0, e), integ: km.subarray(e, e + a) },
    responderToInitiator: { encr: km.subarray(e + a, 2 * e + a), integ: km.subarray(2 * e + a, 2 * (e + a)) },
  };
  return keys;
}

/**
 * SKEYSEED for a rekeyed IKE SA = prf(SK_d (old), g^ir (new) | Ni | Nr) (RFC 7296 section 2.18).
 * `prf` must be the OLD IKE SA's PRF; the new SA's keys then come from `deriveIkeSaKeys` with the
 * new SA's PRF, SPIs and nonces.
 */
export function rekeySkeyseed(
  prf: Prf,
  SK_d_old: Uint8Array,
  girNew: Uint8Array,
  ni: Uint8Array,
  nr: Uint8Array,
): Uint8Array {
  return prf.compute(SK_d_old, concatBytes(girNew, ni, nr));
}

/**
 * The octets an AUTH payload signs or MACs (RFC 7296 section 2.15):
 * RealMessage | NonceData of the peer | prf(SK_p, RestOfIDPayload), where SK_p is SK_pi for the
 * initiator and SK_pr for the responder, and RestOfIDPayload is the ID payload body after its
 * generic header (ID Type, RESERVED, Identification Data).
 */
export function authOctets(
  prf: Prf,
  realMessage: Uint8Array,
  peerNonceData: Uint8Array,
  SK_p: Uint8Array,
  restOfIdPayload: Uint8Array,
): Uint8Array {
  return concatBytes(realMessage, peerNonceData, prf.compute(SK_p, restOfIdPayload));
}

/** RFC 7296 section 2.15: the fixed pad string, 17 ASCII characters without a terminator. */
export const IKEV2_KEY_PAD = utf8Encode('Key Pad for IKEv2');

/**
 * AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <octets>) (RFC 7296 section 2.15); also the
 * EAP form (section 2.16) with the MSK as the shared secret.
 */
export function pskAuth(prf: Prf, psk: Uint8Array, octets: Uint8Array): Uint8Array {
  const padded = prf.compute(psk, IKEV2_KEY_PAD);
  try {
    return prf.compute(padded, octets);
  } finally {
    padded.fill(0);
  }
}

/** Checks a received shared-key AUTH value in constant time (RFC 7296 section 2.15). */
export function verifyPskAuth(prf: Prf, psk: Uint8Array, octets: Uint8Array, received: Uint8Array): boolean {
  return constantTimeEqual(pskAuth(prf, psk, octets), received);
}

/** A hash function over a whole message (SHA-1 for IKEv2 NAT detection). */
export type HashFunction = (data: Uint8Array) => Uint8Array;

/** Port and address encoded as section 2.23 hashes them: IP (4 or 16 octets) | Port (2 octets). */
export function ipPortOctets(ip: Uint8Array, port: number): Uint8Array {
  if (ip.length !== 4 && ip.length !== 16) throw invalid(`an IP address is 4 or 16 bytes, got ${ip.length}`);
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw invalid(`port ${port} is not 0..65535`);
  const out = new Uint8Array(ip.length + 2);
  out.set(ip, 0);
  out[ip.length] = port >>> 8;
  out[ip.length + 1] = port & 0xff;
  return out;
}

/**
 * NAT_DETECTION_SOURCE_IP / _DESTINATION_IP data = SHA-1(SPIi | SPIr | IP | Port)
 * (RFC 7296 section 2.23). `sha1` is passed in so the caller chooses the implementation; SPIr is
 * zero in the IKE_SA_INIT request.
 */
export function natDetectionHash(
  sha1: HashFunction,
  spiI: Uint8Array,
  spiR: Uint8Array,
  ip: Uint8Array,
  port: number,
): Uint8Array {
  if (spiI.length !== IKE_SPI_LENGTH || spiR.length !== IKE_SPI_LENGTH) {
    throw invalid(`IKE SPIs are ${IKE_SPI_LENGTH} bytes (RFC 7296 section 3.1), got ${spiI.length} and ${spiR.length}`);
  }
  return sha1(concatBytes(spiI, spiR, ipPortOctets(ip, port)));
}
