/**
 * ISAKMP / IKEv1 registries ("Internet Security Association and Key Management Protocol (ISAKMP)
 * Identifiers", "Internet Key Exchange (IKE) Attributes", "IPsec DOI" tables), names as in RFC 2408,
 * RFC 2409, RFC 2407 and the drafts that the deployed base still speaks. One registry per table.
 */
import { defineRegistry } from '../registry.js';

/** RFC 2408 section 3.1, Exchange Type. */
export const ExchangeType = defineRegistry(
  'ISAKMP Exchange Type',
  {
    NONE: 0,
    BASE: 1,
    /** Main Mode in RFC 2409. */
    IDENTITY_PROTECTION: 2,
    AUTHENTICATION_ONLY: 3,
    AGGRESSIVE: 4,
    INFORMATIONAL: 5,
    /** draft-dukes-ike-mode-cfg: Mode-Config and XAUTH. */
    TRANSACTION: 6,
    /** RFC 2409 section 5.5. */
    QUICK_MODE: 32,
    /** RFC 2409 section 5.6. */
    NEW_GROUP_MODE: 33,
  },
  [
    { from: 7, to: 31, label: 'ISAKMP_FUTURE_USE' },
    { from: 34, to: 239, label: 'DOI_SPECIFIC' },
    { from: 240, to: 255, label: 'PRIVATE_USE' },
  ],
);

/** RFC 2408 section 3.1, Next Payload Types, plus RFC 3947, RFC 6407 and the drafts in use. */
export const PayloadType = defineRegistry(
  'ISAKMP Next Payload Type',
  {
    NONE: 0,
    SA: 1,
    /** Proposal, only inside SA. */
    P: 2,
    /** Transform, only inside Proposal. */
    T: 3,
    KE: 4,
    ID: 5,
    CERT: 6,
    CR: 7,
    HASH: 8,
    SIG: 9,
    NONCE: 10,
    N: 11,
    D: 12,
    VID: 13,
    /** draft-dukes-ike-mode-cfg: Attribute payload. */
    ATTRIBUTE: 14,
    /** RFC 6407 (GDOI) payloads. */
    SAK: 15,
    SAT: 16,
    KD: 17,
    SEQ: 18,
    POP: 19,
    /** RFC 3947 section 3.2. */
    NAT_D: 20,
    /** RFC 3947 section 5.2. */
    NAT_OA: 21,
    GAP: 22,
    /** draft-ietf-ipsec-nat-t-ike-02/03 numbers, still sent by peers that negotiated a draft VID. */
    NAT_D_DRAFT: 130,
    NAT_OA_DRAFT: 131,
    /** Cisco / strongSwan proprietary IKEv1 fragmentation. */
    FRAGMENT: 132,
  },
  [
    { from: 23, to: 127, label: 'RESERVED' },
    { from: 128, to: 255, label: 'PRIVATE_USE' },
  ],
);

/** RFC 2408 section 3.14.1 (errors and CONNECTED), RFC 2407 section 4.6.3, RFC 3706 section 5. */
export const NotifyType = defineRegistry(
  'ISAKMP Notify Message Type',
  {
    INVALID_PAYLOAD_TYPE: 1,
    DOI_NOT_SUPPORTED: 2,
    SITUATION_NOT_SUPPORTED: 3,
    INVALID_COOKIE: 4,
    INVALID_MAJOR_VERSION: 5,
    INVALID_MINOR_VERSION: 6,
    INVALID_EXCHANGE_TYPE: 7,
    INVALID_FLAGS: 8,
    INVALID_MESSAGE_ID: 9,
    INVALID_PROTOCOL_ID: 10,
    INVALID_SPI: 11,
    INVALID_TRANSFORM_ID: 12,
    ATTRIBUTES_NOT_SUPPORTED: 13,
    NO_PROPOSAL_CHOSEN: 14,
    BAD_PROPOSAL_SYNTAX: 15,
    PAYLOAD_MALFORMED: 16,
    INVALID_KEY_INFORMATION: 17,
    INVALID_ID_INFORMATION: 18,
    INVALID_CERT_ENCODING: 19,
    INVALID_CERTIFICATE: 20,
    CERT_TYPE_UNSUPPORTED: 21,
    INVALID_CERT_AUTHORITY: 22,
    INVALID_HASH_INFORMATION: 23,
    AUTHENTICATION_FAILED: 24,
    INVALID_SIGNATURE: 25,
    ADDRESS_NOTIFICATION: 26,
    NOTIFY_SA_LIFETIME: 27,
    CERTIFICATE_UNAVAILABLE: 28,
    UNSUPPORTED_EXCHANGE_TYPE: 29,
    UNEQUAL_PAYLOAD_LENGTHS: 30,
    CONNECTED: 16384,
    /** RFC 2407 section 4.6.3. */
    RESPONDER_LIFETIME: 24576,
    REPLAY_STATUS: 24577,
    INITIAL_CONTACT: 24578,
    /** RFC 3706 section 5. */
    R_U_THERE: 36136,
    R_U_THERE_ACK: 36137,
  },
  [
    { from: 31, to: 8191, label: 'RESERVED_ERROR' },
    { from: 8192, to: 16383, label: 'PRIVATE_USE_ERROR' },
    { from: 16385, to: 24575, label: 'RESERVED_STATUS' },
    { from: 24576, to: 32767, label: 'DOI_SPECIFIC_STATUS' },
    { from: 32768, to: 40959, label: 'PRIVATE_USE_STATUS' },
  ],
);

/** RFC 2408 section 3.4 / RFC 2407 section 2, Domain of Interpretation. */
export const Doi = defineRegistry('ISAKMP Domain of Interpretation', {
  ISAKMP: 0,
  IPSEC: 1,
  /** RFC 6407. */
  GDOI: 2,
});

/** RFC 2407 section 4.2, IPsec Situation bits. */
export const Situation = defineRegistry('IPsec Situation', {
  SIT_IDENTITY_ONLY: 0x01,
  SIT_SECRECY: 0x02,
  SIT_INTEGRITY: 0x04,
});

/** RFC 2407 section 4.4.1, IPsec Security Protocol Identifiers. */
export const ProtocolId = defineRegistry(
  'IPsec Security Protocol Identifier',
  {
    RESERVED: 0,
    PROTO_ISAKMP: 1,
    PROTO_IPSEC_AH: 2,
    PROTO_IPSEC_ESP: 3,
    PROTO_IPCOMP: 4,
  },
  [{ from: 249, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 2407 section 4.4.2, IPsec ISAKMP Transform Identifiers. */
export const IsakmpTransformId = defineRegistry('ISAKMP Transform Identifier', { KEY_IKE: 1 });

/** RFC 2407 section 4.4.3, IPsec AH Transform Identifiers (and RFC 4868, RFC 3566, RFC 4543). */
export const AhTransformId = defineRegistry(
  'IPsec AH Transform Identifier',
  {
    AH_MD5: 2,
    AH_SHA: 3,
    AH_DES: 4,
    AH_SHA2_256: 5,
    AH_SHA2_384: 6,
    AH_SHA2_512: 7,
    AH_RIPEMD: 8,
    AH_AES_XCBC_MAC: 9,
    AH_RSA: 10,
    AH_AES_128_GMAC: 11,
    AH_AES_192_GMAC: 12,
    AH_AES_256_GMAC: 13,
  },
  [{ from: 249, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 2407 section 4.4.4, IPsec ESP Transform Identifiers (and RFC 3602, 3686, 4309, 4106, 4543). */
export const EspTransformId = defineRegistry(
  'IPsec ESP Transform Identifier',
  {
    ESP_DES_IV64: 1,
    ESP_DES: 2,
    ESP_3DES: 3,
    ESP_RC5: 4,
    ESP_IDEA: 5,
    ESP_CAST: 6,
    ESP_BLOWFISH: 7,
    ESP_3IDEA: 8,
    ESP_DES_IV32: 9,
    ESP_RC4: 10,
    ESP_NULL: 11,
    ESP_AES: 12,
    ESP_AES_CTR: 13,
    ESP_AES_CCM_8: 14,
    ESP_AES_CCM_12: 15,
    ESP_AES_CCM_16: 16,
    ESP_AES_GCM_8: 18,
    ESP_AES_GCM_12: 19,
    ESP_AES_GCM_16: 20,
    ESP_SEED_CBC: 21,
    ESP_CAMELLIA: 22,
    ESP_NULL_AUTH_AES_GMAC: 23,
  },
  [{ from: 249, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 2407 section 4.4.5, IPsec IPCOMP Transform Identifiers. */
export const IpcompTransformId = defineRegistry(
  'IPsec IPCOMP Transform Identifier',
  {
    IPCOMP_OUI: 1,
    IPCOMP_DEFLATE: 2,
    IPCOMP_LZS: 3,
    IPCOMP_LZJH: 4,
  },
  [{ from: 249, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 2409 Appendix A, IKE (phase 1) attribute classes. */
export const Phase1Attribute = defineRegistry(
  'IKE Attribute Class',
  {
    ENCRYPTION_ALGORITHM: 1,
    HASH_ALGORITHM: 2,
    AUTHENTICATION_METHOD: 3,
    GROUP_DESCRIPTION: 4,
    GROUP_TYPE: 5,
    GROUP_PRIME: 6,
    GROUP_GENERATOR_ONE: 7,
    GROUP_GENERATOR_TWO: 8,
    GROUP_CURVE_A: 9,
    GROUP_CURVE_B: 10,
    LIFE_TYPE: 11,
    LIFE_DURATION: 12,
    PRF: 13,
    KEY_LENGTH: 14,
    FIELD_SIZE: 15,
    GROUP_ORDER: 16,
  },
  [{ from: 16384, to: 32767, label: 'PRIVATE_USE' }],
);

/** RFC 2409 Appendix A, Encryption Algorithm (plus RFC 3602 AES, RFC 4312 Camellia). */
export const Phase1Encryption = defineRegistry(
  'IKE Encryption Algorithm',
  {
    DES_CBC: 1,
    IDEA_CBC: 2,
    BLOWFISH_CBC: 3,
    RC5_R16_B64_CBC: 4,
    '3DES_CBC': 5,
    CAST_CBC: 6,
    AES_CBC: 7,
    CAMELLIA_CBC: 8,
  },
  [{ from: 65001, to: 65535, label: 'PRIVATE_USE' }],
);

/** RFC 2409 Appendix A, Hash Algorithm (plus RFC 4868 SHA-2). */
export const Phase1Hash = defineRegistry(
  'IKE Hash Algorithm',
  {
    MD5: 1,
    SHA: 2,
    TIGER: 3,
    SHA2_256: 4,
    SHA2_384: 5,
    SHA2_512: 6,
  },
  [{ from: 65001, to: 65535, label: 'PRIVATE_USE' }],
);

/**
 * RFC 2409 Appendix A, Authentication Method; RFC 4754 ECDSA; draft-beaulieu-ike-xauth-02 section 5
 * (XAUTH); draft-ietf-ipsec-isakmp-hybrid-auth-05 (Hybrid).
 */
export const AuthMethod = defineRegistry(
  'IKE Authentication Method',
  {
    PRE_SHARED_KEY: 1,
    DSS_SIG: 2,
    RSA_SIG: 3,
    RSA_ENC: 4,
    RSA_REV_ENC: 5,
    ELGAMAL_ENC: 6,
    ELGAMAL_REV_ENC: 7,
    ECDSA_SHA256_P256: 9,
    ECDSA_SHA384_P384: 10,
    ECDSA_SHA512_P521: 11,
    HybridInitRSA: 64221,
    HybridRespRSA: 64222,
    HybridInitDSS: 64223,
    HybridRespDSS: 64224,
    XAUTHInitPreShared: 65001,
    XAUTHRespPreShared: 65002,
    XAUTHInitDSS: 65003,
    XAUTHRespDSS: 65004,
    XAUTHInitRSA: 65005,
    XAUTHRespRSA: 65006,
    XAUTHInitRSAEncryption: 65007,
    XAUTHRespRSAEncryption: 65008,
    XAUTHInitRSARevisedEncryption: 65009,
    XAUTHRespRSARevisedEncryption: 65010,
  },
  [{ from: 65001, to: 65535, label: 'PRIVATE_USE' }],
);

/** RFC 2409 Appendix A Group Description: the same numbers as the IKEv2 Diffie-Hellman groups. */
export const GroupDescription = defineRegistry(
  'IKE Group Description',
  {
    MODP_768: 1,
    MODP_1024: 2,
    EC2N_155: 3,
    EC2N_185: 4,
    MODP_1536: 5,
    MODP_2048: 14,
    MODP_3072: 15,
    MODP_4096: 16,
    MODP_6144: 17,
    MODP_8192: 18,
    ECP_256: 19,
    ECP_384: 20,
    ECP_521: 21,
    MODP_1024_160: 22,
    MODP_2048_224: 23,
    MODP_2048_256: 24,
    ECP_192: 25,
    ECP_224: 26,
    BRAINPOOL_P224R1: 27,
    BRAINPOOL_P256R1: 28,
    BRAINPOOL_P384R1: 29,
    BRAINPOOL_P512R1: 30,
    CURVE25519: 31,
    CURVE448: 32,
  },
  [{ from: 32768, to: 65535, label: 'PRIVATE_USE' }],
);

/** RFC 2409 Appendix A, Group Type. */
export const GroupType = defineRegistry('IKE Group Type', { MODP: 1, ECP: 2, EC2N: 3 });

/** RFC 2409 Appendix A Life Type, and RFC 2407 section 4.5 SA Life Type (same values). */
export const LifeType = defineRegistry('IKE Life Type', { SECONDS: 1, KILOBYTES: 2 });

/** RFC 2407 section 4.5, IPsec Security Association Attributes (and RFC 3168, 4304, 4359, 6407). */
export const IpsecAttribute = defineRegistry(
  'IPsec Security Association Attribute',
  {
    SA_LIFE_TYPE: 1,
    SA_LIFE_DURATION: 2,
    GROUP_DESCRIPTION: 3,
    ENCAPSULATION_MODE: 4,
    AUTHENTICATION_ALGORITHM: 5,
    KEY_LENGTH: 6,
    KEY_ROUNDS: 7,
    COMPRESS_DICTIONARY_SIZE: 8,
    COMPRESS_PRIVATE_ALGORITHM: 9,
    ECN_TUNNEL: 10,
    ESN: 11,
    AUTHENTICATION_KEY_LENGTH: 12,
    SIGNATURE_ENCODING_ALGORITHM: 13,
    ADDRESS_PRESERVATION: 14,
    SA_DIRECTION: 15,
  },
  [{ from: 32001, to: 32767, label: 'PRIVATE_USE' }],
);

/** RFC 2407 section 4.5 Encapsulation Mode, RFC 3947 section 5.1 (and the draft numbers). */
export const EncapsulationMode = defineRegistry(
  'IPsec Encapsulation Mode',
  {
    TUNNEL: 1,
    TRANSPORT: 2,
    UDP_TUNNEL: 3,
    UDP_TRANSPORT: 4,
    /** draft-ietf-ipsec-nat-t-ike-00..03. */
    UDP_TUNNEL_DRAFT: 61443,
    UDP_TRANSPORT_DRAFT: 61444,
  },
  [{ from: 61440, to: 65535, label: 'PRIVATE_USE' }],
);

/** RFC 2407 section 4.5 Authentication Algorithm (and RFC 4868, 2857, 3566, 4359, 4543). */
export const AuthAlgorithm = defineRegistry(
  'IPsec Authentication Algorithm',
  {
    HMAC_MD5: 1,
    HMAC_SHA: 2,
    DES_MAC: 3,
    KPDK: 4,
    HMAC_SHA2_256: 5,
    HMAC_SHA2_384: 6,
    HMAC_SHA2_512: 7,
    HMAC_RIPEMD: 8,
    AES_XCBC_MAC: 9,
    SIG_RSA: 10,
    AES_128_GMAC: 11,
    AES_192_GMAC: 12,
    AES_256_GMAC: 13,
  },
  [{ from: 61440, to: 65535, label: 'PRIVATE_USE' }],
);

/** RFC 3168 section 9.2.1, ECN Tunnel. */
export const EcnTunnel = defineRegistry('IPsec ECN Tunnel', { ALLOWED: 1, FORBIDDEN: 2 });

/** RFC 4304 section 2, Extended (64-bit) Sequence Number. */
export const EsnValue = defineRegistry('IPsec Extended Sequence Number', { ESN_64_BIT: 1 });

/** RFC 2407 section 4.6.2.1, IPsec Identification Type (RFC 3554 adds ID_LIST). */
export const IdType = defineRegistry(
  'IPsec Identification Type',
  {
    ID_IPV4_ADDR: 1,
    ID_FQDN: 2,
    ID_USER_FQDN: 3,
    ID_IPV4_ADDR_SUBNET: 4,
    ID_IPV6_ADDR: 5,
    ID_IPV6_ADDR_SUBNET: 6,
    ID_IPV4_ADDR_RANGE: 7,
    ID_IPV6_ADDR_RANGE: 8,
    ID_DER_ASN1_DN: 9,
    ID_DER_ASN1_GN: 10,
    ID_KEY_ID: 11,
    ID_LIST: 12,
  },
  [{ from: 249, to: 255, label: 'PRIVATE_USE' }],
);

/** RFC 2408 section 3.9, Certificate Encoding. */
export const CertEncoding = defineRegistry('ISAKMP Certificate Encoding', {
  NONE: 0,
  PKCS7_WRAPPED_X509: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_SIGNATURE: 4,
  X509_KEY_EXCHANGE: 5,
  KERBEROS_TOKENS: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_ATTRIBUTE: 10,
});

/** draft-dukes-ike-mode-cfg-02 section 3.2, ISAKMP Configuration Message Type. */
export const CfgType = defineRegistry('ISAKMP Configuration Message Type', {
  ISAKMP_CFG_REQUEST: 1,
  ISAKMP_CFG_REPLY: 2,
  ISAKMP_CFG_SET: 3,
  ISAKMP_CFG_ACK: 4,
});

/**
 * Mode-Config attributes (draft-dukes-ike-mode-cfg-02 section 3.3), XAUTH attributes
 * (draft-beaulieu-ike-xauth-02 section 6.1) and Cisco Unity attributes.
 */
export const CfgAttribute = defineRegistry(
  'ISAKMP Configuration Attribute',
  {
    INTERNAL_IP4_ADDRESS: 1,
    INTERNAL_IP4_NETMASK: 2,
    INTERNAL_IP4_DNS: 3,
    INTERNAL_IP4_NBNS: 4,
    INTERNAL_ADDRESS_EXPIRY: 5,
    INTERNAL_IP4_DHCP: 6,
    APPLICATION_VERSION: 7,
    INTERNAL_IP6_ADDRESS: 8,
    INTERNAL_IP6_NETMASK: 9,
    INTERNAL_IP6_DNS: 10,
    INTERNAL_IP6_NBNS: 11,
    INTERNAL_IP6_DHCP: 12,
    INTERNAL_IP4_SUBNET: 13,
    SUPPORTED_ATTRIBUTES: 14,
    INTERNAL_IP6_SUBNET: 15,
    XAUTH_TYPE: 16520,
    XAUTH_USER_NAME: 16521,
    XAUTH_USER_PASSWORD: 16522,
    XAUTH_PASSCODE: 16523,
    XAUTH_MESSAGE: 16524,
    XAUTH_CHALLENGE: 16525,
    XAUTH_DOMAIN: 16526,
    XAUTH_STATUS: 16527,
    XAUTH_NEXT_PIN: 16528,
    XAUTH_ANSWER: 16529,
    UNITY_BANNER: 28672,
    UNITY_SAVE_PASSWD: 28673,
    UNITY_DEF_DOMAIN: 28674,
    UNITY_SPLITDNS_NAME: 28675,
    UNITY_SPLIT_INCLUDE: 28676,
    UNITY_NATT_PORT: 28677,
    UNITY_LOCAL_LAN: 28678,
    UNITY_PFS: 28679,
    UNITY_FW_TYPE: 28680,
    UNITY_BACKUP_SERVERS: 28681,
    UNITY_DDNS_HOSTNAME: 28682,
    UNITY_SMARTCARD_REMOVAL_DISCONNECT: 28683,
  },
  [{ from: 16384, to: 32767, label: 'PRIVATE_USE' }],
);

/** draft-beaulieu-ike-xauth-02 section 6.1, XAUTH-TYPE values. */
export const XauthType = defineRegistry('XAUTH Type', {
  GENERIC: 0,
  RADIUS_CHAP: 1,
  OTP: 2,
  S_KEY: 3,
});

/** draft-beaulieu-ike-xauth-02 section 6.1, XAUTH-STATUS values. */
export const XauthStatus = defineRegistry('XAUTH Status', { FAIL: 0, OK: 1 });
