/**
 * strongSwan's proposal keywords ("aes128", "sha256", "prfsha384", "modp2048", "esn"), the
 * vocabulary of the proposal strings in the config, mapped to IKEv2 transforms (IANA "IKEv2
 * Parameters") and back.
 */
import { EncrId, EsnId, IntegId, KeId, PrfId, TransformType } from '../payloads/iana/ikev2.js';
import { keyLengthOf } from '../payloads/ikev2/sa.js';
import type { Transform } from '../payloads/ikev2/types.js';

export interface Keyword {
  transformType: number;
  transformId: number;
  keyBits?: number;
}

const ENCR = TransformType.ENCR;
const PRF = TransformType.PRF;
const INTEG = TransformType.INTEG;
const KE = TransformType.KE;
const ESN = TransformType.ESN;

/** strongSwan keywords with a fixed meaning; the AES family is generated below. */
const FIXED: Record<string, Keyword> = {
  des: { transformType: ENCR, transformId: EncrId.ENCR_DES },
  '3des': { transformType: ENCR, transformId: EncrId.ENCR_3DES },
  null: { transformType: ENCR, transformId: EncrId.ENCR_NULL },
  chacha20poly1305: { transformType: ENCR, transformId: EncrId.ENCR_CHACHA20_POLY1305 },

  md5: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_MD5_96 },
  md5_96: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_MD5_96 },
  md5_128: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_MD5_128 },
  sha: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA1_96 },
  sha1: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA1_96 },
  sha1_96: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA1_96 },
  sha1_160: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA1_160 },
  sha256: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_256_128 },
  sha2_256: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_256_128 },
  sha256_128: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_256_128 },
  sha2_256_128: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_256_128 },
  sha384: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_384_192 },
  sha2_384: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_384_192 },
  sha384_192: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_384_192 },
  sha2_384_192: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_384_192 },
  sha512: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_512_256 },
  sha2_512: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_512_256 },
  sha512_256: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_512_256 },
  sha2_512_256: { transformType: INTEG, transformId: IntegId.AUTH_HMAC_SHA2_512_256 },
  aesxcbc: { transformType: INTEG, transformId: IntegId.AUTH_AES_XCBC_96 },
  aescmac: { transformType: INTEG, transformId: IntegId.AUTH_AES_CMAC_96 },

  prfmd5: { transformType: PRF, transformId: PrfId.PRF_HMAC_MD5 },
  prfsha1: { transformType: PRF, transformId: PrfId.PRF_HMAC_SHA1 },
  prfsha256: { transformType: PRF, transformId: PrfId.PRF_HMAC_SHA2_256 },
  prfsha384: { transformType: PRF, transformId: PrfId.PRF_HMAC_SHA2_384 },
  prfsha512: { transformType: PRF, transformId: PrfId.PRF_HMAC_SHA2_512 },
  prfaesxcbc: { transformType: PRF, transformId: PrfId.PRF_AES128_XCBC },
  prfaescmac: { transformType: PRF, transformId: PrfId.PRF_AES128_CMAC },

  // KE NONE: with a real method in an ESP proposal, PFS becomes optional (RFC 7296 section 3.3.3).
  none: { transformType: KE, transformId: KeId.NONE },
  modpnone: { transformType: KE, transformId: KeId.NONE },
  modp768: { transformType: KE, transformId: KeId.MODP_768 },
  modp1024: { transformType: KE, transformId: KeId.MODP_1024 },
  modp1536: { transformType: KE, transformId: KeId.MODP_1536 },
  modp2048: { transformType: KE, transformId: KeId.MODP_2048 },
  modp3072: { transformType: KE, transformId: KeId.MODP_3072 },
  modp4096: { transformType: KE, transformId: KeId.MODP_4096 },
  modp6144: { transformType: KE, transformId: KeId.MODP_6144 },
  modp8192: { transformType: KE, transformId: KeId.MODP_8192 },
  modp1024s160: { transformType: KE, transformId: KeId.MODP_1024_S160 },
  modp2048s224: { transformType: KE, transformId: KeId.MODP_2048_S224 },
  modp2048s256: { transformType: KE, transformId: KeId.MODP_2048_S256 },
  ecp192: { transformType: KE, transformId: KeId.ECP_192 },
  ecp224: { transformType: KE, transformId: KeId.ECP_224 },
  ecp256: { transformType: KE, transformId: KeId.ECP_256 },
  ecp384: { transformType: KE, transformId: KeId.ECP_384 },
  ecp521: { transformType: KE, transformId: KeId.ECP_521 },
  ecp224bp: { transformType: KE, transformId: KeId.BRAINPOOL_P224R1 },
  ecp256bp: { transformType: KE, transformId: KeId.BRAINPOOL_P256R1 },
  ecp384bp: { transformType: KE, transformId: KeId.BRAINPOOL_P384R1 },
  ecp512bp: { transformType: KE, transformId: KeId.BRAINPOOL_P512R1 },
  curve25519: { transformType: KE, transformId: KeId.CURVE25519 },
  x25519: { transformType: KE, transformId: KeId.CURVE25519 },
  curve448: { transformType: KE, transformId: KeId.CURVE448 },
  x448: { transformType: KE, transformId: KeId.CURVE448 },
  mlkem512: { transformType: KE, transformId: KeId.ML_KEM_512 },
  mlkem768: { transformType: KE, transformId: KeId.ML_KEM_768 },
  mlkem1024: { transformType: KE, transformId: KeId.ML_KEM_1024 },

  esn: { transformType: ESN, transformId: EsnId.ESN },
  noesn: { transformType: ESN, transformId: EsnId.NO_ESN },
};

/** strongSwan writes the AEAD ICV length in bytes (gcm16) or bits (gcm128); without one it means 16. */
const ICV_SUFFIX: Record<string, 8 | 12 | 16> = { '': 16, '8': 8, '64': 8, '12': 12, '96': 12, '16': 16, '128': 16 };
const GCM_ID = { 8: EncrId.ENCR_AES_GCM_8, 12: EncrId.ENCR_AES_GCM_12, 16: EncrId.ENCR_AES_GCM_16 } as const;
const CCM_ID = { 8: EncrId.ENCR_AES_CCM_8, 12: EncrId.ENCR_AES_CCM_12, 16: EncrId.ENCR_AES_CCM_16 } as const;

/** aes, aes128, aes256ctr, aes128gcm16, aes256gcm128, aes128ccm8, aes192gmac. */
function aesKeyword(word: string): Keyword | undefined {
  const m = /^aes(128|192|256)?(ctr|gcm|ccm|gmac)?([0-9]*)$/.exec(word);
  if (!m) return undefined;
  // RFC 3602 / strongSwan: a bare "aes" is AES-128.
  const keyBits = Number(m[1] ?? 128);
  const mode = m[2];
  const suffix = m[3];
  if (mode === 'gcm' || mode === 'ccm') {
    const icv = Object.hasOwn(ICV_SUFFIX, suffix) ? ICV_SUFFIX[suffix] : undefined;
    if (icv === undefined) return undefined;
    return { transformType: ENCR, transformId: mode === 'gcm' ? GCM_ID[icv] : CCM_ID[icv], keyBits };
  }
  if (suffix !== '') return undefined;
  if (mode === 'ctr') return { transformType: ENCR, transformId: EncrId.ENCR_AES_CTR, keyBits };
  if (mode === 'gmac') return { transformType: ENCR, transformId: EncrId.ENCR_NULL_AUTH_AES_GMAC, keyBits };
  return { transformType: ENCR, transformId: EncrId.ENCR_AES_CBC, keyBits };
}

/** The transform a lowercase keyword names, or undefined. */
export function lookupKeyword(word: string): Keyword | undefined {
  return (Object.hasOwn(FIXED, word) ? FIXED[word] : undefined) ?? aesKeyword(word);
}

const KEYWORD_OF = new Map<string, string>();
for (const [word, k] of Object.entries(FIXED)) {
  const key = `${k.transformType}/${k.transformId}`;
  // The first keyword listed for a transform is its canonical name.
  if (!KEYWORD_OF.has(key)) KEYWORD_OF.set(key, word);
}

/** A transform's keyword; transforms without one print as their type and number ("encr1024"). */
export function keywordOf(t: Transform): string {
  const bits = keyLengthOf(t);
  if (t.transformType === ENCR && bits !== undefined) {
    const icv = (id: number, ids: Record<number, number>) => Object.entries(ids).find(([, v]) => v === id)?.[0];
    switch (t.transformId) {
      case EncrId.ENCR_AES_CBC:
        return `aes${bits}`;
      case EncrId.ENCR_AES_CTR:
        return `aes${bits}ctr`;
      case EncrId.ENCR_NULL_AUTH_AES_GMAC:
        return `aes${bits}gmac`;
      default: {
        const gcm = icv(t.transformId, GCM_ID);
        if (gcm) return `aes${bits}gcm${gcm}`;
        const ccm = icv(t.transformId, CCM_ID);
        if (ccm) return `aes${bits}ccm${ccm}`;
      }
    }
  }
  const word = KEYWORD_OF.get(`${t.transformType}/${t.transformId}`);
  if (word && bits === undefined) return word;
  const kind = TransformType.nameOf(t.transformType)?.toLowerCase() ?? `type${t.transformType}`;
  return `${kind}${t.transformId}${bits === undefined ? '' : `_${bits}`}`;
}
