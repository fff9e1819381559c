/** What an IKE SA needs from the endpoint that runs it, for the duration of one call. */
import type { CryptoProvider, RandomSource } from '../crypto/provider.js';
import type { IkeSa } from './ike-sa.js';
import type { IkeConfig } from './policy.js';
import type { IkeEvent, Output, SpiPartition } from './types.js';

export interface SessionLimits {
  retransmitBase: number;
  retransmitTries: number;
  maxFragments: number;
  maxReassembledBytes: number;
  halfOpenTimeout: number;
}

/**
 * When a datagram carries the RFC 3948 non-ESP marker. 'not-port-500' (strongSwan's convention):
 * everything sent from a port other than 500, since such a port may be shared with ESP-in-UDP
 * (and the peer expects the marker on any port but 500; through a NAT the two agree).
 * 'nat-t-port-only' (RFC 7296 section 2.23 read narrowly): only to or from the NAT-T ports.
 */
export type MarkerPolicy = 'not-port-500' | 'nat-t-port-only';

/** Whether a datagram between these ports carries the marker under `policy`. */
export function markerFor(policy: MarkerPolicy, localPort: number, received = false): boolean {
  return policy === 'not-port-500' ? localPort !== 500 : received;
}

export interface SessionContext {
  markerPolicy: MarkerPolicy;
  provider: CryptoProvider;
  random: RandomSource;
  trace: boolean;
  keylog: boolean;
  limits: SessionLimits;
  configs: IkeConfig[];
  out: Output;
  emit(e: IkeEvent): void;
  newIkeSaId(): string;
  newChildSaId(): string;
  /** Indexes an IKE SA by its current local SPI (after IKE_SA_INIT or a rekey). */
  index(sa: IkeSa): void;
  /** Removes an IKE SA from every index. */
  forget(sa: IkeSa): void;
  /** Every IKE SA the endpoint holds. */
  sas(): Iterable<IkeSa>;
  /** Established IKE SAs (not yet closed) whose config is `config`. */
  establishedWith(config: IkeConfig): Iterable<IkeSa>;
  /** Established IKE SAs (not yet closed) whose peer authenticated as `remoteId` (as idText formats it). */
  establishedAs(remoteId: string): Iterable<IkeSa>;
  /** An IKE SA came up (IKE_AUTH or rekey): remoteId and config are final. */
  established(sa: IkeSa): void;
  /** setState moved `sa` out of `previous`. */
  stateChanged?(sa: IkeSa, previous: string): void;
  /** The first octet of every IKE SPI we draw is congruent to index modulo count (EndpointOptions.spiPartition). */
  spiPartition?: SpiPartition;
  /** A virtual IP for this IKE SA from the responder's pool, with the DNS servers to announce. */
  leaseAddress?(ikeSaId: string): { address: string; dns: string[] } | undefined;
}
