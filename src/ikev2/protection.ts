/**
 * An IKE SA's negotiated transforms and keys, and the protection of its messages with the
 * Encrypted payload (RFC 7296 section 3.14) or, when large, Encrypted Fragments (RFC 7383).
 */
import { IkeError } from '../errors.js';
import type { CryptoProvider, Encryption, Integrity, Prf, RandomSource } from '../crypto/provider.js';
import { findSkOffset, locateSk, openSk, sealSk } from '../crypto/sk.js';
import { integInfo } from '../crypto/catalog.js';
import { encrInfo } from '../crypto/cipher/catalog.js';
import { PayloadType } from '../payloads/iana/ikev2.js';
import { encodeHeaderV2, IKE_HEADER_LENGTH, type IkeV2Header } from '../payloads/ikev2/header.js';
import { decodePayloadChainV2, encodePayloadChainV2 } from '../payloads/ikev2/message.js';
import type { PayloadV2 } from '../payloads/ikev2/types.js';
import { Reader } from '../payloads/reader.js';
import { Writer } from '../payloads/writer.js';
import type { IkeSaKeys } from '../keys/ikev2.js';
import type { NegotiatedAlgorithms } from './policy.js';

export interface IkeTransforms {
  prf: Prf;
  encr: Encryption;
  integ?: Integrity;
  algorithms: NegotiatedAlgorithms;
}

/** Looks the negotiated transforms up in the provider; an IKE SA cannot run without them. */
export function ikeTransforms(provider: CryptoProvider, alg: NegotiatedAlgorithms): IkeTransforms {
  const fail = (what: string): never => {
    throw new IkeError('NO_PROPOSAL_CHOSEN', `${what} is not available from the ${provider.name} provider`);
  };
  const prf = alg.prf !== undefined ? provider.prf(alg.prf) : undefined;
  if (!prf) return fail(`PRF ${alg.prf}`);
  const encr = provider.encryption(alg.encr.id, alg.encr.keyBits);
  if (!encr) return fail(`encryption ${alg.encr.id}/${alg.encr.keyBits ?? '-'}`);
  let integ: Integrity | undefined;
  if (!encr.aead) {
    integ = alg.integ !== undefined ? provider.integrity(alg.integ) : undefined;
    if (!integ) return fail(`integrity ${alg.integ}`);
  }
  return { prf, encr, integ, algorithms: alg };
}

/** RFC 7296 section 2.14: key lengths of an IKE SA's encryption (salt included) and integrity. */
export function ikeKeyLengths(t: IkeTransforms): { encrKeyLength: number; integKeyLength: number } {
  return { encrKeyLength: t.encr.keyLength + t.encr.saltLength, integKeyLength: t.integ?.keyLength ?? 0 };
}

/** RFC 7296 section 2.17: key lengths of a Child SA, from the provider-independent catalogues. */
export function childKeyLengths(alg: NegotiatedAlgorithms): { encrKeyLength: number; integKeyLength: number } {
  const e = encrInfo(alg.encr.id, alg.encr.keyBits);
  if (!e) throw new IkeError('NO_PROPOSAL_CHOSEN', `encryption ${alg.encr.id}/${alg.encr.keyBits ?? '-'} is unknown`);
  const i = alg.integ !== undefined ? integInfo(alg.integ) : undefined;
  if (alg.integ !== undefined && !i) throw new IkeError('NO_PROPOSAL_CHOSEN', `integrity ${alg.integ} is unknown`);
  return { encrKeyLength: e.keyLength + e.saltLength, integKeyLength: i?.keyLength ?? 0 };
}

export interface SaCrypto extends IkeTransforms {
  keys: IkeSaKeys;
  /** True when we are the original initiator: we send with SK_ei/SK_ai and receive with SK_er/SK_ar. */
  initiator: boolean;
}

function outKeys(c: SaCrypto) {
  return c.initiator ? { encrKey: c.keys.SK_ei, integKey: c.encr.aead ? undefined : c.keys.SK_ai } : { encrKey: c.keys.SK_er, integKey: c.encr.aead ? undefined : c.keys.SK_ar };
}

function inKeys(c: SaCrypto) {
  return c.initiator ? { encrKey: c.keys.SK_er, integKey: c.encr.aead ? undefined : c.keys.SK_ar } : { encrKey: c.keys.SK_ei, integKey: c.encr.aead ? undefined : c.keys.SK_ai };
}

function headerBytes(header: IkeV2Header, nextPayload: number): Uint8Array {
  const w = new Writer(IKE_HEADER_LENGTH);
  encodeHeaderV2(w, header, nextPayload, IKE_HEADER_LENGTH);
  return w.finish();
}

export function encodeInner(payloads: readonly PayloadV2[]): { first: number; bytes: Uint8Array } {
  const w = new Writer(256);
  const first = encodePayloadChainV2(w, payloads);
  return { first, bytes: w.finish() };
}

/**
 * Builds the protected message(s). With `fragmentMtu`, a message whose SK form would exceed it is
 * split into SKF fragments (RFC 7383 section 2.5) whose IP/UDP datagrams fit the MTU.
 */
export function protectMessage(
  c: SaCrypto,
  header: IkeV2Header,
  payloads: readonly PayloadV2[],
  random: RandomSource,
  fragmentMtu?: number,
  ipv6 = false,
): Uint8Array[] {
  const inner = encodeInner(payloads);
  const whole = sealSk({
    prefix: headerBytes(header, PayloadType.SK),
    nextPayload: inner.first,
    plaintext: inner.bytes,
    encr: c.encr,
    integ: c.integ,
    keys: outKeys(c),
    random,
  });
  // RFC 7383 section 2.5.1: the IP and UDP headers (and the non-ESP marker) count against the MTU.
  const overhead = (ipv6 ? 40 : 20) + 8 + 4;
  if (fragmentMtu === undefined || whole.length + overhead <= fragmentMtu) return [whole];
  const icv = c.encr.aead ? c.encr.icvLength : c.integ!.icvLength;
  const block = Math.max(1, c.encr.blockSize);
  const fixed = overhead + IKE_HEADER_LENGTH + 8 + c.encr.ivLength + icv;
  // Padded plaintext (data, Padding, Pad Length) is a whole number of blocks.
  const room = Math.floor((fragmentMtu - fixed) / block) * block - 1;
  if (room < 16) throw new IkeError('INVALID_ARGUMENT', `MTU ${fragmentMtu} leaves no room for fragment data`);
  const total = Math.ceil(inner.bytes.length / room);
  const out: Uint8Array[] = [];
  for (let n = 1; n <= total; n++) {
    out.push(
      sealSk({
        prefix: headerBytes(header, PayloadType.SKF),
        nextPayload: n === 1 ? inner.first : 0,
        plaintext: inner.bytes.subarray((n - 1) * room, n * room),
        encr: c.encr,
        integ: c.integ,
        keys: outKeys(c),
        random,
        fragment: { number: n, total },
      }),
    );
  }
  return out;
}

export interface OpenedMessage {
  /** SK or SKF. */
  payloadType: number;
  /** Clear payloads before the Encrypted payload (normally none). */
  nextPayload: number;
  plaintext: Uint8Array;
  fragmentNumber?: number;
  totalFragments?: number;
}

/** Verifies and decrypts the SK or SKF payload of a received message. */
export function unprotectMessage(c: SaCrypto, message: Uint8Array): OpenedMessage {
  const skOffset = findSkOffset(message);
  if (skOffset === undefined) throw new IkeError('INVALID_SYNTAX', 'the message has no Encrypted payload', { payload: 'IKE message' });
  const layout = locateSk(message, skOffset);
  const plaintext = openSk({ message, skOffset, encr: c.encr, integ: c.integ, keys: inKeys(c) });
  return {
    payloadType: layout.payloadType,
    nextPayload: layout.nextPayload,
    plaintext,
    fragmentNumber: layout.fragmentNumber,
    totalFragments: layout.totalFragments,
  };
}

/** Decodes the inner payload chain of a (reassembled) Encrypted payload. */
export function decodeInner(plaintext: Uint8Array, first: number): PayloadV2[] {
  return decodePayloadChainV2(Reader.of(plaintext, 'Encrypted payload (decrypted)'), first);
}
