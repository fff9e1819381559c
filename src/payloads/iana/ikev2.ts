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

/**
 * RFC 7296 section 3.10.1, Notify Message Types. 0-16383 are error types (an unrecognized one in a
 * response means the request failed), 16384 and up are status types (ignored when unrecognized).
 */
export const NotifyType = defineRegistry(
  'IKEv2 Notify Message Type',
  {
    // Error types
    UNSUPPORTED_CRITICAL_PAYLOAD: 1,
    INVALID_IKE_SPI: 4,
    INVALID_MAJOR_VERSION: 5,
    INVALID_SYNTAX: 7,
    INVALID_MESSAGE_ID: 9,
    INVALID_SPI: 11,
    NO_PROPOSAL_CHOSEN: 14,
    INVALID_KE_PAYLOAD: 17,
    AUTHENTICATION_FAILED: 24,
    SINGLE_PAIR_REQUIRED: 34,
    NO_ADDITIONAL_SAS: 35,
    INTERNAL_ADDRESS_FAILURE: 36,
    FAILED_CP_REQUIRED: 37,
    TS_UNACCEPTABLE: 38,
    INVALID_SELECTORS: 39,
    UNACCEPTABLE_ADDRESSES: 40, // RFC 4555
    UNEXPECTED_NAT_DETECTED: 41, // RFC 4555
    USE_ASSIGNED_HoA: 42, // RFC 5026
    TEMPORARY_FAILURE: 43, // RFC 7296
    CHILD_SA_NOT_FOUND: 44, // RFC 7296
    INVALID_GROUP_ID: 45, // RFC 9838
    AUTHORIZATION_FAILED: 46, // RFC 9838
    STATE_NOT_FOUND: 47, // RFC 9370
    TS_MAX_QUEUE: 48, // RFC 9611
    // Status types
    INITIAL_CONTACT: 16384,
    SET_WINDOW_SIZE: 16385,
    ADDITIONAL_TS_POSSIBLE: 16386,
    IPCOMP_SUPPORTED: 16387,
    NAT_DETECTION_SOURCE_IP: 16388,
    NAT_DETECTION_DESTINATION_IP: 16389,
    COOKIE: 16390,
    USE_TRANSPORT_MODE: 16391,
    HTTP_CERT_LOOKUP_SUPPORTED: 16392,
    REKEY_SA: 16393,
    ESP_TFC_PADDING_NOT_SUPPORTED: 16394,
    NON_FIRST_FRAGMENTS_ALSO: 16395,
    MOBIKE_SUPPORTED: 16396, // RFC 4555
    ADDITIONAL_IP4_ADDRESS: 16397,
    ADDITIONAL_IP6_ADDRESS: 16398,
    NO_ADDITIONAL_ADDRESSES: 16399,
    UPDATE_SA_ADDRESSES: 16400,
    COOKIE2: 16401,
    NO_NATS_ALLOWED: 16402,
    AUTH_LIFETIME: 16403, // RFC 4478
    MULTIPLE_AUTH_SUPPORTED: 16404, // RFC 4739
    ANOTHER_AUTH_FOLLOWS: 16405,
    REDIRECT_SUPPORTED: 16406, // RFC 5685
    REDIRECT: 16407,
    REDIRECTED_FROM: 16408,
    TICKET_LT_OPAQUE: 16409, // RFC 5723
    TICKET_REQUEST: 16410,
    TICKET_ACK: 16411,
    TICKET_NACK: 16412,
    TICKET_OPAQUE: 16413,
    LINK_ID: 16414, // RFC 5739
    USE_WESP_MODE: 16415, // RFC 5840
    ROHC_SUPPORTED: 16416, // RFC 5857
    EAP_ONLY_AUTHENTICATION: 16417, // RFC 5998
    CHILDLESS_IKEV2_SUPPORTED: 16418, // RFC 6023
    QUICK_CRASH_DETECTION: 16419, // RFC 6290
    IKEV2_MESSAGE_ID_SYNC_SUPPORTED: 16420, // RFC 6311
    IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED: 16421,
    IKEV2_MESSAGE_ID_SYNC: 16422,
    IPSEC_REPLAY_COUNTER_SYNC: 16423,
    SECURE_PASSWORD_METHODS: 16424, // RFC 6467
    PSK_PERSIST: 16425, // RFC 6631
    PSK_CONFIRM: 16426,
    ERX_SUPPORTED: 16427, // RFC 6867
    IFOM_CAPABILITY: 16428,
    SENDER_REQUEST_ID: 16429, // RFC 9838
    IKEV2_FRAGMENTATION_SUPPORTED: 16430, // RFC 7383
    SIGNATURE_HASH_ALGORITHMS: 16431, // RFC 7427
    CLONE_IKE_SA_SUPPORTED: 16432, // RFC 7791
    CLONE_IKE_SA: 16433,
    PUZZLE: 16434, // RFC 8019
    USE_PPK: 16435, // RFC 8784
    PPK_IDENTITY: 16436,
    NO_PPK_AUTH: 16437,
    INTERMEDIATE_EXCHANGE_SUPPORTED: 16438, // RFC 9242
    IP4_ALLOWED: 16439, // RFC 8983
    IP6_ALLOWED: 16440,
    ADDITIONAL_KEY_EXCHANGE: 16441, // RFC 9370
    USE_AGGFRAG: 16442, // RFC 9347
    SUPPORTED_AUTH_METHODS: 16443, // RFC 9593
    SA_RESOURCE_INFO: 16444, // RFC 9611
    USE_PPK_INT: 16445, // RFC 9867
    PPK_IDENTITY_KEY: 16446,
  },
  [
    { from: 8192, to: 16383, label: 'PRIVATE_USE_ERROR' },
    { from: 40960, to: 65535, label: 'PRIVATE_USE_STATUS' },
  ],
);

/** RFC 7296 section 3.10.1: types below this value are errors, the rest are status. */
export const NOTIFY_STATUS_FIRST = 16384;

/** RFC 7296 section 3.5, Identification Payload ID Types. */
export const IdType = defineRegistry(
  'IKEv2 Identification Payload ID Type',
  {
    ID_IPV4_ADDR: 1,
    ID_FQDN: 2,
    ID_RFC822_ADDR: 3,
    ID_IPV6_ADDR: 5,
    ID_DER_ASN1_DN: 9,
    ID_DER_ASN1_GN: 10,
    ID_KEY_ID: 11,
    ID_FC_NAME: 12, // RFC 4595
    ID_NULL: 13, // RFC 7619
  },
  [{ from: 201, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 7296 section 3.6, Certificate Encoding. */
export const CertEncoding = defineRegistry(
  'IKEv2 Certificate Encoding',
  {
    PKCS7_WRAPPED_X509: 1,
    PGP: 2,
    DNS_SIGNED_KEY: 3,
    X509_CERT_SIGNATURE: 4,
    KERBEROS_TOKEN: 6,
    CRL: 7,
    ARL: 8,
    SPKI: 9,
    X509_CERT_ATTRIBUTE: 10,
    RAW_RSA_KEY: 11, // deprecated by RFC 7296
    HASH_AND_URL_X509_CERT: 12,
    HASH_AND_URL_X509_BUNDLE: 13,
    OCSP_CONTENT: 14, // RFC 4806
    RAW_PUBLIC_KEY: 15, // RFC 7670
  },
  [{ from: 201, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 7296 section 3.8, Authentication Method. */
export const AuthMethod = defineRegistry(
  'IKEv2 Authentication Method',
  {
    RSA_DIGITAL_SIGNATURE: 1,
    SHARED_KEY_MIC: 2,
    DSS_DIGITAL_SIGNATURE: 3,
    ECDSA_SHA256_P256: 9, // RFC 4754
    ECDSA_SHA384_P384: 10,
    ECDSA_SHA512_P521: 11,
    GSPAM: 12, // RFC 6467
    DIGITAL_SIGNATURE: 13, // RFC 7427
    NULL_AUTH: 14, // RFC 7619
  },
  [{ from: 201, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 7296 section 3.13.1, Traffic Selector Types. */
export const TsType = defineRegistry(
  'IKEv2 Traffic Selector Type',
  {
    TS_IPV4_ADDR_RANGE: 7,
    TS_IPV6_ADDR_RANGE: 8,
    TS_FC_ADDR_RANGE: 9, // RFC 4595
    TS_SECLABEL: 10, // RFC 9478
  },
  [{ from: 241, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 7296 section 3.15, Configuration Payload CFG Type. */
export const CfgType = defineRegistry('IKEv2 Configuration Payload CFG Type', {
  CFG_REQUEST: 1,
  CFG_REPLY: 2,
  CFG_SET: 3,
  CFG_ACK: 4,
});

/** RFC 7296 section 3.15.1, Configuration Payload Attribute Types. */
export const CfgAttributeType = defineRegistry(
  'IKEv2 Configuration Payload Attribute Type',
  {
    INTERNAL_IP4_ADDRESS: 1,
    INTERNAL_IP4_NETMASK: 2,
    INTERNAL_IP4_DNS: 3,
    INTERNAL_IP4_NBNS: 4,
    INTERNAL_IP4_DHCP: 6,
    APPLICATION_VERSION: 7,
    INTERNAL_IP6_ADDRESS: 8,
    INTERNAL_IP6_DNS: 10,
    INTERNAL_IP6_DHCP: 12,
    INTERNAL_IP4_SUBNET: 13,
    SUPPORTED_ATTRIBUTES: 14,
    INTERNAL_IP6_SUBNET: 15,
    MIP6_HOME_PREFIX: 16, // RFC 5026
    INTERNAL_IP6_LINK: 17, // RFC 5739
    INTERNAL_IP6_PREFIX: 18, // RFC 5739
    HOME_AGENT_ADDRESS: 19, // 3GPP TS 24.302
    P_CSCF_IP4_ADDRESS: 20, // RFC 7651
    P_CSCF_IP6_ADDRESS: 21,
    FTT_KAT: 22, // 3GPP TS 24.302
    EXTERNAL_SOURCE_IP4_NAT_INFO: 23, // 3GPP TS 29.139
    TIMEOUT_PERIOD_FOR_LIVENESS_CHECK: 24, // 3GPP TS 24.302
    INTERNAL_DNS_DOMAIN: 25, // RFC 8598
    INTERNAL_DNSSEC_TA: 26,
    ENCDNS_IP4: 27, // RFC 9464
    ENCDNS_IP6: 28,
    ENCDNS_DIGEST_INFO: 29,
  },
  [{ from: 16384, to: 32767, label: 'PRIVATE_USE' }],
);

/** RFC 3748 section 4 (and RFC 6696 for 5/6), EAP Codes carried in the EAP payload (RFC 7296 section 3.16). */
export const EapCode = defineRegistry('EAP Code', {
  Request: 1,
  Response: 2,
  Success: 3,
  Failure: 4,
  Initiate: 5, // RFC 6696
  Finish: 6,
});

/** RFC 7427 section 7, Hash Algorithm Identifiers (sent in SIGNATURE_HASH_ALGORITHMS). */
export const HashAlgorithm = defineRegistry(
  'IKEv2 Hash Algorithm',
  {
    SHA1: 1,
    SHA2_256: 2,
    SHA2_384: 3,
    SHA2_512: 4,
    Identity: 5, // RFC 8420
    STREEBOG_256: 6, // RFC 9385
    STREEBOG_512: 7,
  },
  [{ from: 1024, to: 65535, label: 'PRIVATE_USE' }],
);
