/** The messages between the dispatcher (main thread) and the endpoint workers. */
import type { IkeConfig } from '../../config/index.js';
import type { Address, EndpointOptions, IkeEvent, SaStatus } from '../../ikev2/index.js';

/** Endpoint options that can cross a thread boundary (no functions, no provider objects). */
export type ClusterEndpointOptions = Partial<Omit<EndpointOptions, 'provider' | 'configs' | 'random' | 'spiPartition'>>;

export type ProviderName = 'node' | 'pure';

export interface WorkerSetup {
  index: number;
  count: number;
  configs: IkeConfig[];
  provider: ProviderName;
  endpoint: ClusterEndpointOptions;
  trace: boolean;
  keys: boolean;
  /** The dispatcher's performance.timeOrigin: the workers' clocks read as the dispatcher's performance.now(). */
  timeOrigin: number;
  /** One counter per worker (Int32): datagrams it has taken in; the dispatcher compares it with what it sent. */
  consumed: SharedArrayBuffer;
}

/** A datagram whose octets are `length` octets of `buffer` from `offset`; the buffer is transferred. */
export interface WireDatagram {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
  local: Address;
  remote: Address;
  marker: boolean;
}

/** Endpoint operations a worker runs on request; `arg` is the config name, IKE SA or CHILD SA id. */
export type Operation = 'initiate' | 'createChildSa' | 'rekeyChildSa' | 'rekeyIkeSa' | 'deleteChildSa' | 'deleteIkeSa' | 'checkLiveness';

/** Requests that get a reply with the same id. */
export type WorkerRequest = { t: 'call'; op: Operation; arg?: string } | { t: 'status' } | { t: 'close'; graceMs: number };

export type ToWorker = { t: 'datagram'; d: WireDatagram } | (WorkerRequest & { id: number });

export type FromWorker =
  | { t: 'ready' }
  | { t: 'output'; datagrams: WireDatagram[]; events: IkeEvent[] }
  | { t: 'reply'; id: number; error?: string; ikeSaId?: string; status?: SaStatus[] };
