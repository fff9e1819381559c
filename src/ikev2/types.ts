/** The session's public types: what goes in and out of the sans-IO endpoint. */
import type { CryptoProvider, RandomSource } from '../crypto/provider.js';
import type { IkeConfig } from './policy.js';

export interface Address {
  address: string;
  port: number;
}

/**
 * One UDP datagram. `data` never includes the RFC 3948 non-ESP marker; `marker` says whether it
 * was (or must be) prefixed with it.
 */
export interface Datagram {
  data: Uint8Array;
  local: Address;
  remote: Address;
  marker?: boolean;
}

export interface NatState {
  /** We are behind a NAT (the peer's DESTINATION_IP hash does not match our address). */
  local: boolean;
  /** The peer is behind a NAT (its SOURCE_IP hashes do not match where the packet came from). */
  remote: boolean;
}

export type IkeEvent =
  | {
      event: 'ike-sa-up';
      ikeSaId: string;
      spiI: string;
      spiR: string;
      initiator: boolean;
      local: Address;
      remote: Address;
      localId: string;
      remoteId: string;
      algorithms: string;
      natDetected: NatState;
    }
  | {
      event: 'child-sa-up';
      ikeSaId: string;
      childSaId: string;
      spiIn: string;
      spiOut: string;
      localTs: string[];
      remoteTs: string[];
      mode: string;
      algorithms: string;
      /** INTERNAL_IP4_ADDRESS etc. from a CFG_REPLY, when a virtual IP was requested. */
      virtualIps?: string[];
      /** The child SA this one replaces, after a rekey. */
      rekeyOf?: string;
    }
  | { event: 'ike-sa-rekeyed'; ikeSaId: string; newIkeSaId: string; spiI: string; spiR: string }
  | { event: 'child-sa-rekeyed'; ikeSaId: string; childSaId: string; newChildSaId: string }
  | { event: 'child-sa-down'; ikeSaId: string; childSaId: string; spiIn: string; spiOut: string; reason: string }
  | { event: 'ike-sa-down'; ikeSaId: string; reason: string }
  | { event: 'error'; ikeSaId?: string; notify?: string; message: string }
  /** A weak algorithm (RFC 8247 / RFC 8221 MUST NOT or SHOULD NOT) was negotiated because the config allows it. */
  | { event: 'warning'; ikeSaId?: string; childSaId?: string; message: string }
  | { event: 'trace'; text: string }
  | {
      event: 'keys';
      kind: 'ike';
      ikeSaId: string;
      spiI: string;
      spiR: string;
      encr: string;
      integ: string;
      SK_ei: string;
      SK_er: string;
      SK_ai: string;
      SK_ar: string;
    }
  | {
      event: 'keys';
      kind: 'child';
      ikeSaId: string;
      childSaId: string;
      protocol: 'esp';
      /** SPI of the SA carrying initiator-to-responder traffic, and its keys. */
      spiItoR: string;
      spiRtoI: string;
      encr: string;
      integ: string;
      encrKeyItoR: string;
      integKeyItoR: string;
      encrKeyRtoI: string;
      integKeyRtoI: string;
    }
  /** IKEv1 (RFC 2409 Appendix B): the phase 1 encryption key, for Wireshark's ikev1_decryption_table. */
  | { event: 'keys'; kind: 'isakmp'; ikeSaId: string; spiI: string; spiR: string; encr: string; encryptionKey: string };

export interface Output {
  datagrams: Datagram[];
  events: IkeEvent[];
  /** initiate(): the IKE SA it started. */
  ikeSaId?: string;
}

export interface ChildSaStatus {
  childSaId: string;
  state: string;
  spiIn: string;
  spiOut: string;
  algorithms: string;
  mode: string;
  localTs: string[];
  remoteTs: string[];
  pfsGroup?: string;
  establishedAt: number;
  rekeyAt?: number;
  expiresAt?: number;
}

export interface SaStatus {
  ikeSaId: string;
  name?: string;
  state: string;
  initiator: boolean;
  spiI: string;
  spiR: string;
  /** Our SPI (SPIi when we are the original initiator) and the peer's. */
  localSpi?: string;
  remoteSpi?: string;
  local: Address;
  remote: Address;
  localId: string;
  remoteId?: string;
  algorithms?: string;
  encr?: string;
  encrKeyBits?: number;
  integ?: string;
  prf?: string;
  dhGroup?: string;
  authMethod: string;
  establishedAt?: number;
  rekeyAt?: number;
  expiresAt?: number;
  messageIds: { nextRequest: number; expectedRequest: number };
  window: number;
  nat: NatState;
  fragmentation: boolean;
  children: ChildSaStatus[];
}

export interface EndpointOptions {
  provider: CryptoProvider;
  configs: IkeConfig[];
  /** Randomness for SPIs, nonces, KE private values, IVs and jitter; defaults to provider.randomBytes. */
  random?: RandomSource;
  trace?: boolean;
  keylog?: boolean;
  /** RFC 7296 section 2.6: answer with a COOKIE once this many responder SAs are half open. */
  cookieThreshold?: number;
  /** RFC 7296 section 2.4: the first retransmission interval in ms (doubled each time). */
  retransmitBase?: number;
  /**
   * Responder: virtual IPv4 addresses for peers that send a CFG_REQUEST (RFC 7296 section 2.19),
   * e.g. { ipv4: '10.3.0.0/24', dns: ['10.3.0.1'] }; without it CFG_REQUESTs are not answered.
   */
  addressPool?: { ipv4: string; dns?: string[] };
  /** Half-open responder SAs kept at most; beyond it new IKE_SA_INIT requests are dropped (default 1000). */
  maxHalfOpen?: number;
  /**
   * Half-open responder SAs kept at most per peer IP address (default: only maxHalfOpen applies).
   * Beyond it that address's IKE_SA_INIT requests make no state, as above maxHalfOpen.
   */
  maxHalfOpenPerPeer?: number;
  /** Retransmissions before giving up on a request. */
  retransmitTries?: number;
  /** RFC 7296 section 2.21.4: answer requests for unknown SPIs with INVALID_IKE_SPI. */
  answerUnknownSpi?: boolean;
  /** RFC 7383 section 2.5.2: reassembly limits. */
  maxFragments?: number;
  maxReassembledBytes?: number;
  /**
   * When to send the RFC 3948 non-ESP marker: 'not-port-500' (default, as strongSwan does: on
   * every datagram sent from a port other than 500) or 'nat-t-port-only' (to or from the NAT-T ports).
   */
  nonEspMarker?: 'not-port-500' | 'nat-t-port-only';
  /** How long a half-open SA or an incomplete reassembly may live, in ms. */
  halfOpenTimeout?: number;
  /**
   * Draw every IKE SPI of ours (as responder and as initiator, new and rekeyed SAs) so that its
   * first octet is congruent to `index` modulo `count`: several endpoints sharing one address then
   * each own the SAs whose local SPI falls in their partition (src/node/cluster routes by it).
   * `count` is 1 to 256, `index` 0 to count - 1.
   */
  spiPartition?: SpiPartition;
}

export interface SpiPartition {
  index: number;
  count: number;
}
