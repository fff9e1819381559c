/**
 * One IKE SA (RFC 7296 section 1): state, keys, the two Message ID windows (size 1, section 2.3),
 * the request in flight with its retransmissions (section 2.4), the cached last response (section
 * 2.1), Child SAs, and a queue of exchanges to run one after the other.
 */
import { IkeError, isIkeError } from '../errors.js';
import type { KeyExchangeState } from '../crypto/provider.js';
import { ExchangeType, NotifyType, PayloadType } from '../payloads/iana/ikev2.js';
import { describeMessageV2, describePayloadV2 } from '../payloads/ikev2/describe.js';
import type { IkeV2Header } from '../payloads/ikev2/header.js';
import type { IkeV2Message } from '../payloads/ikev2/message.js';
import type { PayloadV2, Proposal } from '../payloads/ikev2/types.js';
import { concatBytes, toHex, wipe } from '../util/bytes.js';
import { wipeChildKeys } from './lifecycle.js';
import type { ChildRequestPlan, ChildSa } from './child-sa.js';
import { markerFor, type SessionContext } from './context.js';
import { notify } from './payloads.js';
import type { IkeConfig } from './policy.js';
import { decodeInner, protectMessage, unprotectMessage, type SaCrypto } from './protection.js';
import type { Address, Datagram, NatState } from './types.js';

export type IkeSaState =
  | 'CREATED'
  | 'INIT_SENT'
  | 'INIT_DONE'
  | 'AUTH_SENT'
  | 'ESTABLISHED'
  | 'REKEYING'
  | 'REKEYED'
  | 'DELETING'
  | 'CLOSED';

/** One exchange we initiate: builds the request and processes the response (strongSwan calls these tasks). */
export interface Task {
  name: string;
  exchangeType: number;
  /** The request's inner payloads; undefined when the task no longer applies. */
  build(sa: IkeSa, ctx: SessionContext, now: number): PayloadV2[] | undefined;
  process(sa: IkeSa, ctx: SessionContext, payloads: PayloadV2[], now: number): void;
  /** The request was never answered. */
  abandon?(sa: IkeSa, ctx: SessionContext, now: number): void;
}

interface InFlight {
  messageId: number;
  exchangeType: number;
  datagrams: Datagram[];
  task?: Task;
  tries: number;
  nextAt: number;
}

interface Reassembly {
  messageId: number;
  response: boolean;
  total: number;
  first: number;
  parts: Map<number, Uint8Array>;
  bytes: number;
  startedAt: number;
}

/** What the initiator keeps between IKE_SA_INIT attempts (COOKIE and INVALID_KE_PAYLOAD retries). */
export interface InitiatorInit {
  proposals: Proposal[];
  group: number;
  ke: KeyExchangeState;
  cookie?: Uint8Array;
  retries: number;
}

/** The RFC 7296 section 2.23 default NAT-T port: 4500 beside 500, otherwise the next port. */
export function defaultNattPort(port: number): number {
  return port === 500 ? 4500 : port + 1;
}

export class IkeSa {
  state: IkeSaState = 'CREATED';
  spiI: Uint8Array<ArrayBufferLike>;
  spiR: Uint8Array<ArrayBufferLike> = new Uint8Array(8);
  local: Address;
  remote: Address;
  readonly localNattPort: number;
  readonly remoteNattPort: number;
  /** The last authenticated datagram from the peer came with the non-ESP marker. */
  peerMarker = false;
  nat: NatState = { local: false, remote: false };
  /** Both sides sent IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 section 2.3). */
  fragmentation = false;
  crypto?: SaCrypto;
  /** The IKE proposal in force. */
  chosen?: Proposal;
  ni: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  nr: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  /** The IKE_SA_INIT messages as sent, signed by AUTH (RFC 7296 section 2.15). */
  initRequest?: Uint8Array;
  initResponse?: Uint8Array;
  init?: InitiatorInit;
  /** The first Child SA, negotiated inside IKE_AUTH. */
  authChild?: ChildRequestPlan;
  remoteId?: string;
  localId: string;
  nextRequestId = 0;
  expectedRequestId = 0;
  inFlight?: InFlight;
  lastResponse?: { messageId: number; datagrams: Datagram[] };
  tasks: Task[] = [];
  children = new Map<string, ChildSa>();
  reassembly?: Reassembly;
  createdAt: number;
  establishedAt?: number;
  rekeyAt?: number;
  expiresAt?: number;
  dpdAt?: number;
  /** RFC 3948 section 4: next NAT keepalive, when we are behind a NAT. */
  keepaliveAt?: number;
  lastHeard: number;
  /** Set on the old SA once a rekey has created its successor (RFC 7296 section 2.18). */
  successor?: IkeSa;
  /** A rekey we initiated and the nonce we sent, for collision handling (RFC 7296 section 2.8.1). */
  rekeyNonce?: Uint8Array;
  /** The peer rekeyed this IKE SA while our own rekey was in flight (RFC 7296 section 2.8.2). */
  peerRekey?: { low: Uint8Array; successor: IkeSa };
  downReason?: string;
  /** The deadline the endpoint's timer queue holds for this SA. */
  timerAt?: number;
  /** The endpoint's key for matching retransmitted IKE_SA_INIT requests (responder). */
  initKey?: string;

  constructor(
    readonly id: string,
    public config: IkeConfig,
    /** Original initiator of this IKE SA (the I flag; for a rekeyed SA, who initiated the rekey). */
    readonly initiator: boolean,
    local: Address,
    remote: Address,
    now: number,
    spiI: Uint8Array,
  ) {
    this.spiI = spiI;
    this.local = { ...local };
    this.remote = { ...remote };
    this.localNattPort = config.local.nattPort ?? defaultNattPort(config.local.port);
    this.remoteNattPort = config.remote.nattPort ?? defaultNattPort(config.remote.port);
    this.localId = config.local.id;
    this.createdAt = now;
    this.lastHeard = now;
  }

  /** The SA that now holds this one's Child SAs: itself, or its latest successor after rekeys. */
  current(): IkeSa {
    let sa: IkeSa = this;
    for (let i = 0; sa.successor && i < 64; i++) sa = sa.successor;
    return sa;
  }

  get localSpi(): Uint8Array {
    return this.initiator ? this.spiI : this.spiR;
  }

  get name(): string {
    return `IKE_SA ${this.id}`;
  }

  setState(ctx: SessionContext, next: IkeSaState): void {
    if (next === this.state) return;
    if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} state: ${this.state} -> ${next}` });
    const previous = this.state;
    this.state = next;
    ctx.stateChanged?.(this, previous);
  }

  header(exchangeType: number, messageId: number, response: boolean): IkeV2Header {
    return {
      spiI: this.spiI,
      spiR: this.spiR,
      majorVersion: 2,
      minorVersion: 0,
      exchangeType,
      flags: { initiator: this.initiator, version: false, response },
      messageId,
    };
  }

  /**
   * RFC 7296 section 2.23: every message to or from the NAT-T port carries the non-ESP marker, and
   * so does everything sent to a peer that uses it.
   */
  useMarker(ctx: SessionContext, local: Address = this.local, remote: Address = this.remote): boolean {
    if (ctx.markerPolicy === 'not-port-500') return markerFor(ctx.markerPolicy, local.port);
    return local.port === this.localNattPort || remote.port === this.remoteNattPort || this.peerMarker;
  }

  datagram(ctx: SessionContext, data: Uint8Array, local = this.local, remote = this.remote): Datagram {
    return { data, local: { ...local }, remote: { ...remote }, marker: this.useMarker(ctx, local, remote) };
  }

  traceMessage(ctx: SessionContext, direction: 'sending' | 'received', msg: IkeV2Message, inner?: PayloadV2[], peer?: Address): void {
    if (!ctx.trace) return;
    const where = peer ?? this.remote;
    const head = `${this.name} ${direction} ${direction === 'sending' ? 'to' : 'from'} ${where.address}:${where.port}`;
    const body = inner ? `\n  decrypted:\n${inner.map((p) => describePayloadV2(p, '    ')).join('\n')}` : '';
    ctx.emit({ event: 'trace', text: `${head}\n${describeMessageV2(msg)}${body}` });
  }

  private mtu(): number | undefined {
    const f = this.config.ike.fragmentation;
    return this.fragmentation && f ? f.mtu : undefined;
  }

  private seal(ctx: SessionContext, header: IkeV2Header, payloads: PayloadV2[]): Uint8Array[] {
    if (!this.crypto) throw new IkeError('INTERNAL_ERROR', 'no keys yet');
    const mtu = header.exchangeType === ExchangeType.IKE_SA_INIT ? undefined : this.mtu();
    return protectMessage(this.crypto, header, payloads, ctx.random, mtu, this.local.address.includes(':'));
  }

  private traceOut(ctx: SessionContext, header: IkeV2Header, payloads: PayloadV2[], remote: Address): void {
    if (!ctx.trace) return;
    const outer: IkeV2Message = { header, payloads: [{ type: PayloadType.SK, firstPayload: payloads[0] ? (payloads[0].type === 'UNKNOWN' ? payloads[0].payloadType : payloads[0].type) : 0, data: new Uint8Array(0) }] };
    this.traceMessage(ctx, 'sending', outer, payloads, remote);
  }

  /** Sends a request in the SA's next Message ID and keeps it for retransmission. */
  sendRequest(ctx: SessionContext, exchangeType: number, payloads: PayloadV2[], now: number, task?: Task): void {
    const header = this.header(exchangeType, this.nextRequestId, false);
    this.traceOut(ctx, header, payloads, this.remote);
    const datagrams = this.seal(ctx, header, payloads).map((d) => this.datagram(ctx, d));
    this.inFlight = { messageId: this.nextRequestId, exchangeType, datagrams, task, tries: 0, nextAt: now + ctx.limits.retransmitBase };
    this.nextRequestId = (this.nextRequestId + 1) >>> 0;
    ctx.out.datagrams.push(...datagrams);
  }

  /** Answers a request and keeps the answer for the peer's retransmissions (RFC 7296 section 2.1). */
  sendResponse(ctx: SessionContext, exchangeType: number, messageId: number, payloads: PayloadV2[], to: Datagram): void {
    const header = this.header(exchangeType, messageId, true);
    this.traceOut(ctx, header, payloads, to.remote);
    // RFC 7296 section 2.11: a response goes back to where the request came from.
    const datagrams = this.seal(ctx, header, payloads).map((d) => ({ data: d, local: { ...to.local }, remote: { ...to.remote }, marker: this.useMarker(ctx, to.local, to.remote) || (ctx.markerPolicy === 'nat-t-port-only' && !!to.marker) }));
    this.lastResponse = { messageId, datagrams };
    ctx.out.datagrams.push(...datagrams);
  }

  enqueue(ctx: SessionContext, task: Task, now: number, front = false): void {
    if (front) this.tasks.unshift(task);
    else this.tasks.push(task);
    this.startNext(ctx, now);
  }

  /** Starts the next queued exchange when none is in flight (window size 1, RFC 7296 section 2.3). */
  startNext(ctx: SessionContext, now: number): void {
    while (!this.inFlight && this.tasks.length && (this.state === 'ESTABLISHED' || this.state === 'REKEYING' || this.state === 'REKEYED' || this.state === 'DELETING' || this.state === 'INIT_DONE')) {
      const task = this.tasks.shift()!;
      let payloads: PayloadV2[] | undefined;
      try {
        payloads = task.build(this, ctx, now);
      } catch (e) {
        ctx.emit({ event: 'error', ikeSaId: this.id, message: `${task.name}: ${(e as Error).message}` });
        continue;
      }
      if (payloads) this.sendRequest(ctx, task.exchangeType, payloads, now, task);
    }
  }

  /** Handles a protected message (anything but IKE_SA_INIT) for this SA. */
  receiveProtected(ctx: SessionContext, dgram: Datagram, msg: IkeV2Message, now: number, respond: Responder): void {
    const h = msg.header;
    if (!this.crypto || this.state === 'CLOSED') return;
    // RFC 7296 section 3.1: the I flag names the original initiator, which is not us here.
    if (h.flags.initiator === this.initiator) return;
    if (h.flags.response) {
      if (!this.inFlight || h.messageId !== this.inFlight.messageId) return;
    } else if (h.messageId !== this.expectedRequestId) {
      const retransmit = this.lastResponse && h.messageId === this.lastResponse.messageId;
      if (!retransmit) return;
    }
    let opened;
    try {
      opened = unprotectMessage(this.crypto, dgram.data);
    } catch (e) {
      // An unauthenticated message changes nothing (RFC 7296 section 2.21).
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} dropped ${h.flags.response ? 'response' : 'request'} ${h.messageId}: ${(e as Error).message}` });
      return;
    }
    if (!h.flags.response && h.messageId !== this.expectedRequestId) {
      // RFC 7296 section 2.1 / RFC 7383 section 2.6.1: a retransmitted request gets the cached response again.
      if (opened.fragmentNumber === undefined || opened.fragmentNumber === 1) {
        if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} retransmitting response ${h.messageId}` });
        ctx.out.datagrams.push(...this.lastResponse!.datagrams);
      }
      return;
    }
    let plaintext = opened.plaintext;
    let first = opened.nextPayload;
    if (opened.payloadType === PayloadType.SKF) {
      const whole = this.reassemble(ctx, h.messageId, h.flags.response, opened.fragmentNumber!, opened.totalFragments!, opened.nextPayload, opened.plaintext, now);
      if (!whole) return;
      plaintext = whole.plaintext;
      first = whole.first;
    }
    this.lastHeard = now;
    this.peerMarker = !!dgram.marker;
    let payloads: PayloadV2[];
    try {
      payloads = decodeInner(plaintext, first);
    } catch (e) {
      const err = isIkeError(e) ? e : new IkeError('INVALID_SYNTAX', String(e));
      if (ctx.trace) this.traceMessage(ctx, 'received', msg, undefined, dgram.remote);
      if (!h.flags.response) {
        this.expectedRequestId = (h.messageId + 1) >>> 0;
        this.sendResponse(ctx, h.exchangeType, h.messageId, [notify(err.ikev2Notify ?? NotifyType.INVALID_SYNTAX, err.notifyData)], dgram);
      } else {
        this.failRequest(ctx, `response ${h.messageId} is malformed: ${err.message}`, now);
      }
      return;
    }
    if (ctx.trace) this.traceMessage(ctx, 'received', msg, payloads, dgram.remote);
    if (h.flags.response) {
      const flight = this.inFlight!;
      this.inFlight = undefined;
      try {
        flight.task?.process(this, ctx, payloads, now);
      } catch (e) {
        ctx.emit({ event: 'error', ikeSaId: this.id, message: `${flight.task?.name ?? 'exchange'}: ${(e as Error).message}` });
      }
      this.startNext(ctx, now);
      return;
    }
    // An authenticated request: the peer may have moved (RFC 7296 section 2.23).
    this.expectedRequestId = (h.messageId + 1) >>> 0;
    if ((dgram.remote.port !== this.remote.port || dgram.remote.address !== this.remote.address || dgram.local.port !== this.local.port)) {
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} peer moved to ${dgram.remote.address}:${dgram.remote.port}` });
      this.remote = { ...dgram.remote };
      this.local = { ...dgram.local };
    }
    const before = this.lastResponse;
    try {
      respond(this, ctx, h, payloads, dgram, now);
    } catch (e) {
      // Whatever went wrong, the request gets an answer, so that the peer's window moves on.
      const err = isIkeError(e) ? e : new IkeError('INTERNAL_ERROR', String(e));
      ctx.emit({ event: 'error', ikeSaId: this.id, notify: err.kind, message: `${ExchangeType.label(h.exchangeType)} request ${h.messageId}: ${err.message}` });
      if (this.lastResponse === before && (this.state as IkeSaState) !== 'CLOSED') {
        this.sendResponse(ctx, h.exchangeType, h.messageId, [notify(err.ikev2Notify ?? NotifyType.INVALID_SYNTAX)], dgram);
      }
    }
    this.startNext(ctx, now);
  }

  /** RFC 7383 section 2.6: fragments are verified one by one and put together once all are in. */
  private reassemble(
    ctx: SessionContext,
    messageId: number,
    response: boolean,
    n: number,
    total: number,
    nextPayload: number,
    plaintext: Uint8Array,
    now: number,
  ): { plaintext: Uint8Array; first: number } | undefined {
    if (total > ctx.limits.maxFragments) {
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} dropped fragment: ${total} fragments exceed the limit of ${ctx.limits.maxFragments}` });
      return undefined;
    }
    let r = this.reassembly;
    if (!r || r.messageId !== messageId || r.response !== response || (r.total !== total && total > r.total)) {
      r = { messageId, response, total, first: 0, parts: new Map(), bytes: 0, startedAt: now };
      this.reassembly = r;
    } else if (total < r.total) {
      // RFC 7383 section 2.6.2: a smaller Total Fragments is an older attempt; ignore it.
      return undefined;
    }
    if (r.parts.has(n)) return undefined;
    if (r.bytes + plaintext.length > ctx.limits.maxReassembledBytes) {
      this.reassembly = undefined;
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} dropped reassembly: more than ${ctx.limits.maxReassembledBytes} bytes` });
      return undefined;
    }
    r.parts.set(n, plaintext.slice());
    r.bytes += plaintext.length;
    if (n === 1) r.first = nextPayload;
    if (r.parts.size < r.total) return undefined;
    const parts: Uint8Array[] = [];
    for (let i = 1; i <= r.total; i++) parts.push(r.parts.get(i)!);
    this.reassembly = undefined;
    return { plaintext: concatBytes(...parts), first: r.first };
  }

  /** The request in flight failed for good: the exchange's own handler, else the SA goes down. */
  failRequest(ctx: SessionContext, reason: string, now: number): void {
    const flight = this.inFlight;
    this.inFlight = undefined;
    if (flight?.task?.abandon) flight.task.abandon(this, ctx, now);
    else this.close(ctx, reason);
  }

  /** RFC 7296 section 2.4: retransmit with exponential backoff, then give up on the SA. */
  timeout(ctx: SessionContext, now: number): void {
    const f = this.inFlight;
    if (f && now >= f.nextAt) {
      if (f.tries >= ctx.limits.retransmitTries) {
        if (this.state === 'DELETING' && f.task?.abandon) {
          // RFC 7296 section 1.4.1: the peer closes the IKE SA as it answers our Delete, so a lost
          // answer leaves our retransmissions unanswered; the SA ends as asked, which is no error.
          this.inFlight = undefined;
          f.task.abandon(this, ctx, now);
          return;
        }
        ctx.emit({ event: 'error', ikeSaId: this.id, message: `${ExchangeType.label(f.exchangeType)} request ${f.messageId} was not answered after ${f.tries} retransmissions` });
        this.inFlight = undefined;
        this.close(ctx, 'peer not responding');
        return;
      }
      f.tries++;
      f.nextAt = now + ctx.limits.retransmitBase * 2 ** f.tries;
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${this.name} retransmit ${f.tries} of ${ExchangeType.label(f.exchangeType)} request ${f.messageId}` });
      ctx.out.datagrams.push(...f.datagrams);
    }
    if (this.reassembly && now - this.reassembly.startedAt > ctx.limits.halfOpenTimeout) this.reassembly = undefined;
  }

  /** The earliest time timeout() has work for this SA (absolute ms), or undefined. */
  nextTimeout(halfOpenTimeout: number): number | undefined {
    let best = Infinity;
    const at = (t: number | undefined) => {
      if (t !== undefined && t < best) best = t;
    };
    at(this.inFlight?.nextAt);
    at(this.rekeyAt);
    at(this.expiresAt);
    at(this.dpdAt);
    at(this.keepaliveAt);
    if (this.state !== 'ESTABLISHED' && this.state !== 'REKEYING' && this.state !== 'DELETING' && this.state !== 'REKEYED') at(this.createdAt + halfOpenTimeout);
    // timeout() drops a reassembly older than halfOpenTimeout (strictly), so one ms after.
    if (this.reassembly) at(this.reassembly.startedAt + halfOpenTimeout + 1);
    for (const c of this.children.values()) {
      at(c.rekeyAt);
      at(c.expiresAt);
    }
    return best === Infinity ? undefined : best;
  }

  /** Ends the SA locally: every Child SA goes down with it. */
  close(ctx: SessionContext, reason: string): void {
    if (this.state === 'CLOSED') return;
    for (const child of this.children.values()) {
      ctx.emit({ event: 'child-sa-down', ikeSaId: this.id, childSaId: child.id, spiIn: toHex(child.spiIn), spiOut: toHex(child.spiOut), reason });
    }
    for (const child of this.children.values()) wipeChildKeys(child);
    this.children.clear();
    this.tasks = [];
    this.inFlight = undefined;
    this.downReason = reason;
    // Its keys are of no further use (issue 6 hygiene: zeroed where the runtime allows).
    if (this.crypto) for (const k of Object.values(this.crypto.keys)) wipe(k);
    this.setState(ctx, 'CLOSED');
    ctx.emit({ event: 'ike-sa-down', ikeSaId: this.id, reason });
    ctx.forget(this);
  }
}

export type Responder = (sa: IkeSa, ctx: SessionContext, header: IkeV2Header, payloads: PayloadV2[], dgram: Datagram, now: number) => void;
