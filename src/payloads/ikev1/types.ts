/**
 * ISAKMP payloads as plain typed objects, a discriminated union on `type` (the wire Next Payload
 * value, RFC 2408 section 3.1). Next Payload and Payload Length fields are derived when encoding,
 * so they are not stored; every RESERVED field is zero on the wire (RFC 2408 section 3.2), so an
 * accepted message re-encodes to the same bytes.
 */
import type { PayloadType } from '../iana/ikev1.js';

/**
 * RFC 2408 section 3.3, a Data Attribute. `form` keeps the received encoding: TV (AF = 1, a 2-byte
 * value in the Attribute Length field) or TLV (AF = 0, Attribute Length octets follow).
 */
export interface DataAttributeV1 {
  /** Attribute Type, 15 bits. */
  type: number;
  form: 'TV' | 'TLV';
  /** Exactly 2 bytes for TV; any length up to 65535 for TLV. */
  value: Uint8Array;
}

/** RFC 2408 section 3.6, Transform payload (inside a Proposal). */
export interface TransformV1 {
  transformNumber: number;
  /** Transform-Id, interpreted by the Proposal's Protocol-Id (KEY_IKE, ESP_AES, ...). */
  transformId: number;
  attributes: DataAttributeV1[];
}

/** RFC 2408 section 3.5, Proposal payload (inside an SA). */
export interface ProposalV1 {
  proposalNumber: number;
  protocolId: number;
  /** Empty when SPI Size is 0 (phase 1: the cookies are the SPI). */
  spi: Uint8Array;
  transforms: TransformV1[];
}

/** RFC 2408 section 3.4, Security Association payload, with the IPsec DOI Situation (RFC 2407 4.6.1). */
export interface SaPayloadV1 {
  type: typeof PayloadType.SA;
  doi: number;
  /** Situation bitmap, 4 octets for DOI 0 (ISAKMP) and 1 (IPsec). */
  situation: number;
  /**
   * RFC 2407 section 4.6.1: the Labeled Domain Identifier and the secrecy / integrity level and
   * category fields that follow the Situation when SIT_SECRECY or SIT_INTEGRITY is set, kept as bytes.
   */
  labeledDomain?: Uint8Array;
  proposals: ProposalV1[];
}

/** RFC 2408 section 3.7, Key Exchange payload. */
export interface KePayloadV1 {
  type: typeof PayloadType.KE;
  keyExchangeData: Uint8Array;
}

/** RFC 2408 section 3.8 and RFC 2407 section 4.6.2, Identification payload (IPsec DOI). */
export interface IdPayloadV1 {
  type: typeof PayloadType.ID;
  idType: number;
  /** IP protocol (0 = any; 17 = UDP in phase 1). */
  protocolId: number;
  port: number;
  /** Identification Data; its length is checked against idType when decoding. */
  data: Uint8Array;
}

/** RFC 2408 section 3.9, Certificate payload. */
export interface CertPayloadV1 {
  type: typeof PayloadType.CERT;
  encoding: number;
  data: Uint8Array;
}

/** RFC 2408 section 3.10, Certificate Request payload. */
export interface CertReqPayloadV1 {
  type: typeof PayloadType.CR;
  certType: number;
  /** Certificate Authority (may be empty: any CA). */
  authority: Uint8Array;
}

/** RFC 2408 section 3.11, Hash payload. */
export interface HashPayloadV1 {
  type: typeof PayloadType.HASH;
  hash: Uint8Array;
}

/** RFC 2408 section 3.12, Signature payload. */
export interface SigPayloadV1 {
  type: typeof PayloadType.SIG;
  signature: Uint8Array;
}

/** RFC 2408 section 3.13, Nonce payload. */
export interface NoncePayloadV1 {
  type: typeof PayloadType.NONCE;
  nonce: Uint8Array;
}

/** RFC 2408 section 3.14, Notification payload. */
export interface NotifyPayloadV1 {
  type: typeof PayloadType.N;
  doi: number;
  protocolId: number;
  notifyType: number;
  spi: Uint8Array;
  data: Uint8Array;
}

/** RFC 2408 section 3.15, Delete payload. */
export interface DeletePayloadV1 {
  type: typeof PayloadType.D;
  doi: number;
  protocolId: number;
  /** SPI Size; kept because it cannot be derived when `spis` is empty. */
  spiSize: number;
  spis: Uint8Array[];
}

/** RFC 2408 section 3.16, Vendor ID payload. */
export interface VendorIdPayloadV1 {
  type: typeof PayloadType.VID;
  vendorId: Uint8Array;
}

/** RFC 3947 section 3.2 (type 20) and draft-ietf-ipsec-nat-t-ike-02/03 (type 130), NAT-D. */
export interface NatDPayloadV1 {
  type: typeof PayloadType.NAT_D | typeof PayloadType.NAT_D_DRAFT;
  hash: Uint8Array;
}

/** RFC 3947 section 5.2 (type 21) and the draft number 131, NAT-OA. */
export interface NatOaPayloadV1 {
  type: typeof PayloadType.NAT_OA | typeof PayloadType.NAT_OA_DRAFT;
  /** ID_IPV4_ADDR (1) or ID_IPV6_ADDR (5). */
  idType: number;
  /** 4 or 16 bytes, matching idType. */
  address: Uint8Array;
}

/** draft-dukes-ike-mode-cfg-02 section 3.2, Attribute payload (Mode-Config / XAUTH). */
export interface AttributePayloadV1 {
  type: typeof PayloadType.ATTRIBUTE;
  /** ISAKMP_CFG_REQUEST / REPLY / SET / ACK. */
  cfgType: number;
  identifier: number;
  attributes: DataAttributeV1[];
}

/** Cisco / strongSwan IKEv1 fragment payload (type 132). */
export interface FragmentPayloadV1 {
  type: typeof PayloadType.FRAGMENT;
  fragmentId: number;
  fragmentNumber: number;
  /** Flags bit 0: this is the last fragment. */
  last: boolean;
  data: Uint8Array;
}

/**
 * A payload type without a codec here. ISAKMP has no critical bit; RFC 2408 section 5.1 answers an
 * unknown type with INVALID-PAYLOAD-TYPE, a decision left to the exchange layer, so it is kept.
 */
export interface UnknownPayloadV1 {
  type: 'UNKNOWN';
  payloadType: number;
  body: Uint8Array;
}

export type KnownPayloadV1 =
  | SaPayloadV1
  | KePayloadV1
  | IdPayloadV1
  | CertPayloadV1
  | CertReqPayloadV1
  | HashPayloadV1
  | SigPayloadV1
  | NoncePayloadV1
  | NotifyPayloadV1
  | DeletePayloadV1
  | VendorIdPayloadV1
  | NatDPayloadV1
  | NatOaPayloadV1
  | AttributePayloadV1
  | FragmentPayloadV1;

export type PayloadV1 = KnownPayloadV1 | UnknownPayloadV1;

/** The payload of a given wire type. */
export type PayloadOfTypeV1<T extends number> = Extract<KnownPayloadV1, { type: T }>;
