/**
 * The IKEv2 Encrypted payload (SK, RFC 7296 section 3.14) and Encrypted Fragment payload (SKF,
 * RFC 7383 section 2.5), for plain ciphers with an integrity transform and for AEADs (RFC 5282).
 * Both directions work on the raw message bytes, because the ICV / AAD covers the IKE header and
 * everything before the IV.
 */
import { IkeError, IkeParseError } from '../errors.js';
import { PayloadType } from '../payloads/iana/ikev2.js';
import { wipe } from '../util/bytes.js';
import type { Encryption, Integrity, RandomSource } from './provider.js';

const IKE_HEADER = 28;
const GENERIC_HEADER = 4;
const SKF_FIELDS = 4;

export interface SkKeys {
  /** SK_ei or SK_er, salt included for the transforms that have one. */
  encrKey: Uint8Array;
  /** SK_ai or SK_ar; absent for AEADs. */
  integKey?: Uint8Array;
}

export interface OpenSkInput {
  /** The whole IKE message, from the first byte of the IKE header. */
  message: Uint8Array;
  /** Offset of the SK or SKF payload's generic header. */
  skOffset: number;
  encr: Encryption;
  /** Required for non-AEAD ciphers, absent for AEADs (RFC 5282 section 8). */
  integ?: Integrity;
  keys: SkKeys;
}

/** Where an SK/SKF payload sits in a message and what its clear fields say. */
export interface SkLayout {
  /** PayloadType.SK or PayloadType.SKF. */
  payloadType: number;
  /** Type of the first inner payload (0 in SKF fragments after the first, RFC 7383 section 2.5). */
  nextPayload: number;
  /** Payload Length from the generic header. */
  length: number;
  /** Offset of the IV: everything before it is AAD for AEADs. */
  ivOffset: number;
  fragmentNumber?: number;
  totalFragments?: number;
}

function fail(reason: string, offset: number, payload = 'Encrypted payload'): never {
  throw new IkeParseError('INVALID_SYNTAX', reason, { payload, offset });
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

/**
 * Finds the payload at `skOffset` by walking the chain from the IKE header (its type is named by
 * the previous Next Payload field) and checks that it is an SK or SKF payload that ends the
 * message (RFC 7296 section 3.14: the Encrypted payload MUST be the last payload).
 */
export function locateSk(message: Uint8Array, skOffset: number): SkLayout {
  if (message.length < IKE_HEADER) fail(`message of ${message.length} bytes is shorter than the IKE header`, 0, 'IKE Header');
  if (u32(message, 24) !== message.length) {
    fail(`IKE header Length ${u32(message, 24)} differs from the ${message.length}-byte message`, 24, 'IKE Header');
  }
  let type = message[16];
  let at = IKE_HEADER;
  // Each step advances by at least the 4-byte generic header, so this ends.
  while (at < skOffset) {
    if (at + GENERIC_HEADER > message.length) fail('payload chain runs past the message', at, 'Generic Payload Header');
    const len = u16(message, at + 2);
    if (len < GENERIC_HEADER) fail(`Payload Length ${len} is below 4`, at + 2, 'Generic Payload Header');
    type = message[at];
    at += len;
  }
  if (at !== skOffset) fail(`no payload starts at offset ${skOffset}`, skOffset, 'Generic Payload Header');
  if (type !== PayloadType.SK && type !== PayloadType.SKF) {
    fail(`payload at offset ${skOffset} is ${PayloadType.label(type)}, not SK or SKF`, skOffset, 'Generic Payload Header');
  }
  const name = type === PayloadType.SK ? 'Encrypted payload' : 'Encrypted Fragment payload';
  if (skOffset + GENERIC_HEADER > message.length) fail('generic header is truncated', skOffset, name);
  const length = u16(message, skOffset + 2);
  if (skOffset + length !== message.length) {
    fail(`Payload Length ${length} does not end the ${message.length}-byte message`, skOffset + 2, name);
  }
  const layout: SkLayout = { payloadType: type, nextPayload: message[skOffset], length, ivOffset: skOffset + GENERIC_HEADER };
  if (type === PayloadType.SKF) {
    if (length < GENERIC_HEADER + SKF_FIELDS) fail(`Payload Length ${length} leaves no room for the fragment fields`, skOffset + 2, name);
    const fragmentNumber = u16(message, skOffset + 4);
    const totalFragments = u16(message, skOffset + 6);
    // RFC 7383 section 2.5: numbering starts at 1 and never exceeds Total Fragments.
    if (fragmentNumber < 1 || totalFragments < 1 || fragmentNumber > totalFragments) {
      fail(`Fragment Number ${fragmentNumber} of Total Fragments ${totalFragments}`, skOffset + 4, name);
    }
    layout.fragmentNumber = fragmentNumber;
    layout.totalFragments = totalFragments;
    layout.ivOffset += SKF_FIELDS;
  }
  return layout;
}

/**
 * The offset of the SK or SKF payload in a message, found by walking the payload chain from the
 * IKE header; undefined when the chain has none. Framing errors are IkeParseErrors.
 */
export function findSkOffset(message: Uint8Array): number | undefined {
  if (message.length < IKE_HEADER) fail(`message of ${message.length} bytes is shorter than the IKE header`, 0, 'IKE Header');
  let type = message[16];
  let at = IKE_HEADER;
  while (type !== PayloadType.NONE) {
    if (type === PayloadType.SK || type === PayloadType.SKF) return at;
    if (at + GENERIC_HEADER > message.length) fail('payload chain runs past the message', at, 'Generic Payload Header');
    const len = u16(message, at + 2);
    if (len < GENERIC_HEADER) fail(`Payload Length ${len} is below 4`, at + 2, 'Generic Payload Header');
    type = message[at];
    at += len;
  }
  return undefined;
}

/** RFC 7296 section 3.14: drops Padding and the Pad Length byte, which may hold any value up to the data. */
function unpad(padded: Uint8Array, offset: number): Uint8Array {
  if (padded.length < 1) fail('decrypted data has no Pad Length byte', offset);
  const padLength = padded[padded.length - 1];
  if (padLength + 1 > padded.length) {
    wipe(padded);
    fail(`Pad Length ${padLength} exceeds the ${padded.length - 1} decrypted bytes before it`, offset);
  }
  return padded.subarray(0, padded.length - 1 - padLength);
}

/**
 * Verifies and decrypts an SK/SKF payload and returns the inner payload bytes (padding removed).
 * Non-AEAD: the ICV covers the message from the IKE header to the end of the ciphertext and is
 * checked (in constant time) before anything is decrypted. AEAD: AAD is the message up to the IV,
 * so it includes the SKF fragment fields (RFC 5282 section 5.1; RFC 7383 section 2.5).
 * Throws IkeError INTEGRITY_CHECK_FAILED or IkeParseError INVALID_SYNTAX.
 */
export function openSk(input: OpenSkInput): Uint8Array {
  const { message, encr, integ, keys } = input;
  const layout = locateSk(message, input.skOffset);
  const end = message.length;
  const ivEnd = layout.ivOffset + encr.ivLength;
  if (encr.aead) {
    if (integ) throw new IkeError('INVALID_ARGUMENT', `${encr.name} is combined-mode: no integrity transform (RFC 5282 section 8)`);
    if (end - ivEnd < encr.icvLength + 1) fail(`${end - layout.ivOffset} bytes cannot hold IV, Pad Length and ${encr.icvLength}-byte ICV`, layout.ivOffset);
    const plain = encr.open(keys.encrKey, message.subarray(layout.ivOffset, ivEnd), message.subarray(ivEnd), message.subarray(0, layout.ivOffset));
    if (!plain) throw new IkeError('INTEGRITY_CHECK_FAILED', `${encr.name} ICV does not verify`, { payload: 'Encrypted payload', offset: ivEnd });
    return unpad(plain, ivEnd);
  }
  if (!integ || !keys.integKey) throw new IkeError('INVALID_ARGUMENT', `${encr.name} needs an integrity transform and key`);
  const icvStart = end - integ.icvLength;
  const ciphertextLength = icvStart - ivEnd;
  if (ciphertextLength < Math.max(1, encr.blockSize) || ciphertextLength % encr.blockSize !== 0) {
    fail(`ciphertext of ${ciphertextLength} bytes is not a positive multiple of the ${encr.blockSize}-byte block`, ivEnd);
  }
  if (!integ.verify(keys.integKey, message.subarray(0, icvStart), message.subarray(icvStart))) {
    throw new IkeError('INTEGRITY_CHECK_FAILED', `${integ.name} ICV does not verify`, { payload: 'Encrypted payload', offset: icvStart });
  }
  const padded = encr.decrypt(keys.encrKey, message.subarray(layout.ivOffset, ivEnd), message.subarray(ivEnd, icvStart));
  return unpad(padded, ivEnd);
}

export interface SealSkInput {
  /**
   * The IKE header and any payloads in clear before the Encrypted payload. The last Next Payload
   * field in it must already say SK (46) or SKF (53); the header's Length field is filled in here.
   */
  prefix: Uint8Array;
  /** Type of the first inner payload, for the SK generic header's Next Payload field. */
  nextPayload: number;
  /** The inner payloads, already encoded. */
  plaintext: Uint8Array;
  encr: Encryption;
  integ?: Integrity;
  keys: SkKeys;
  /** The IV to send; otherwise `random` draws one. AEADs need a unique IV per key (RFC 5282 section 3). */
  iv?: Uint8Array;
  random?: RandomSource;
  /** SKF (RFC 7383 section 2.5) when present. */
  fragment?: { number: number; total: number };
  /** Extra padding beyond the minimum, in whole blocks' worth of bytes; RFC 7296 section 3.14 allows up to 255. */
  extraPadding?: number;
}

/**
 * Builds the whole message: prefix (with its Length patched) followed by the SK/SKF payload with
 * IV, encrypted inner payloads, Padding (zeros), Pad Length and ICV. The mirror of openSk.
 */
export function sealSk(input: SealSkInput): Uint8Array {
  const { prefix, encr, integ, keys, fragment } = input;
  if (prefix.length < IKE_HEADER) throw new IkeError('INVALID_ARGUMENT', 'prefix must start with the 28-byte IKE header');
  const iv = input.iv ?? input.random?.(encr.ivLength);
  if (!iv || iv.length !== encr.ivLength) throw new IkeError('INVALID_ARGUMENT', `${encr.name} needs a ${encr.ivLength}-byte IV`);
  if (fragment && (fragment.number < 1 || fragment.number > fragment.total || fragment.total > 0xffff)) {
    throw new IkeError('INVALID_ARGUMENT', `fragment ${fragment.number} of ${fragment.total}`);
  }
  if (encr.aead && integ) throw new IkeError('INVALID_ARGUMENT', `${encr.name} is combined-mode: no integrity transform`);
  if (!encr.aead && (!integ || !keys.integKey)) throw new IkeError('INVALID_ARGUMENT', `${encr.name} needs an integrity transform and key`);

  const block = Math.max(1, encr.blockSize);
  const extra = input.extraPadding ?? 0;
  const padLength = ((block - ((input.plaintext.length + 1) % block)) % block) + extra;
  if (padLength > 255 || extra % block !== 0 || extra < 0) throw new IkeError('INVALID_ARGUMENT', `Pad Length ${padLength} is not possible`);
  const padded = new Uint8Array(input.plaintext.length + padLength + 1);
  padded.set(input.plaintext);
  padded[padded.length - 1] = padLength;

  const icvLength = encr.aead ? encr.icvLength : integ!.icvLength;
  const fieldsLength = GENERIC_HEADER + (fragment ? SKF_FIELDS : 0);
  const payloadLength = fieldsLength + iv.length + padded.length + icvLength;
  if (payloadLength > 0xffff) throw new IkeError('INVALID_ARGUMENT', `Encrypted payload of ${payloadLength} bytes exceeds the 16-bit Payload Length`);
  const total = prefix.length + payloadLength;
  const out = new Uint8Array(total);
  out.set(prefix);
  out[24] = (total >>> 24) & 0xff;
  out[25] = (total >>> 16) & 0xff;
  out[26] = (total >>> 8) & 0xff;
  out[27] = total & 0xff;
  let o = prefix.length;
  out[o] = input.nextPayload;
  out[o + 1] = 0;
  out[o + 2] = payloadLength >>> 8;
  out[o + 3] = payloadLength & 0xff;
  if (fragment) {
    out[o + 4] = fragment.number >>> 8;
    out[o + 5] = fragment.number & 0xff;
    out[o + 6] = fragment.total >>> 8;
    out[o + 7] = fragment.total & 0xff;
  }
  o += fieldsLength;
  out.set(iv, o);
  const ivEnd = o + iv.length;
  if (encr.aead) {
    out.set(encr.seal(keys.encrKey, iv, padded, out.subarray(0, o)), ivEnd);
  } else {
    out.set(encr.encrypt(keys.encrKey, iv, padded), ivEnd);
    const icvStart = total - icvLength;
    out.set(integ!.compute(keys.integKey!, out.subarray(0, icvStart)).subarray(0, icvLength), icvStart);
  }
  wipe(padded);
  return out;
}
