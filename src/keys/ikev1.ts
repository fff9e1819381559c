/**
 * The IKEv1 key schedule (RFC 2409 section 5 and Appendix B; NAT-D from RFC 3947 section 3.2) as
 * pure functions. "prf" is the negotiated PRF, which RFC 2409 section 4 makes the HMAC of the
 * negotiated hash when no PRF attribute is negotiated; `prfForIkev1Hash` maps one to the other.
 */
import { IkeError } from '../errors.js';
import { pureHash } from '../crypto/mac/index.js';
import { PrfId } from '../payloads/iana/ikev2.js';
import { concatBytes, u32be } from '../util/bytes.js';
import type { CryptoProvider, HashName, Prf } from '../crypto/provider.js';
import { ipPortOctets, type HashFunction } from './ikev2.js';

function invalid(reason: string): IkeError {
  return new IkeError('INVALID_ARGUMENT', reason, { payload: 'IKEv1 key schedule' });
}

/** IKEv1 Hash Algorithm attribute values (RFC 2409 Appendix A; SHA2 values from the IANA IKE registry) and their IKEv2 HMAC PRF ids. */
export const IKEV1_HASH_ALGORITHMS: Readonly<Record<number, { name: HashName; prfId: number }>> = {
  1: { name: 'md5', prfId: PrfId.PRF_HMAC_MD5 },
  2: { name: 'sha1', prfId: PrfId.PRF_HMAC_SHA1 },
  4: { name: 'sha256', prfId: PrfId.PRF_HMAC_SHA2_256 },
  5: { name: 'sha384', prfId: PrfId.PRF_HMAC_SHA2_384 },
  6: { name: 'sha512', prfId: PrfId.PRF_HMAC_SHA2_512 },
};

/** The IKEv2 PRF id that is HMAC with this IKEv1 hash attribute value, or undefined. */
export function ikev1HashToPrfId(hashAlgorithm: number): number | undefined {
  return IKEV1_HASH_ALGORITHMS[hashAlgorithm]?.prfId;
}

/** The HMAC PRF for an IKEv1 hash attribute value (RFC 2409 section 4), from `provider`. */
export function prfForIkev1Hash(provider: CryptoProvider, hashAlgorithm: number): Prf {
  const id = ikev1HashToPrfId(hashAlgorithm);
  const prf = id === undefined ? undefined : provider.prf(id);
  if (!prf) {
    throw new IkeError('UNSUPPORTED_ALGORITHM', `no HMAC PRF for IKEv1 hash algorithm ${hashAlgorithm} in provider ${provider.name}`, {
      payload: 'IKEv1 key schedule',
    });
  }
  return prf;
}

/** M-ID as the 4 octets in network byte order that the hashes of RFC 2409 sections 5.5-5.7 take. */
function messageIdOctets(messageId: number | Uint8Array): Uint8Array {
  if (messageId instanceof Uint8Array) {
    if (messageId.length !== 4) throw invalid(`M-ID is 4 bytes, got ${messageId.length}`);
    return messageId;
  }
  if (!Number.isInteger(messageId) || messageId < 0 || messageId > 0xffffffff) throw invalid(`M-ID ${messageId} is not a 32-bit value`);
  return u32be(messageId);
}

const ZERO = Uint8Array.of(0);

// ---- SKEYID (RFC 2409 section 5) ------------------------------------------------------------

/** SKEYID for signature authentication = prf(Ni_b | Nr_b, g^xy) (RFC 2409 section 5). */
export function skeyidSignature(prf: Prf, niB: Uint8Array, nrB: Uint8Array, gxy: Uint8Array): Uint8Array {
  return prf.compute(concatBytes(niB, nrB), gxy);
}

/** SKEYID for pre-shared key authentication = prf(pre-shared-key, Ni_b | Nr_b) (RFC 2409 section 5). */
export function skeyidPreSharedKey(prf: Prf, preSharedKey: Uint8Array, niB: Uint8Array, nrB: Uint8Array): Uint8Array {
  return prf.compute(preSharedKey, concatBytes(niB, nrB));
}

/**
 * SKEYID for public key encryption (both revisions) = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)
 * (RFC 2409 section 5); `hash` is the negotiated hash.
 */
export function skeyidPublicKeyEncryption(
  prf: Prf,
  hash: HashFunction,
  niB: Uint8Array,
  nrB: Uint8Array,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
): Uint8Array {
  const key = hash(concatBytes(niB, nrB));
  try {
    return prf.compute(key, concatBytes(ckyI, ckyR));
  } finally {
    key.fill(0);
  }
}

export interface SkeyidKeys {
  SKEYID_d: Uint8Array;
  SKEYID_a: Uint8Array;
  SKEYID_e: Uint8Array;
}

/**
 * RFC 2409 section 5:
 * SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0),
 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1),
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2).
 */
export function deriveSkeyids(prf: Prf, SKEYID: Uint8Array, gxy: Uint8Array, ckyI: Uint8Array, ckyR: Uint8Array): SkeyidKeys {
  const tail = concatBytes(gxy, ckyI, ckyR);
  const SKEYID_d = prf.compute(SKEYID, concatBytes(tail, Uint8Array.of(0)));
  const SKEYID_a = prf.compute(SKEYID, concatBytes(SKEYID_d, tail, Uint8Array.of(1)));
  const SKEYID_e = prf.compute(SKEYID, concatBytes(SKEYID_a, tail, Uint8Array.of(2)));
  return { SKEYID_d, SKEYID_a, SKEYID_e };
}

/** Upper bound for expanded keys, far above any cipher's key; keeps a bad length from allocating without limit. */
export const MAX_EXPANDED_KEY_LENGTH = 4096;

/**
 * The encryption key from SKEYID_e (RFC 2409 Appendix B): its leading bytes when long enough, else
 * the leading bytes of K1 | K2 | ... with K1 = prf(SKEYID_e, 0) and Kn = prf(SKEYID_e, Kn-1).
 */
export function encryptionKeyV1(prf: Prf, SKEYID_e: Uint8Array, keyLength: number): Uint8Array {
  if (!Number.isSafeInteger(keyLength) || keyLength < 0 || keyLength > MAX_EXPANDED_KEY_LENGTH) {
    throw invalid(`cipher key length ${keyLength} is outside 0..${MAX_EXPANDED_KEY_LENGTH}`);
  }
  if (keyLength <= SKEYID_e.length) return SKEYID_e.slice(0, keyLength);
  const out = new Uint8Array(keyLength);
  let k = prf.compute(SKEYID_e, ZERO);
  if (k.length === 0) throw invalid(`${prf.name} returned no output`);
  let at = 0;
  for (;;) {
    out.set(k.subarray(0, Math.min(k.length, keyLength - at)), at);
    at += k.length;
    if (at >= keyLength) break;
    k = prf.compute(SKEYID_e, k);
  }
  return out;
}

// ---- IVs (RFC 2409 Appendix B) ---------------------------------------------------------------

function truncate(digest: Uint8Array, blockSize: number): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize <= 0 || blockSize > digest.length) {
    throw invalid(`block size ${blockSize} does not fit a ${digest.length}-byte hash`);
  }
  return digest.slice(0, blockSize);
}

/** Hash implementation by name; defaults to the pure provider's. */
export type NamedHash = (name: HashName, data: Uint8Array) => Uint8Array;

/** The Phase 1 IV = hash(g^xi | g^xr), truncated to the cipher block size (RFC 2409 Appendix B). */
export function phase1IvV1(
  hashName: HashName,
  gxi: Uint8Array,
  gxr: Uint8Array,
  blockSize: number,
  hash: NamedHash = pureHash,
): Uint8Array {
  return truncate(hash(hashName, concatBytes(gxi, gxr)), blockSize);
}

/**
 * The IV of a Phase 2 or Informational exchange = hash(last Phase 1 CBC output block | M-ID),
 * truncated to the cipher block size (RFC 2409 Appendix B).
 */
export function phase2IvV1(
  hashName: HashName,
  lastPhase1Block: Uint8Array,
  messageId: number | Uint8Array,
  blockSize: number,
  hash: NamedHash = pureHash,
): Uint8Array {
  return truncate(hash(hashName, concatBytes(lastPhase1Block, messageIdOctets(messageId))), blockSize);
}

// ---- Phase 1 authentication hashes (RFC 2409 section 5) --------------------------------------

export interface Phase1HashInputs {
  gxi: Uint8Array;
  gxr: Uint8Array;
  ckyI: Uint8Array;
  ckyR: Uint8Array;
  /** The initiator's SA payload body, without the generic header (used by both sides). */
  saiB: Uint8Array;
}

/** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) (RFC 2409 section 5). */
export function hashI(prf: Prf, SKEYID: Uint8Array, p: Phase1HashInputs, idiiB: Uint8Array): Uint8Array {
  return prf.compute(SKEYID, concatBytes(p.gxi, p.gxr, p.ckyI, p.ckyR, p.saiB, idiiB));
}

/** HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) (RFC 2409 section 5). */
export function hashR(prf: Prf, SKEYID: Uint8Array, p: Phase1HashInputs, idirB: Uint8Array): Uint8Array {
  return prf.compute(SKEYID, concatBytes(p.gxr, p.gxi, p.ckyR, p.ckyI, p.saiB, idirB));
}

// ---- Quick Mode and Informational hashes (RFC 2409 sections 5.5, 5.7) -------------------------

/**
 * Quick Mode HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]) (RFC 2409 section 5.5);
 * `rest` is the message from the payload after HASH to its end.
 */
export function quickModeHash1(prf: Prf, SKEYID_a: Uint8Array, messageId: number | Uint8Array, rest: Uint8Array): Uint8Array {
  return prf.compute(SKEYID_a, concatBytes(messageIdOctets(messageId), rest));
}

/** Quick Mode HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]) (RFC 2409 section 5.5). */
export function quickModeHash2(
  prf: Prf,
  SKEYID_a: Uint8Array,
  messageId: number | Uint8Array,
  niB: Uint8Array,
  rest: Uint8Array,
): Uint8Array {
  return prf.compute(SKEYID_a, concatBytes(messageIdOctets(messageId), niB, rest));
}

/** Quick Mode HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b), 0 being one octet (RFC 2409 section 5.5). */
export function quickModeHash3(
  prf: Prf,
  SKEYID_a: Uint8Array,
  messageId: number | Uint8Array,
  niB: Uint8Array,
  nrB: Uint8Array,
): Uint8Array {
  return prf.compute(SKEYID_a, concatBytes(ZERO, messageIdOctets(messageId), niB, nrB));
}

/** Informational HASH(1) = prf(SKEYID_a, M-ID | N/D) (RFC 2409 section 5.7). */
export function informationalHash(prf: Prf, SKEYID_a: Uint8Array, messageId: number | Uint8Array, notifyOrDelete: Uint8Array): Uint8Array {
  return prf.compute(SKEYID_a, concatBytes(messageIdOctets(messageId), notifyOrDelete));
}

// ---- Quick Mode KEYMAT (RFC 2409 section 5.5) -------------------------------------------------

export interface QuickModeKeymatInputs {
  /** Protocol ID from the ISAKMP proposal (PROTO_IPSEC_AH 2, PROTO_IPSEC_ESP 3; RFC 2407 section 4.4.1). */
  protocol: number;
  /** The SPI of the SA this KEYMAT keys (the receiving side's SPI, as in its proposal). */
  spi: Uint8Array;
  niB: Uint8Array;
  nrB: Uint8Array;
  /** g(qm)^xy when Quick Mode carried KE payloads (PFS). */
  gqmxy?: Uint8Array;
}

/**
 * KEYMAT = K1 | K2 | ... truncated to `length`, with K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI |
 * Ni_b | Nr_b) and Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 * (RFC 2409 section 5.5).
 */
export function quickModeKeymat(prf: Prf, SKEYID_d: Uint8Array, p: QuickModeKeymatInputs, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_EXPANDED_KEY_LENGTH) {
    throw invalid(`KEYMAT length ${length} is outside 0..${MAX_EXPANDED_KEY_LENGTH}`);
  }
  if (!Number.isInteger(p.protocol) || p.protocol < 0 || p.protocol > 255) throw invalid(`protocol ${p.protocol} is not one octet`);
  const tail = concatBytes(p.gqmxy ?? new Uint8Array(0), Uint8Array.of(p.protocol), p.spi, p.niB, p.nrB);
  const out = new Uint8Array(length);
  let k: Uint8Array = new Uint8Array(0);
  for (let at = 0; at < length; at += k.length) {
    k = prf.compute(SKEYID_d, concatBytes(k, tail));
    if (k.length === 0) throw invalid(`${prf.name} returned no output`);
    out.set(k.subarray(0, Math.min(k.length, length - at)), at);
  }
  return out;
}

// ---- NAT-D (RFC 3947 section 3.2) ------------------------------------------------------------

/** NAT-D payload data = HASH(CKY-I | CKY-R | IP | Port), with the negotiated hash (RFC 3947 section 3.2). */
export function natDetectionHashV1(
  hash: HashFunction,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
  ip: Uint8Array,
  port: number,
): Uint8Array {
  if (ckyI.length !== 8 || ckyR.length !== 8) throw invalid(`ISAKMP cookies are 8 bytes (RFC 2408 section 3.1), got ${ckyI.length} and ${ckyR.length}`);
  return hash(concatBytes(ckyI, ckyR, ipPortOctets(ip, port)));
}
