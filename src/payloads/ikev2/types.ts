/**
 * IKEv2 payloads as plain typed objects, a discriminated union on `type` (the wire Payload Type,
 * RFC 7296 section 3.2). Length and Next Payload fields are derived when encoding, so they are not
 * stored. `critical` is kept only so that a received critical bit round-trips; RFC 7296 section 2.5
 * says a recipient that understands the payload ignores it.
 */
import type { PayloadType, TsType } from '../iana/ikev2.js';

interface PayloadBase {
  /** RFC 7296 section 3.2, the C bit of the generic payload header. */
  critical?: boolean;
}

/** RFC 7296 section 3.9: Ni / Nr. */
export interface NoncePayload extends PayloadBase {
  type: typeof PayloadType.NONCE;
  nonce: Uint8Array;
}

/** RFC 7296 section 3.4: Key Exchange. */
export interface KePayload extends PayloadBase {
  type: typeof PayloadType.KE;
  /** Key Exchange Method (Diffie-Hellman Group Num), see KeId. */
  group: number;
  keyExchangeData: Uint8Array;
}

/** RFC 7296 section 3.3.5: a Transform Attribute. A number value is TV format (AF=1), bytes are TLV (AF=0). */
export interface TransformAttribute {
  /** Attribute Type (15 bits), see TransformAttributeType. */
  type: number;
  value: number | Uint8Array;
}

/** RFC 7296 section 3.3.2: a Transform substructure. */
export interface Transform {
  /** Transform Type, see TransformType. */
  transformType: number;
  /** Transform ID, read in the registry of its type (EncrId, PrfId, IntegId, KeId, EsnId). */
  transformId: number;
  attributes: TransformAttribute[];
}

/** RFC 7296 section 3.3.1: a Proposal substructure. */
export interface Proposal {
  proposalNum: number;
  /** Protocol ID, see ProtocolId. */
  protocolId: number;
  /** Empty for an initial IKE SA offer, 8 bytes when rekeying an IKE SA, 4 bytes for AH/ESP. */
  spi: Uint8Array;
  transforms: Transform[];
}

/** RFC 7296 section 3.3: Security Association. */
export interface SaPayload extends PayloadBase {
  type: typeof PayloadType.SA;
  proposals: Proposal[];
}

/** RFC 7296 section 3.5: Identification (IDi / IDr). */
export interface IdPayload extends PayloadBase {
  type: typeof PayloadType.IDi | typeof PayloadType.IDr;
  /** ID Type, see IdType. */
  idType: number;
  /** Identification Data as sent; see formatIdV2/parseIdV2 for text. */
  data: Uint8Array;
}

/** RFC 7296 section 3.6: Certificate. */
export interface CertPayload extends PayloadBase {
  type: typeof PayloadType.CERT;
  /** Cert Encoding, see CertEncoding. */
  encoding: number;
  data: Uint8Array;
}

/** RFC 7296 section 3.7: Certificate Request. */
export interface CertReqPayload extends PayloadBase {
  type: typeof PayloadType.CERTREQ;
  encoding: number;
  /** Certification Authority: for X.509, concatenated SHA-1 hashes of trusted CAs' public keys. */
  authority: Uint8Array;
}

/** RFC 7296 section 3.8: Authentication. */
export interface AuthPayload extends PayloadBase {
  type: typeof PayloadType.AUTH;
  /** Auth Method, see AuthMethod. */
  method: number;
  authData: Uint8Array;
}

/** RFC 7296 section 3.10: Notify. */
export interface NotifyPayload extends PayloadBase {
  type: typeof PayloadType.N;
  /** Protocol ID; zero when the SPI is empty. */
  protocolId: number;
  spi: Uint8Array;
  /** Notify Message Type, see NotifyType; unknown values stay numbers. */
  notifyType: number;
  data: Uint8Array;
}

/** RFC 7296 section 3.11: Delete. */
export interface DeletePayload extends PayloadBase {
  type: typeof PayloadType.D;
  protocolId: number;
  /** SPI Size: 0 for IKE, 4 for AH and ESP. */
  spiSize: number;
  spis: Uint8Array[];
}

/** RFC 7296 section 3.12: Vendor ID. */
export interface VendorIdPayload extends PayloadBase {
  type: typeof PayloadType.V;
  vendorId: Uint8Array;
}

/** RFC 7296 sections 3.13.1: TS_IPV4_ADDR_RANGE (4-byte addresses) or TS_IPV6_ADDR_RANGE (16-byte). */
export interface AddressRangeSelector {
  tsType: typeof TsType.TS_IPV4_ADDR_RANGE | typeof TsType.TS_IPV6_ADDR_RANGE;
  /** IP Protocol ID; 0 means any. */
  ipProtocol: number;
  startPort: number;
  endPort: number;
  startAddress: Uint8Array;
  endAddress: Uint8Array;
}

/**
 * Any other selector (TS_FC_ADDR_RANGE, TS_SECLABEL, unknown types): the bytes after the 4-byte
 * selector header, whose second octet these types leave RESERVED.
 */
export interface OpaqueSelector {
  tsType: number;
  data: Uint8Array;
}

export type TrafficSelector = AddressRangeSelector | OpaqueSelector;

/** RFC 7296 section 3.13: Traffic Selector (TSi / TSr). */
export interface TsPayload extends PayloadBase {
  type: typeof PayloadType.TSi | typeof PayloadType.TSr;
  selectors: TrafficSelector[];
}

/**
 * RFC 7296 section 3.14: Encrypted and Authenticated, kept opaque until the crypto layer opens it.
 * The generic header's Next Payload is the type of the first inner payload.
 */
export interface SkPayload extends PayloadBase {
  type: typeof PayloadType.SK;
  firstPayload: number;
  /** Initialization Vector || Encrypted IKE Payloads (with padding) || Integrity Checksum Data. */
  data: Uint8Array;
}

/** RFC 7383 section 2.5: Encrypted and Authenticated Fragment. */
export interface SkfPayload extends PayloadBase {
  type: typeof PayloadType.SKF;
  /** First inner payload type in fragment 1; RFC 7383 says zero in the other fragments. */
  firstPayload: number;
  fragmentNumber: number;
  totalFragments: number;
  data: Uint8Array;
}

/** RFC 7296 section 3.15.1: a Configuration Attribute. */
export interface CfgAttribute {
  /** Attribute Type (15 bits), see CfgAttributeType. */
  type: number;
  value: Uint8Array;
}

/** RFC 7296 section 3.15: Configuration. */
export interface CpPayload extends PayloadBase {
  type: typeof PayloadType.CP;
  /** CFG Type, see CfgType. */
  cfgType: number;
  attributes: CfgAttribute[];
}

/** RFC 7296 section 3.16: EAP, carrying one EAP message (RFC 3748 section 4). */
export interface EapPayload extends PayloadBase {
  type: typeof PayloadType.EAP;
  /** Code, see EapCode. */
  code: number;
  identifier: number;
  /** Type, present for Request and Response (and RFC 6696 Initiate/Finish). */
  eapType?: number;
  /** Type-Data (or, for unknown codes, everything after Length). */
  data: Uint8Array;
}

/**
 * A payload type this codec does not know. RFC 7296 section 2.5: skipped and kept when its critical
 * bit is clear; an error (UNSUPPORTED_CRITICAL_PAYLOAD) when set.
 */
export interface UnknownPayloadV2 {
  type: 'UNKNOWN';
  payloadType: number;
  critical: boolean;
  body: Uint8Array;
}

/** Every payload the codec knows. Extended by each payload module. */
export type KnownPayloadV2 =
  | SaPayload
  | KePayload
  | IdPayload
  | CertPayload
  | CertReqPayload
  | AuthPayload
  | NoncePayload
  | NotifyPayload
  | DeletePayload
  | VendorIdPayload
  | TsPayload
  | SkPayload
  | CpPayload
  | EapPayload
  | SkfPayload;

export type PayloadV2 = KnownPayloadV2 | UnknownPayloadV2;

/** The payload of a given wire type. */
export type PayloadOfType<T extends number> = Extract<KnownPayloadV2, { type: T }>;
