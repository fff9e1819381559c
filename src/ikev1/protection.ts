/**
 * Phase 1 keying (RFC 2409 section 5 and Appendix B) and the encryption of message bodies after
 * the ISAKMP header, with the IV chained from message to message within an exchange.
 */
import { encrInfo } from '../crypto/cipher/catalog.js';
import { decryptBodyV1, encryptBodyV1 } from '../crypto/ikev1-body.js';
import type { Cipher, CryptoProvider, HashName, Prf } from '../crypto/provider.js';
import { IkeError } from '../errors.js';
import {
  deriveSkeyids,
  encryptionKeyV1,
  IKEV1_HASH_ALGORITHMS,
  phase1IvV1,
  phase2IvV1,
  prfForIkev1Hash,
  skeyidPreSharedKey,
} from '../keys/ikev1.js';
import { PayloadType } from '../payloads/iana/ikev1.js';
import { ISAKMP_HEADER_LENGTH, type IsakmpHeader } from '../payloads/ikev1/header.js';
import { decodePayloadChainV1, encodeMessageV1, encodePayloadChainBytesV1, type IkeV1EncryptedMessage } from '../payloads/ikev1/message.js';
import type { PayloadV1 } from '../payloads/ikev1/types.js';
import type { Phase1Policy } from './algorithms.js';
import { phase1CipherId } from './algorithms.js';

export interface Phase1Keys {
  prf: Prf;
  hashName: HashName;
  cipher: Cipher;
  cipherName: string;
  SKEYID: Uint8Array;
  SKEYID_d: Uint8Array;
  SKEYID_a: Uint8Array;
  SKEYID_e: Uint8Array;
  /** The cipher key from SKEYID_e (RFC 2409 Appendix B). */
  key: Uint8Array;
  /** hash(g^xi | g^xr) truncated to the block size: the IV of the first encrypted message. */
  phase1Iv: Uint8Array;
}

function unsupported(reason: string): never {
  throw new IkeError('UNSUPPORTED_ALGORITHM', reason, { payload: 'IKEv1 phase 1' });
}

/** The hash and cipher of a phase 1 policy, from the provider; throws when it cannot run them. */
export function phase1Algorithms(provider: CryptoProvider, policy: Phase1Policy): { prf: Prf; hashName: HashName; cipher: Cipher; cipherName: string } {
  const h = IKEV1_HASH_ALGORITHMS[policy.hash];
  if (!h) unsupported(`hash algorithm ${policy.hash}`);
  const prf = prfForIkev1Hash(provider, policy.hash);
  const id = phase1CipherId(policy.encryption);
  const info = id === undefined ? undefined : encrInfo(id, policy.keyBits);
  const cipher = id === undefined ? undefined : provider.encryption(id, policy.keyBits);
  if (!info || !cipher || cipher.aead) unsupported(`encryption algorithm ${policy.encryption}${policy.keyBits ? `/${policy.keyBits}` : ''}`);
  return { prf, hashName: h.name, cipher, cipherName: info.name };
}

export interface Phase1KeyInputs {
  psk: Uint8Array;
  ni: Uint8Array;
  nr: Uint8Array;
  gxy: Uint8Array;
  gxi: Uint8Array;
  gxr: Uint8Array;
  ckyI: Uint8Array;
  ckyR: Uint8Array;
}

/** SKEYID for pre-shared keys, SKEYID_d/a/e, the cipher key and the phase 1 IV (RFC 2409 section 5, Appendix B). */
export function derivePhase1Keys(provider: CryptoProvider, policy: Phase1Policy, k: Phase1KeyInputs): Phase1Keys {
  const { prf, hashName, cipher, cipherName } = phase1Algorithms(provider, policy);
  const SKEYID = skeyidPreSharedKey(prf, k.psk, k.ni, k.nr);
  const { SKEYID_d, SKEYID_a, SKEYID_e } = deriveSkeyids(prf, SKEYID, k.gxy, k.ckyI, k.ckyR);
  const key = encryptionKeyV1(prf, SKEYID_e, cipher.keyLength);
  const phase1Iv = phase1IvV1(hashName, k.gxi, k.gxr, cipher.blockSize, (n, d) => provider.hash(n, d));
  return { prf, hashName, cipher, cipherName, SKEYID, SKEYID_d, SKEYID_a, SKEYID_e, key, phase1Iv };
}

/** RFC 2409 Appendix B: the IV of a Quick Mode or Informational exchange. */
export function exchangeIv(provider: CryptoProvider, keys: Phase1Keys, lastPhase1Block: Uint8Array, messageId: number): Uint8Array {
  return phase2IvV1(keys.hashName, lastPhase1Block, messageId, keys.cipher.blockSize, (n, d) => provider.hash(n, d));
}

export interface Sealed {
  bytes: Uint8Array;
  nextIv: Uint8Array;
}

/** Encodes `payloads`, encrypts them after the header (E flag set) and returns the datagram and the next IV. */
export function sealMessage(keys: Phase1Keys, iv: Uint8Array, header: IsakmpHeader, payloads: readonly PayloadV1[]): Sealed {
  const { firstPayload, bytes } = encodePayloadChainBytesV1(payloads);
  const { ciphertext, nextIv } = encryptBodyV1(keys.cipher, keys.key, iv, bytes);
  const msg: IkeV1EncryptedMessage = { header: { ...header, flags: { ...header.flags, encryption: true } }, firstPayload, encrypted: ciphertext };
  return { bytes: encodeMessageV1(msg), nextIv };
}

export interface Opened {
  payloads: PayloadV1[];
  /** The decrypted chain without padding: the bytes the HASH payloads are computed over. */
  chain: Uint8Array;
  nextIv: Uint8Array;
}

/** Decrypts and decodes an encrypted message body; any malformation is an IkeParseError. */
export function openMessage(keys: Phase1Keys, iv: Uint8Array, msg: IkeV1EncryptedMessage): Opened {
  const { plaintext, nextIv } = decryptBodyV1(keys.cipher, keys.key, iv, msg.encrypted);
  const { payloads, paddingLength } = decodePayloadChainV1(plaintext, msg.firstPayload, { allowTrailingPadding: true });
  return { payloads, chain: plaintext.subarray(0, plaintext.length - paddingLength), nextIv };
}

/**
 * The bytes after a leading HASH payload, up to the end of the chain: what HASH(1), HASH(2) and the
 * Informational HASH cover (RFC 2409 sections 5.5 and 5.7). Undefined when HASH is not first.
 */
export function afterHash(opened: Opened): { hash: Uint8Array; rest: Uint8Array } | undefined {
  const first = opened.payloads[0];
  if (!first || first.type !== PayloadType.HASH) return undefined;
  const length = (opened.chain[2] << 8) | opened.chain[3];
  return { hash: first.hash, rest: opened.chain.subarray(length) };
}

export { ISAKMP_HEADER_LENGTH };
