/**
 * The IKEv1 endpoint's public types. Address, Datagram and NatState are the IKEv2 session's own
 * (src/ikev2/types.ts) and OutputV1 has the shape of its Output, so that one transport drives either
 * endpoint.
 */
import type { CryptoProvider, RandomSource } from '../crypto/provider.js';
import type { Address, Datagram, NatState } from '../ikev2/types.js';
import type { IkeConfigV1 } from './config.js';

export type { Address, Datagram, NatState } from '../ikev2/types.js';

export type IkeEventV1 =
  | {
      event: 'ike-sa-up';
      ikeSaId: string;
      /** CKY-I and CKY-R in hex: the ISAKMP SA's SPI pair (RFC 2408 section 3.1). */
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
      /** The IPsec SA this one replaces, after a rekey. */
      rekeyOf?: string;
    }
  | { event: 'ike-sa-rekeyed'; ikeSaId: string; newIkeSaId: string; spiI: string; spiR: string }
  | { event: 'child-sa-rekeyed'; ikeSaId: string; childSaId: string; newChildSaId: string }
  | { event: 'child-sa-down'; ikeSaId: string; childSaId: string; spiIn: string; spiOut: string; reason: string }
  | { event: 'ike-sa-down'; ikeSaId: string; reason: string }
  | { event: 'error'; ikeSaId?: string; notify?: string; message: string }
  /** A weak algorithm (RFC 8247 / RFC 8221) negotiated because the config allows it, or Aggressive Mode with a pre-shared key. */
  | { event: 'warning'; ikeSaId?: string; childSaId?: string; message: string }
  | { event: 'trace'; text: string }
  | {
      event: 'keys';
      kind: 'isakmp';
      ikeSaId: string;
      /** Wireshark's IKEv1 decryption table: Initiator's COOKIE and Encryption Key. */
      spiI: string;
      spiR: string;
      encr: string;
      encryptionKey: string;
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
    };

export interface OutputV1 {
  datagrams: Datagram[];
  events: IkeEventV1[];
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
