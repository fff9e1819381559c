/**
 * strongSwan proposal keywords ("aes256-sha256-modp2048", "aes128-sha1") turned into IKEv1
 * transforms: phase 1 attributes of RFC 2409 Appendix A, phase 2 ESP transform IDs and attributes
 * of RFC 2407 sections 4.4.4 and 4.5. Also the mapping of those IKEv1 numbers onto the IKEv2
 * transform IDs by which the crypto providers name their algorithms.
 */
import { encrInfo } from '../crypto/cipher/catalog.js';
import { integInfo } from '../crypto/catalog.js';
import { keInfo } from '../crypto/kex/catalog.js';
import { IkeError } from '../errors.js';
import {
  AuthAlgorithm,
  EspTransformId,
  GroupDescription,
  Phase1Encryption,
  Phase1Hash,
} from '../payloads/iana/ikev1.js';
import { EncrId, IntegId } from '../payloads/iana/ikev2.js';

/** One phase 1 transform: a complete policy (RFC 2409 section 5: each transform stands alone). */
export interface Phase1Policy {
  /** ENCRYPTION_ALGORITHM value (RFC 2409 Appendix A). */
  encryption: number;
  /** KEY_LENGTH in bits, for variable-length ciphers (AES, RFC 3602). */
  keyBits?: number;
  /** HASH_ALGORITHM value. */
  hash: number;
  /** GROUP_DESCRIPTION value (the same numbers as the IKEv2 key exchange methods). */
  group: number;
}

/** One phase 2 ESP transform. */
export interface Phase2Policy {
  /** ESP Transform ID (RFC 2407 section 4.4.4). */
  transformId: number;
  keyBits?: number;
  /** AUTHENTICATION_ALGORITHM (RFC 2407 section 4.5); absent for combined-mode ciphers. */
  authAlgorithm?: number;
  /** GROUP_DESCRIPTION for PFS (RFC 2409 section 5.5). */
  group?: number;
}

function invalid(reason: string): never {
  throw new IkeError('INVALID_ARGUMENT', reason, { payload: 'IKEv1 proposal' });
}

const GROUPS: Record<string, number> = {
  modp768: GroupDescription.MODP_768,
  modp1024: GroupDescription.MODP_1024,
  modp1536: GroupDescription.MODP_1536,
  modp2048: GroupDescription.MODP_2048,
  modp3072: GroupDescription.MODP_3072,
  modp4096: GroupDescription.MODP_4096,
  modp6144: GroupDescription.MODP_6144,
  modp8192: GroupDescription.MODP_8192,
  modp1024s160: GroupDescription.MODP_1024_160,
  modp2048s224: GroupDescription.MODP_2048_224,
  modp2048s256: GroupDescription.MODP_2048_256,
  ecp192: GroupDescription.ECP_192,
  ecp224: GroupDescription.ECP_224,
  ecp256: GroupDescription.ECP_256,
  ecp384: GroupDescription.ECP_384,
  ecp521: GroupDescription.ECP_521,
  ecp224bp: GroupDescription.BRAINPOOL_P224R1,
  ecp256bp: GroupDescription.BRAINPOOL_P256R1,
  ecp384bp: GroupDescription.BRAINPOOL_P384R1,
  ecp512bp: GroupDescription.BRAINPOOL_P512R1,
  curve25519: GroupDescription.CURVE25519,
  x25519: GroupDescription.CURVE25519,
  curve448: GroupDescription.CURVE448,
  x448: GroupDescription.CURVE448,
};

const PHASE1_HASH: Record<string, number> = {
  md5: Phase1Hash.MD5,
  sha: Phase1Hash.SHA,
  sha1: Phase1Hash.SHA,
  sha256: Phase1Hash.SHA2_256,
  sha2_256: Phase1Hash.SHA2_256,
  sha384: Phase1Hash.SHA2_384,
  sha2_384: Phase1Hash.SHA2_384,
  sha512: Phase1Hash.SHA2_512,
  sha2_512: Phase1Hash.SHA2_512,
};

const ESP_AUTH: Record<string, number> = {
  md5: AuthAlgorithm.HMAC_MD5,
  md5_96: AuthAlgorithm.HMAC_MD5,
  sha: AuthAlgorithm.HMAC_SHA,
  sha1: AuthAlgorithm.HMAC_SHA,
  sha1_96: AuthAlgorithm.HMAC_SHA,
  sha256: AuthAlgorithm.HMAC_SHA2_256,
  sha2_256: AuthAlgorithm.HMAC_SHA2_256,
  sha256_128: AuthAlgorithm.HMAC_SHA2_256,
  sha384: AuthAlgorithm.HMAC_SHA2_384,
  sha2_384: AuthAlgorithm.HMAC_SHA2_384,
  sha512: AuthAlgorithm.HMAC_SHA2_512,
  sha2_512: AuthAlgorithm.HMAC_SHA2_512,
  aesxcbc: AuthAlgorithm.AES_XCBC_MAC,
};

interface Cipher {
  phase1?: number;
  esp: number;
  keyBits?: number;
  aead: boolean;
}

const GCM = { 8: EspTransformId.ESP_AES_GCM_8, 12: EspTransformId.ESP_AES_GCM_12, 16: EspTransformId.ESP_AES_GCM_16 } as const;
const CCM = { 8: EspTransformId.ESP_AES_CCM_8, 12: EspTransformId.ESP_AES_CCM_12, 16: EspTransformId.ESP_AES_CCM_16 } as const;
const ICV: Record<string, 8 | 12 | 16> = { '8': 8, '64': 8, '12': 12, '96': 12, '16': 16, '128': 16 };

function cipherKeyword(word: string): Cipher | undefined {
  if (word === 'des') return { phase1: Phase1Encryption.DES_CBC, esp: EspTransformId.ESP_DES, aead: false };
  if (word === '3des') return { phase1: Phase1Encryption['3DES_CBC'], esp: EspTransformId.ESP_3DES, aead: false };
  if (word === 'null') return { esp: EspTransformId.ESP_NULL, aead: false };
  const m = /^aes(128|192|256)?(ctr|gcm|ccm)?([0-9]*)$/.exec(word);
  if (!m) return undefined;
  const keyBits = Number(m[1] ?? 128);
  if (m[2] === 'gcm' || m[2] === 'ccm') {
    const icv = ICV[m[3]];
    if (icv === undefined) return undefined;
    return { esp: m[2] === 'gcm' ? GCM[icv] : CCM[icv], keyBits, aead: true };
  }
  if (m[3] !== '') return undefined;
  if (m[2] === 'ctr') return { esp: EspTransformId.ESP_AES_CTR, keyBits, aead: false };
  return { phase1: Phase1Encryption.AES_CBC, esp: EspTransformId.ESP_AES, keyBits, aead: false };
}

/** Algorithms refused unless the config sets allowWeak (RFC 8247 section 2, RFC 8221 section 5). */
export function weakPhase1(p: Phase1Policy): string | undefined {
  if (p.encryption === Phase1Encryption.DES_CBC) return 'single DES (RFC 8247 section 2.1: MUST NOT)';
  if (p.encryption === Phase1Encryption['3DES_CBC']) return '3DES has a 64-bit block (RFC 8247 section 2.1)';
  if (p.hash === Phase1Hash.MD5) return 'MD5 (RFC 8247 section 2.2: MUST NOT)';
  return weakGroup(p.group);
}

function weakGroup(group: number | undefined): string | undefined {
  if (group === undefined) return undefined;
  const info = keInfo(group);
  return info?.weak ? `${GroupDescription.label(group)} is below 112 bits of strength (RFC 8247 section 2.4)` : undefined;
}

export function weakPhase2(p: Phase2Policy): string | undefined {
  if (p.transformId === EspTransformId.ESP_DES) return 'single DES (RFC 8221 section 5: MUST NOT)';
  if (p.transformId === EspTransformId.ESP_3DES) return '3DES (RFC 8221 section 5: SHOULD NOT)';
  if (p.authAlgorithm === AuthAlgorithm.HMAC_MD5) return 'HMAC-MD5 (RFC 8221 section 6: MUST NOT)';
  return weakGroup(p.group);
}

function words(text: string): string[] {
  const w = text.trim().toLowerCase().split('-');
  if (w.some((x) => x === '')) invalid(`"${text.slice(0, 80)}": empty keyword`);
  return w;
}

/**
 * Phase 1 transforms for one proposal text. Several keywords of one kind are alternatives; since
 * an IKEv1 transform names exactly one of each (RFC 2409 section 5), their product is offered in
 * keyword order. Encryption, hash and group are all required.
 */
export function parsePhase1Proposal(text: string, allowWeak = false): Phase1Policy[] {
  const enc: Cipher[] = [];
  const hashes: number[] = [];
  const groups: number[] = [];
  for (const w of words(text)) {
    const c = cipherKeyword(w);
    if (c) {
      if (c.phase1 === undefined) invalid(`"${text}": "${w}" cannot protect an ISAKMP SA`);
      enc.push(c);
    } else if (PHASE1_HASH[w] !== undefined) hashes.push(PHASE1_HASH[w]);
    else if (GROUPS[w] !== undefined) groups.push(GROUPS[w]);
    else if (w.startsWith('prf')) invalid(`"${text}": IKEv1 takes its PRF from the hash (RFC 2409 section 4); drop "${w}"`);
    else invalid(`"${text}": unknown IKEv1 algorithm keyword "${w.slice(0, 40)}"`);
  }
  if (!enc.length || !hashes.length || !groups.length) invalid(`"${text}": a phase 1 proposal names a cipher, a hash and a DH group`);
  const out: Phase1Policy[] = [];
  for (const e of enc)
    for (const hash of hashes)
      for (const group of groups) {
        const p: Phase1Policy = e.keyBits === undefined ? { encryption: e.phase1!, hash, group } : { encryption: e.phase1!, keyBits: e.keyBits, hash, group };
        const weak = weakPhase1(p);
        if (weak && !allowWeak) invalid(`"${text}": ${weak}; set ike.allowWeak to offer it`);
        out.push(p);
      }
  return out;
}

/**
 * Phase 2 ESP transforms for one proposal text ("aes128-sha1", "aes256gcm16", "aes128-sha256-modp2048").
 * A group keyword asks for PFS with that group; otherwise `pfsGroup` (child.pfs) applies.
 */
export function parsePhase2Proposal(text: string, pfsGroup: number | undefined, allowWeak = false): Phase2Policy[] {
  const enc: Cipher[] = [];
  const auths: number[] = [];
  const groups: number[] = [];
  for (const w of words(text)) {
    const c = cipherKeyword(w);
    if (c) enc.push(c);
    else if (ESP_AUTH[w] !== undefined) auths.push(ESP_AUTH[w]);
    else if (GROUPS[w] !== undefined) groups.push(GROUPS[w]);
    else if (w === 'noesn') continue;
    else invalid(`"${text}": unknown ESP algorithm keyword "${w.slice(0, 40)}"`);
  }
  if (!enc.length) invalid(`"${text}": an ESP proposal names a cipher`);
  if (groups.length === 0 && pfsGroup !== undefined) groups.push(pfsGroup);
  const out: Phase2Policy[] = [];
  for (const e of enc) {
    if (!e.aead && !auths.length && e.esp !== EspTransformId.ESP_NULL) invalid(`"${text}": ${EspTransformId.label(e.esp)} needs an integrity algorithm`);
    if (!e.aead && !auths.length) invalid(`"${text}": ESP_NULL needs an integrity algorithm`);
    for (const auth of e.aead ? [undefined] : auths)
      for (const group of groups.length ? groups : [undefined]) {
        const p: Phase2Policy = { transformId: e.esp };
        if (e.keyBits !== undefined) p.keyBits = e.keyBits;
        if (auth !== undefined) p.authAlgorithm = auth;
        if (group !== undefined) p.group = group;
        const weak = weakPhase2(p);
        if (weak && !allowWeak) invalid(`"${text}": ${weak}; set ike.allowWeak to offer it`);
        out.push(p);
      }
  }
  return out;
}

export function parseGroupKeyword(word: string): number {
  const g = GROUPS[word.trim().toLowerCase()];
  if (g === undefined) invalid(`unknown DH group "${word.slice(0, 40)}"`);
  return g;
}

// ---- IKEv1 numbers -> the IKEv2 transform IDs the providers use -----------------------------

/** Phase 1 ENCRYPTION_ALGORITHM -> IKEv2 ENCR id (RFC 2409 Appendix A, RFC 3602). */
export function phase1CipherId(encryption: number): number | undefined {
  switch (encryption) {
    case Phase1Encryption.DES_CBC:
      return EncrId.ENCR_DES;
    case Phase1Encryption['3DES_CBC']:
      return EncrId.ENCR_3DES;
    case Phase1Encryption.AES_CBC:
      return EncrId.ENCR_AES_CBC;
    default:
      return undefined;
  }
}

/** ESP Transform ID -> IKEv2 ENCR id (the IKEv2 table reuses the ESP numbers, RFC 7296 section 3.3.2). */
export function espCipherId(transformId: number): number | undefined {
  switch (transformId) {
    case EspTransformId.ESP_DES:
    case EspTransformId.ESP_3DES:
    case EspTransformId.ESP_NULL:
    case EspTransformId.ESP_AES:
    case EspTransformId.ESP_AES_CTR:
    case EspTransformId.ESP_AES_CCM_8:
    case EspTransformId.ESP_AES_CCM_12:
    case EspTransformId.ESP_AES_CCM_16:
    case EspTransformId.ESP_AES_GCM_8:
    case EspTransformId.ESP_AES_GCM_12:
    case EspTransformId.ESP_AES_GCM_16:
      return transformId;
    default:
      return undefined;
  }
}

/** AUTHENTICATION_ALGORITHM -> IKEv2 INTEG id (RFC 2407 section 4.5, RFC 4868 section 2). */
export function espIntegId(authAlgorithm: number): number | undefined {
  switch (authAlgorithm) {
    case AuthAlgorithm.HMAC_MD5:
      return IntegId.AUTH_HMAC_MD5_96;
    case AuthAlgorithm.HMAC_SHA:
      return IntegId.AUTH_HMAC_SHA1_96;
    case AuthAlgorithm.HMAC_SHA2_256:
      return IntegId.AUTH_HMAC_SHA2_256_128;
    case AuthAlgorithm.HMAC_SHA2_384:
      return IntegId.AUTH_HMAC_SHA2_384_192;
    case AuthAlgorithm.HMAC_SHA2_512:
      return IntegId.AUTH_HMAC_SHA2_512_256;
    case AuthAlgorithm.AES_XCBC_MAC:
      return IntegId.AUTH_AES_XCBC_96;
    default:
      return undefined;
  }
}

/** KEYMAT lengths of an ESP transform: cipher key (with salt) then integrity key (RFC 2409 section 5.5). */
export function espKeyLengths(p: Phase2Policy): { encrKeyLength: number; integKeyLength: number } | undefined {
  const encr = espCipherId(p.transformId);
  const info = encr === undefined ? undefined : encrInfo(encr, p.keyBits);
  if (!info) return undefined;
  if (info.aead) return p.authAlgorithm === undefined ? { encrKeyLength: info.keyLength + info.saltLength, integKeyLength: 0 } : undefined;
  if (p.authAlgorithm === undefined) return undefined;
  const integ = espIntegId(p.authAlgorithm);
  const ii = integ === undefined ? undefined : integInfo(integ);
  if (!ii) return undefined;
  return { encrKeyLength: info.keyLength + info.saltLength, integKeyLength: ii.keyLength };
}

const P1_ENC_TEXT: Record<number, string> = { 1: 'des', 5: '3des', 7: 'aes' };
const HASH_TEXT: Record<number, string> = { 1: 'md5', 2: 'sha1', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
const AUTH_TEXT: Record<number, string> = { 1: 'md5', 2: 'sha1', 5: 'sha256', 6: 'sha384', 7: 'sha512', 9: 'aesxcbc' };

function groupText(g: number): string {
  const k = Object.keys(GROUPS).find((w) => GROUPS[w] === g);
  return k ?? `group${g}`;
}

/** Back to strongSwan-style text: "aes256-sha256-modp2048". */
export function describePhase1(p: Phase1Policy): string {
  const enc = P1_ENC_TEXT[p.encryption] ?? `enc${p.encryption}`;
  return `${enc}${p.keyBits ?? ''}-${HASH_TEXT[p.hash] ?? `hash${p.hash}`}-${groupText(p.group)}`;
}

/** "aes128-sha1", "aes256gcm16-modp2048". */
export function describePhase2(p: Phase2Policy): string {
  let enc: string;
  const t = p.transformId;
  if (t === EspTransformId.ESP_AES) enc = `aes${p.keyBits ?? ''}`;
  else if (t === EspTransformId.ESP_AES_CTR) enc = `aes${p.keyBits ?? ''}ctr`;
  else if (t >= EspTransformId.ESP_AES_GCM_8 && t <= EspTransformId.ESP_AES_GCM_16) enc = `aes${p.keyBits ?? ''}gcm${[8, 12, 16][t - 18]}`;
  else if (t >= EspTransformId.ESP_AES_CCM_8 && t <= EspTransformId.ESP_AES_CCM_16) enc = `aes${p.keyBits ?? ''}ccm${[8, 12, 16][t - 14]}`;
  else if (t === EspTransformId.ESP_3DES) enc = '3des';
  else if (t === EspTransformId.ESP_DES) enc = 'des';
  else if (t === EspTransformId.ESP_NULL) enc = 'null';
  else enc = `esp${t}`;
  const parts = [enc];
  if (p.authAlgorithm !== undefined) parts.push(AUTH_TEXT[p.authAlgorithm] ?? `auth${p.authAlgorithm}`);
  if (p.group !== undefined) parts.push(groupText(p.group));
  return parts.join('-');
}

export function groupName(g: number): string {
  return groupText(g);
}
