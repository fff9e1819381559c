/**
 * IKEv2 IANA registries ("Internet Key Exchange Version 2 (IKEv2) Parameters"), names as in RFC 7296
 * and its extensions. One registry per IANA table.
 */
import { defineRegistry } from '../registry.js';

/** RFC 7296 section 3.1, Exchange Types. */
export const ExchangeType = defineRegistry(
  'IKEv2 Exchange Type',
  {
    IKE_SA_INIT: 34,
    IKE_AUTH: 35,
    CREATE_CHILD_SA: 36,
    INFORMATIONAL: 37,
    IKE_SESSION_RESUME: 38, // RFC 5723
    GSA_AUTH: 39, // RFC 9838 (G-IKEv2)
    GSA_REGISTRATION: 40,
    GSA_REKEY: 41,
    GSA_INBAND_REKEY: 42,
    IKE_INTERMEDIATE: 43, // RFC 9242
    IKE_FOLLOWUP_KE: 44, // RFC 9370
  },
  [{ from: 240, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 7296 section 3.2, Payload Types. */
export const PayloadType = defineRegistry(
  'IKEv2 Payload Type',
  {
    NONE: 0,
    SA: 33,
    KE: 34,
    IDi: 35,
    IDr: 36,
    CERT: 37,
    CERTREQ: 38,
    AUTH: 39,
    NONCE: 40,
    N: 41,
    D: 42,
    V: 43,
    TSi: 44,
    TSr: 45,
    SK: 46,
    CP: 47,
    EAP: 48,
    GSPM: 49, // RFC 6467
    IDg: 50, // G-IKEv2
    GSA: 51,
    KD: 52,
    SKF: 53, // RFC 7383
    PS: 54, // RFC 8019
  },
  [{ from: 128, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 7296 section 3.3.2, Transform Types (RFC 9370 renames type 4 and adds 6-12). */
export const TransformType = defineRegistry(
  'IKEv2 Transform Type',
  {
    ENCR: 1,
    PRF: 2,
    INTEG: 3,
    KE: 4,
    ESN: 5,
    ADDKE1: 6,
    ADDKE2: 7,
    ADDKE3: 8,
    ADDKE4: 9,
    ADDKE5: 10,
    ADDKE6: 11,
    ADDKE7: 12,
  },
  [{ from: 241, to: 255, label: 'PRIVATE_USE' }],
);

/** Transform Type 1, Encryption Algorithm Transform IDs. */
export const EncrId = defineRegistry(
  'IKEv2 Encryption Algorithm',
  {
    ENCR_DES_IV64: 1,
    ENCR_DES: 2,
    ENCR_3DES: 3,
    ENCR_RC5: 4,
    ENCR_IDEA: 5,
    ENCR_CAST: 6,
    ENCR_BLOWFISH: 7,
    ENCR_3IDEA: 8,
    ENCR_DES_IV32: 9,
    ENCR_NULL: 11,
    ENCR_AES_CBC: 12, // RFC 3602
    ENCR_AES_CTR: 13, // RFC 3686, RFC 5930
    ENCR_AES_CCM_8: 14, // RFC 4309, RFC 5282
    ENCR_AES_CCM_12: 15,
    ENCR_AES_CCM_16: 16,
    ENCR_AES_GCM_8: 18, // RFC 4106, RFC 5282
    ENCR_AES_GCM_12: 19,
    ENCR_AES_GCM_16: 20,
    ENCR_NULL_AUTH_AES_GMAC: 21, // RFC 4543
    ENCR_CAMELLIA_CBC: 23,
    ENCR_CAMELLIA_CTR: 24,
    ENCR_CAMELLIA_CCM_8: 25,
    ENCR_CAMELLIA_CCM_12: 26,
    ENCR_CAMELLIA_CCM_16: 27,
    ENCR_CHACHA20_POLY1305: 28, // RFC 7634
    ENCR_AES_CCM_8_IIV: 29, // RFC 8750
    ENCR_AES_GCM_16_IIV: 30,
    ENCR_CHACHA20_POLY1305_IIV: 31,
    ENCR_KUZNYECHIK_MGM_KTREE: 32, // RFC 9227
    ENCR_MAGMA_MGM_KTREE: 33,
    ENCR_KUZNYECHIK_MGM_MAC_KTREE: 34,
    ENCR_MAGMA_MGM_MAC_KTREE: 35,
  },
  [{ from: 1024, to: 65535, label: 'PRIVATE_USE' }],
);

/** Transform Type 2, Pseudorandom Function Transform IDs. */
export const PrfId = defineRegistry(
  'IKEv2 Pseudorandom Function',
  {
    PRF_HMAC_MD5: 1, // RFC 2104
    PRF_HMAC_SHA1: 2,
    PRF_HMAC_TIGER: 3,
    PRF_AES128_XCBC: 4, // RFC 4434
    PRF_HMAC_SHA2_256: 5, // RFC 4868
    PRF_HMAC_SHA2_384: 6,
    PRF_HMAC_SHA2_512: 7,
    PRF_AES128_CMAC: 8, // RFC 4615
    PRF_HMAC_STREEBOG_512: 9, // RFC 9385
  },
  [{ from: 1024, to: 65535, label: 'PRIVATE_USE' }],
);

/** Transform Type 3, Integrity Algorithm Transform IDs. */
export const IntegId = defineRegistry(
  'IKEv2 Integrity Algorithm',
  {
    NONE: 0,
    AUTH_HMAC_MD5_96: 1, // RFC 2403
    AUTH_HMAC_SHA1_96: 2, // RFC 2404
    AUTH_DES_MAC: 3,
    AUTH_KPDK_MD5: 4,
    AUTH_AES_XCBC_96: 5, // RFC 3566
    AUTH_HMAC_MD5_128: 6, // RFC 4595
    AUTH_HMAC_SHA1_160: 7, // RFC 4595
    AUTH_AES_CMAC_96: 8, // RFC 4494
    AUTH_AES_128_GMAC: 9, // RFC 4543
    AUTH_AES_192_GMAC: 10,
    AUTH_AES_256_GMAC: 11,
    AUTH_HMAC_SHA2_256_128: 12, // RFC 4868
    AUTH_HMAC_SHA2_384_192: 13,
    AUTH_HMAC_SHA2_512_256: 14,
  },
  [{ from: 1024, to: 65535, label: 'PRIVATE_USE' }],
);

/** Transform Type 4, Key Exchange Method Transform IDs (formerly Diffie-Hellman Group Transform IDs). */
export const KeId = defineRegistry(
  'IKEv2 Key Exchange Method',
  {
    NONE: 0,
    MODP_768: 1, // RFC 2409 group 1
    MODP_1024: 2, // RFC 2409 group 2
    MODP_1536: 5, // RFC 3526
    MODP_2048: 14,
    MODP_3072: 15,
    MODP_4096: 16,
    MODP_6144: 17,
    MODP_8192: 18,
    ECP_256: 19, // RFC 5903
    ECP_384: 20,
    ECP_521: 21,
    MODP_1024_S160: 22, // RFC 5114
    MODP_2048_S224: 23,
    MODP_2048_S256: 24,
    ECP_192: 25,
    ECP_224: 26,
    BRAINPOOL_P224R1: 27, // RFC 6954
    BRAINPOOL_P256R1: 28,
    BRAINPOOL_P384R1: 29,
    BRAINPOOL_P512R1: 30,
    CURVE25519: 31, // RFC 8031
    CURVE448: 32,
    GOST3410_2012_256: 33, // RFC 9385
    GOST3410_2012_512: 34,
    ML_KEM_512: 35, // RFC 9370 + draft-ietf-ipsecme-ikev2-mlkem
    ML_KEM_768: 36,
    ML_KEM_1024: 37,
  },
  [{ from: 1024, to: 65535, label: 'PRIVATE_USE' }],
);

/** Transform Type 5, Extended Sequence Numbers Transform IDs. */
export const EsnId = defineRegistry('IKEv2 Extended Sequence Numbers', { NO_ESN: 0, ESN: 1 });

/** RFC 7296 section 3.3.5, Transform Attribute Types. */
export const TransformAttributeType = defineRegistry('IKEv2 Transform Attribute Type', { KEY_LENGTH: 14 });

/** RFC 7296 section 3.3.1, Security Protocol Identifiers. */
export const ProtocolId = defineRegistry(
  'IKEv2 Security Protocol Identifier',
  { NONE: 0, IKE: 1, AH: 2, ESP: 3, FC_ESP_HEADER: 4, FC_CT_AUTHENTICATION: 5 },
  [{ from: 201, to: 255, label: 'PRIVATE_USE' }],
);
