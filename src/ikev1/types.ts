/**
 * The IKEv1 endpoint's public types. Address, Datagram and NatState are the IKEv2 session's own
 * (src/ikev2/types.ts) and OutputV1 has the shape of its Output, so that one transport drives either
 * endpoint.
 */
import type { CryptoProvider, RandomSource } from '../crypto/provider.js';
import type { Address, Datagram, NatState } from '../ikev2/types.js';
import type { IkeConfigV1 } from './config.js';

export type { Address, Datagram, NatState } from '../ikev2/types.js';
import type { IkeEvent } from '../ikev2/types.js';

/** IKEv1 events are the IKEv2 session's events (phase 1 = ike-sa-*, phase 2 = child-sa-*; keys kind 'isakmp'). */
export type IkeEventV1 = IkeEvent;

export interface OutputV1 {
  datagrams: Datagram[];
  events: IkeEventV1[];
  /** initiate(): the ISAKMP SA it started. */
  ikeSaId?: string;
}

export interface IpsecSaStatusV1 {
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
  expiresAt?: number;
  /** Seconds until expiry at the time of the status() call's `now`, when one was given. */
  lifetimeLeft?: number;
}

export interface IsakmpSaStatusV1 {
  ikeSaId: string;
  name?: string;
  /** IKE_I_MM1 ... IKE_P1_COMPLETE style state name. */
  state: string;
  mode: 'main' | 'aggressive';
  initiator: boolean;
  spiI: string;
  spiR: string;
  local: Address;
  remote: Address;
  localId: string;
  remoteId?: string;
  algorithms?: string;
  authMethod: string;
  establishedAt?: number;
  expiresAt?: number;
  lifetimeLeft?: number;
  nat: NatState;
  dpd: boolean;
  /** Vendor IDs the peer sent, by name (hex when unknown). */
  peerVendorIds: string[];
  children: IpsecSaStatusV1[];
}

export interface EndpointOptionsV1 {
  provider: CryptoProvider;
  configs: IkeConfigV1[];
  /** Randomness for cookies, SPIs, nonces, KE private values and message IDs; defaults to provider.randomBytes. */
  random?: RandomSource;
  trace?: boolean;
  keylog?: boolean;
  /**
   * RFC 2408 section 3.1: set the Commit bit in our QM1, asking the responder to confirm with a
   * CONNECTED notify before we use the IPsec SA (RFC 2409 section 5.5). Off by default.
   */
  commitBit?: boolean;
  /** First retransmission interval in ms, doubled at each try (default 4000). */
  retransmitBase?: number;
  /** Retransmissions before an exchange is given up (default 5). */
  retransmitTries?: number;
  /**
   * When to send the RFC 3948 non-ESP marker: 'not-port-500' (default, as strongSwan does and as
   * the IKEv2 endpoint does: on every datagram sent from a port other than 500) or 'nat-t-port-only'.
   */
  nonEspMarker?: 'not-port-500' | 'nat-t-port-only';
  /**
   * RFC 2407 section 4.6.3.3: send INITIAL-CONTACT when we start the first ISAKMP SA with a peer
   * (default true; never on a rekey or while another SA with the peer exists).
   */
  initialContact?: boolean;
  /** Half-open responder ISAKMP SAs kept at most; further MM1/AM1 are dropped (default 1000). */
  maxHalfOpen?: number;
  /** How long a half-open ISAKMP SA may live, in ms (default 60000). */
  halfOpenTimeout?: number;
}
