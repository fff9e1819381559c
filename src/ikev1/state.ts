/**
 * What the endpoint remembers: ISAKMP SAs (phase 1), the Quick Mode exchanges running on them and
 * the IPsec SAs they produced, plus the per-call context that collects datagrams and events.
 */
import type { KeyExchangeState, RandomSource } from '../crypto/provider.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { toHex } from '../util/bytes.js';
import type { Phase1Policy, Phase2Policy } from './algorithms.js';
import type { CompiledConfigV1 } from './config.js';
import type { ClientId } from './ids.js';
import type { Phase1Keys } from './protection.js';
import type { Address, Datagram, IkeEventV1, NatState, OutputV1 } from './types.js';

/** A message exchange that may need its last message retransmitted (RFC 2408 section 5: retransmission timers). */
export interface Exchange {
  /** The peer's last message, byte for byte: a copy of it means ours was lost. */
  lastIn?: Uint8Array;
  /** What we sent last in this exchange (resent when its timer runs out). */
  lastOut?: Datagram[];
  /** What we sent in answer to lastIn, if anything (resent when lastIn comes again). */
  replyOut?: Datagram[];
  /** Pending retransmission of lastOut while a reply is awaited. */
  retx?: { at: number; tries: number; interval: number };
}

export type Phase1State =
  | 'IKE_I_MM1'
  | 'IKE_I_MM3'
  | 'IKE_I_MM5'
  | 'IKE_R_MM2'
  | 'IKE_R_MM4'
  | 'IKE_I_AM1'
  | 'IKE_R_AM2'
  | 'IKE_P1_COMPLETE'
  | 'IKE_DELETED';

export interface IpsecSa {
  id: string;
  spiIn: Uint8Array;
  spiOut: Uint8Array;
  policy: Phase2Policy;
  encapsulation: number;
  localTs: ClientId;
  remoteTs: ClientId;
  establishedAt: number;
  expiresAt: number;
  /** When the side that ran its Quick Mode starts the replacement (config child.rekeyTime). */
  rekeyAt?: number;
  /** A replacement Quick Mode is under way or done. */
  rekeying?: boolean;
}

export interface QuickMode extends Exchange {
  messageId: number;
  initiator: boolean;
  state: 'QM_I_QM1' | 'QM_R_QM2' | 'QM_I_CONNECTED' | 'QM_DONE';
  /** IV chain of this exchange (RFC 2409 Appendix B). */
  iv: Uint8Array;
  spiOwn: Uint8Array;
  spiPeer?: Uint8Array;
  ni: Uint8Array;
  nr?: Uint8Array;
  ke?: KeyExchangeState;
  gqmxy?: Uint8Array;
  idci: ClientId;
  idcr: ClientId;
  /** Whether IDci/IDcr travelled (RFC 2409 section 5.5: absent means the phase 1 addresses). */
  sentIds: boolean;
  policy?: Phase2Policy;
  encapsulation: number;
  lifetime: number;
  /** The IPsec SA this Quick Mode replaces. */
  rekeyOf?: string;
  /** RFC 2408 section 3.1: the responder set the commit bit; the SA is up at CONNECTED. */
  commit: boolean;
  child?: IpsecSa;
  startedAt: number;
}

export interface IsakmpSa extends Exchange {
  id: string;
  cfg: CompiledConfigV1;
  initiator: boolean;
  mode: 'main' | 'aggressive';
  state: Phase1State;
  ckyI: Uint8Array;
  ckyR: Uint8Array;
  local: Address;
  remote: Address;
  /** The peer sent us the non-ESP marker (RFC 3948 section 2.2), so it expects it back. */
  peerMarker: boolean;
  /** We moved to the NAT-T ports (RFC 3947 section 4). */
  floated: boolean;
  /** Both sides sent the RFC 3947 Vendor ID (RFC 3947 section 3.1). */
  natT: boolean;
  /** The peer sent the RFC 3706 Vendor ID. */
  dpd: boolean;
  /** Names of the Vendor IDs the peer sent (RFC 2408 section 3.16), hex for unknown ones. */
  peerVendorIds: string[];
  nat: NatState;
  /** SAi_b: the initiator's SA payload body, for HASH_I / HASH_R. */
  saiB?: Uint8Array;
  policy?: Phase1Policy;
  lifetime: number;
  ke?: KeyExchangeState;
  gxi?: Uint8Array;
  gxr?: Uint8Array;
  ni?: Uint8Array;
  nr?: Uint8Array;
  /** IDii_b / IDir_b as sent or received (payload bodies). */
  idiiB?: Uint8Array;
  idirB?: Uint8Array;
  keys?: Phase1Keys;
  /** IV chain during phase 1. */
  iv?: Uint8Array;
  /** Responder: MM5 decrypted, so the keys are shared and a failure can be reported encrypted. */
  mm5Opened?: boolean;
  /** RFC 2409 Appendix B: the last CBC output block of phase 1, seed of every later exchange's IV. */
  lastPhase1Block?: Uint8Array;
  localId: string;
  remoteId?: string;
  createdAt: number;
  establishedAt?: number;
  expiresAt?: number;
  lastHeard: number;
  quickModes: Map<number, QuickMode>;
  children: Map<string, IpsecSa>;
  dpdSeq: number;
  dpdPending?: Exchange & { seq: number };
  keepaliveAt?: number;
  /** Initiator: when a new phase 1 replaces this one (config ike.rekeyTime). */
  rekeyAt?: number;
  /** The ISAKMP SA this one replaces, and the one that replaced it. */
  replaces?: string;
  replacedBy?: string;
  /** The deadline the endpoint's timer queue holds for this SA, if any. */
  timerAt?: number;
  /** We send INITIAL-CONTACT in MM5 (RFC 2407 section 4.6.3.3): the first SA with this peer. */
  initialContact: boolean;
  /** The peer sent INITIAL-CONTACT (RFC 2407 section 4.6.3.3). */
  peerInitialContact?: boolean;
  /** Quick Modes requested before phase 1 completed. */
  pendingQuickModes: number;
}

export interface ResolvedOptions {
  markerPolicy: 'not-port-500' | 'nat-t-port-only';
  commitBit: boolean;
  provider: CryptoProvider;
  random: RandomSource;
  trace: boolean;
  keylog: boolean;
  retransmitBase: number;
  retransmitTries: number;
  halfOpenTimeout: number;
}

/** Collects one call's output. */
export class Context {
  readonly out: OutputV1 = { datagrams: [], events: [] };
  constructor(
    readonly opts: ResolvedOptions,
    /** Hands out the endpoint's sequential SA names ("isakmp-1", "ipsec-1"). */
    readonly newId: (prefix: string) => string,
  ) {}

  get provider(): CryptoProvider {
    return this.opts.provider;
  }

  random(n: number): Uint8Array {
    const b = this.opts.random(n);
    if (b.length !== n) throw new RangeError(`random source returned ${b.length} bytes, wanted ${n}`);
    return b;
  }

  emit(e: IkeEventV1): void {
    this.out.events.push(e);
  }

  trace(text: string | (() => string)): void {
    if (this.opts.trace) this.out.events.push({ event: 'trace', text: typeof text === 'string' ? text : text() });
  }

  send(d: Datagram): void {
    this.out.datagrams.push(d);
  }
}

export function hex(b: Uint8Array | undefined): string {
  return b ? toHex(b) : '';
}

/**
 * Whether a message to the peer carries the non-ESP marker (RFC 3948 section 2.2, RFC 3947 section
 * 4): always once we floated or the peer marks its messages; with 'not-port-500' (strongSwan's
 * convention, which charon on custom ports requires) also on any port other than 500.
 */
export function markerFor(policy: ResolvedOptions['markerPolicy'], sa: IsakmpSa): boolean {
  if (sa.floated || sa.peerMarker || sa.local.port === sa.cfg.nattPortLocal) return true;
  return policy === 'not-port-500' && sa.local.port !== 500;
}

/** Sends `data` on the SA's current path and records it for retransmission (RFC 2408 section 5). */
export function sendOn(ctx: Context, sa: IsakmpSa, ex: Exchange, data: Uint8Array, now: number, awaitReply: boolean): void {
  const d: Datagram = { data, local: { ...sa.local }, remote: { ...sa.remote }, marker: markerFor(ctx.opts.markerPolicy, sa) };
  ex.lastOut = [d];
  ex.retx = awaitReply ? { at: now + ctx.opts.retransmitBase, tries: 0, interval: ctx.opts.retransmitBase } : undefined;
  ctx.send(d);
}
