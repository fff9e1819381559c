/**
 * The sans-IO IKEv2 endpoint: routes datagrams to IKE SAs by SPI (half-open responder SAs by
 * SPIi and peer address, RFC 7296 sections 2.1 and 2.21), creates responder SAs, answers unknown
 * SPIs (section 2.21.4), and drives timers. No sockets, no clock, no Math.random: time comes in as
 * `now` (ms) and randomness from the configured source.
 */
import { IkeError, isIkeError } from '../errors.js';
import { EncrId, ExchangeType, IntegId, KeId, NotifyType, PayloadType, PrfId } from '../payloads/iana/ikev2.js';
import { describeMessageV2 } from '../payloads/ikev2/describe.js';
import type { IkeV2Header } from '../payloads/ikev2/header.js';
import { decodeMessageV2, encodeMessageV2, type IkeV2Message } from '../payloads/ikev2/message.js';
import type { PayloadV2 } from '../payloads/ikev2/types.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { AddressPool } from './address-pool.js';
import { tsTexts } from './child-sa.js';
import { CookieJar } from './cookie.js';
import { markerFor, type SessionContext, type SessionLimits } from './context.js';
import { createChildTask, respondCreateChild } from './exchanges/create-child.js';
import { respondIkeAuth } from './exchanges/ike-auth.js';
import { initErrorResponse, processInitResponse, randomSpi, respondInit, startInitiator } from './exchanges/ike-init.js';
import { rekeyIkeTask } from './exchanges/ike-rekey.js';
import { deleteChildTask, deleteIkeTask, dpdTask, respondInformational } from './exchanges/informational.js';
import { DeadlineQueue } from '../util/deadlines.js';
import { IkeSa } from './ike-sa.js';
import { groupName, ikeAlgorithms, NAT_KEEPALIVE_DEFAULT } from './lifecycle.js';
import { find, notify } from './payloads.js';
import { describeProposal, type IkeConfig } from './policy.js';
import type { Datagram, EndpointOptions, IkeEvent, Output, SaStatus } from './types.js';

const DEFAULT_LIMITS: SessionLimits = {
  retransmitBase: 500,
  retransmitTries: 5,
  maxFragments: 64,
  maxReassembledBytes: 64 * 1024,
  halfOpenTimeout: 30_000,
};

function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

function addTo<K>(index: Map<K, Set<IkeSa>>, key: K, sa: IkeSa): void {
  const set = index.get(key);
  if (set) set.add(sa);
  else index.set(key, new Set([sa]));
}

function removeFrom<K>(index: Map<K, Set<IkeSa>>, key: K, sa: IkeSa): void {
  const set = index.get(key);
  if (!set?.delete(sa)) return;
  if (set.size === 0) index.delete(key);
}

function newOutput(): Output {
  return { datagrams: [], events: [] };
}

export class Ikev2Endpoint {
  private readonly ctx: SessionContext;
  private readonly bySpi = new Map<string, IkeSa>();
  /** IKE_SA_INIT requests by SPIi and peer address (RFC 7296 section 2.1 retransmissions), kept for the SA's life. */
  private readonly halfOpen = new Map<string, IkeSa>();
  private readonly all = new Map<string, IkeSa>();
  /** Responder SAs in INIT_DONE (half-open), and their number per peer address. */
  private readonly halfOpenSas = new Set<IkeSa>();
  private readonly halfOpenPerPeer = new Map<string, number>();
  private readonly byConfig = new Map<IkeConfig, Set<IkeSa>>();
  private readonly byRemoteId = new Map<string, Set<IkeSa>>();
  private readonly deadlines = new DeadlineQueue<IkeSa>();
  /** SAs an endpoint call has touched: their deadlines are recomputed when it returns. */
  private readonly touched = new Set<IkeSa>();
  private readonly cookies: CookieJar;
  private ikeIds = 0;
  private childIds = 0;

  constructor(private readonly opts: EndpointOptions) {
    const random = opts.random ?? ((n: number) => opts.provider.randomBytes(n));
    const limits: SessionLimits = {
      retransmitBase: opts.retransmitBase ?? DEFAULT_LIMITS.retransmitBase,
      retransmitTries: opts.retransmitTries ?? DEFAULT_LIMITS.retransmitTries,
      maxFragments: opts.maxFragments ?? DEFAULT_LIMITS.maxFragments,
      maxReassembledBytes: opts.maxReassembledBytes ?? DEFAULT_LIMITS.maxReassembledBytes,
      halfOpenTimeout: opts.halfOpenTimeout ?? DEFAULT_LIMITS.halfOpenTimeout,
    };
    const part = opts.spiPartition;
    if (part && !(Number.isInteger(part.count) && part.count >= 1 && part.count <= 256 && Number.isInteger(part.index) && part.index >= 0 && part.index < part.count)) {
      throw new IkeError('INVALID_ARGUMENT', `spiPartition needs 1 <= count <= 256 and 0 <= index < count, not ${part.index}/${part.count}`);
    }
    const self = this;
    const pool = opts.addressPool ? new AddressPool(opts.addressPool.ipv4) : undefined;
    this.ctx = {
      markerPolicy: opts.nonEspMarker ?? 'not-port-500',
      provider: opts.provider,
      random,
      trace: !!opts.trace,
      keylog: !!opts.keylog,
      spiPartition: part && part.count > 1 ? { index: part.index, count: part.count } : undefined,
      limits,
      configs: opts.configs,
      out: newOutput(),
      emit(e: IkeEvent) {
        this.out.events.push(e);
      },
      newIkeSaId: () => String(++self.ikeIds),
      newChildSaId: () => String(++self.childIds),
      index: (sa) => {
        self.all.set(sa.id, sa);
        self.bySpi.set(toHex(sa.localSpi), sa);
        self.touched.add(sa);
      },
      sas: () => self.all.values(),
      establishedWith: (config) => self.byConfig.get(config) ?? [],
      establishedAs: (remoteId) => self.byRemoteId.get(remoteId) ?? [],
      established: (sa) => {
        addTo(self.byConfig, sa.config, sa);
        if (sa.remoteId !== undefined) addTo(self.byRemoteId, sa.remoteId, sa);
      },
      stateChanged: (sa, previous) => {
        if (previous === 'INIT_DONE') self.leaveHalfOpen(sa);
      },
      leaseAddress: pool
        ? (ikeSaId: string) => {
            const address = pool.lease(ikeSaId);
            return address ? { address, dns: opts.addressPool?.dns ?? [] } : undefined;
          }
        : undefined,
      forget: (sa) => {
        pool?.release(sa.id);
        self.all.delete(sa.id);
        if (self.bySpi.get(toHex(sa.localSpi)) === sa) self.bySpi.delete(toHex(sa.localSpi));
        if (sa.initKey !== undefined && self.halfOpen.get(sa.initKey) === sa) self.halfOpen.delete(sa.initKey);
        self.leaveHalfOpen(sa);
        removeFrom(self.byConfig, sa.config, sa);
        if (sa.remoteId !== undefined) removeFrom(self.byRemoteId, sa.remoteId, sa);
        sa.timerAt = undefined;
      },
    };
    this.cookies = new CookieJar(opts.provider, random);
  }

  get configs(): IkeConfig[] {
    return this.opts.configs;
  }

  /** Runs `f` with a fresh output; nothing thrown inside escapes (it becomes an 'error' event). */
  private run(f: () => void): Output {
    const out = newOutput();
    this.ctx.out = out;
    try {
      f();
    } catch (e) {
      const err = isIkeError(e) ? e : undefined;
      out.events.push({ event: 'error', notify: err?.kind, message: (e as Error)?.message ?? String(e) });
    }
    this.reschedule();
    this.ctx.out = newOutput();
    return out;
  }

  /** Puts the touched SAs' new deadlines in the timer queue. */
  private reschedule(): void {
    const timeoutHalfOpen = this.ctx.limits.halfOpenTimeout;
    // A rekey moves Child SAs (and their timers) to the successor (RFC 7296 section 2.18).
    for (const sa of [...this.touched]) {
      if (sa.successor) this.touched.add(sa.current());
      if (sa.peerRekey) this.touched.add(sa.peerRekey.successor);
    }
    for (const sa of this.touched) if (this.all.get(sa.id) === sa) this.deadlines.set(sa, sa.nextTimeout(timeoutHalfOpen));
    this.touched.clear();
    this.deadlines.compact(this.all.size, () => {
      const live: Array<{ at: number; item: IkeSa }> = [];
      for (const sa of this.all.values()) if (sa.timerAt !== undefined) live.push({ at: sa.timerAt, item: sa });
      return live;
    });
  }

  /** Drops timer entries whose SA is gone or has moved its deadline. */
  private liveDeadline(): { at: number; item: IkeSa } | undefined {
    return this.deadlines.peekLive((top) => this.all.get(top.item.id) === top.item && top.item.timerAt === top.at);
  }

  private leaveHalfOpen(sa: IkeSa): void {
    if (!this.halfOpenSas.delete(sa)) return;
    const n = (this.halfOpenPerPeer.get(sa.remote.address) ?? 1) - 1;
    if (n > 0) this.halfOpenPerPeer.set(sa.remote.address, n);
    else this.halfOpenPerPeer.delete(sa.remote.address);
  }

  private configNamed(name: string | undefined): IkeConfig | undefined {
    if (name === undefined) return this.opts.configs[0];
    return this.opts.configs.find((c) => c.name === name);
  }

  /** Starts IKE_SA_INIT for the named config (the first when undefined). */
  initiate(configName: string | undefined, now: number): Output {
    let started: string | undefined;
    const out = this.run(() => {
      const config = this.configNamed(configName);
      if (!config) throw new IkeError('INVALID_ARGUMENT', `no configuration named "${configName}"`);
      const sa = new IkeSa(
        this.ctx.newIkeSaId(),
        config,
        true,
        { address: config.local.address, port: config.local.port },
        { address: config.remote.address, port: config.remote.port },
        now,
        randomSpi(this.ctx),
      );
      this.ctx.index(sa);
      started = sa.id;
      startInitiator(sa, this.ctx, now);
    });
    return started === undefined ? out : { ...out, ikeSaId: started };
  }

  /** Any datagram for any SA. */
  receive(dgram: Datagram, now: number): Output {
    return this.run(() => this.route(dgram, now));
  }

  private route(dgram: Datagram, now: number): void {
    let msg: IkeV2Message;
    try {
      msg = decodeMessageV2(dgram.data);
    } catch (e) {
      if (this.ctx.trace) this.ctx.emit({ event: 'trace', text: `dropped datagram from ${dgram.remote.address}:${dgram.remote.port}: ${(e as Error).message}` });
      if (isIkeError(e) && e.kind === 'INVALID_MAJOR_VERSION') this.higherVersion(dgram);
      return;
    }
    const h = msg.header;
    if (h.exchangeType === ExchangeType.IKE_SA_INIT) {
      if (!h.flags.response && isZero(h.spiR) && h.messageId === 0) return this.initRequest(dgram, msg, now);
      if (h.flags.response) {
        const sa = this.bySpi.get(toHex(h.spiI));
        if (sa) this.touched.add(sa);
        if (sa && sa.initiator) processInitResponse(sa, this.ctx, dgram, msg, now);
        return;
      }
    }
    // The SPI we chose names the SA: SPIr when the sender is the original initiator, else SPIi.
    const ours = h.flags.initiator ? h.spiR : h.spiI;
    const sa = this.bySpi.get(toHex(ours));
    if (!sa) return this.unknownSpi(dgram, h);
    this.touched.add(sa);
    sa.receiveProtected(this.ctx, dgram, msg, now, respond);
  }

  /**
   * RFC 7296 section 2.21.4: a request for an SA we do not know may get an unprotected
   * INVALID_IKE_SPI, sent back where it came from with the same SPIs and Message ID; a response
   * gets nothing.
   */
  private unknownSpi(dgram: Datagram, h: IkeV2Header): void {
    if (this.ctx.trace) this.ctx.emit({ event: 'trace', text: `unknown IKE SPIs ${toHex(h.spiI)}/${toHex(h.spiR)} from ${dgram.remote.address}:${dgram.remote.port}` });
    if (h.flags.response || this.opts.answerUnknownSpi === false || h.exchangeType === ExchangeType.IKE_SA_INIT) return;
    const data = encodeMessageV2({
      header: { ...h, exchangeType: ExchangeType.INFORMATIONAL, flags: { initiator: !h.flags.initiator, version: false, response: true } },
      payloads: [notify(NotifyType.INVALID_IKE_SPI)],
    });
    this.ctx.out.datagrams.push({ data, local: { ...dgram.local }, remote: { ...dgram.remote }, marker: markerFor(this.ctx.markerPolicy, dgram.local.port, !!dgram.marker) });
  }

  /**
   * RFC 7296 section 2.5: a request with a major version above 2 is dropped and answered, without
   * protection, with INVALID_MAJOR_VERSION in a version 2.0 header. IKEv1 (major 1) is left alone.
   */
  private higherVersion(dgram: Datagram): void {
    const d = dgram.data;
    if (d.length < 28 || d[17] >> 4 <= 2 || (d[19] & 0x20) !== 0) return;
    const data = encodeMessageV2({
      header: {
        spiI: d.slice(0, 8),
        spiR: d.slice(8, 16),
        majorVersion: 2,
        minorVersion: 0,
        exchangeType: d[18],
        flags: { initiator: (d[19] & 0x08) === 0, version: false, response: true },
        messageId: ((d[20] << 24) >>> 0) + ((d[21] << 16) | (d[22] << 8) | d[23]),
      },
      payloads: [notify(NotifyType.INVALID_MAJOR_VERSION)],
    });
    this.ctx.out.datagrams.push({ data, local: { ...dgram.local }, remote: { ...dgram.remote }, marker: markerFor(this.ctx.markerPolicy, dgram.local.port, !!dgram.marker) });
  }

  /** The configuration for a new responder SA: the one listening where the datagram arrived. */
  private configFor(dgram: Datagram): IkeConfig | undefined {
    const any = (a: string) => a === '%any' || a === '0.0.0.0' || a === '::' || a === '';
    const ports = (c: IkeConfig) => [c.local.port, c.local.nattPort ?? (c.local.port === 500 ? 4500 : c.local.port + 1)];
    return (
      this.opts.configs.find((c) => ports(c).includes(dgram.local.port) && (c.remote.address === dgram.remote.address || any(c.remote.address))) ??
      this.opts.configs.find((c) => ports(c).includes(dgram.local.port)) ??
      this.opts.configs[0]
    );
  }

  /** Half-open responder SAs in all, and those with one peer address. */
  private halfOpenCount(address: string): { total: number; peer: number } {
    return { total: this.halfOpenSas.size, peer: this.halfOpenPerPeer.get(address) ?? 0 };
  }

  private initRequest(dgram: Datagram, msg: IkeV2Message, now: number): void {
    const key = [toHex(msg.header.spiI), dgram.remote.address, dgram.remote.port].join('|');
    const existing = this.halfOpen.get(key);
    if (existing) {
      // RFC 7296 section 2.1: a retransmitted IKE_SA_INIT request gets the same response.
      if (existing.state === 'INIT_DONE' && existing.initRequest && bytesEqual(existing.initRequest, dgram.data) && existing.lastResponse) {
        this.ctx.out.datagrams.push(...existing.lastResponse.datagrams);
      }
      return;
    }
    const config = this.configFor(dgram);
    if (!config) return;
    const counts = this.halfOpenCount(dgram.remote.address);
    const halfOpen = counts.total;
    const full = halfOpen >= (this.opts.maxHalfOpen ?? 1000) || counts.peer >= (this.opts.maxHalfOpenPerPeer ?? Infinity);
    if (full) {
      // A hard bound on the state a flood of IKE_SA_INIT requests can make (RFC 7296 section 2.6).
      if (this.ctx.trace) this.ctx.emit({ event: 'trace', text: `dropped IKE_SA_INIT from ${dgram.remote.address}:${dgram.remote.port}: too many half-open SAs` });
      if (this.opts.cookieThreshold === undefined) return;
    }
    if (this.ctx.trace) this.ctx.emit({ event: 'trace', text: `received IKE_SA_INIT request from ${dgram.remote.address}:${dgram.remote.port}\n${describeMessageV2(msg)}` });
    const nonce = find(msg.payloads, PayloadType.NONCE);
    const threshold = this.opts.cookieThreshold;
    if (threshold !== undefined && nonce && halfOpen >= threshold) {
      // RFC 7296 section 2.6: above the threshold, only requests that return our cookie make state.
      const first = msg.payloads[0];
      const cookie = first && first.type === PayloadType.N && first.notifyType === NotifyType.COOKIE ? first.data : undefined;
      if (!cookie || !this.cookies.check(now, cookie, nonce.nonce, dgram.remote.address, msg.header.spiI)) {
        const data = initErrorResponse(msg, [notify(NotifyType.COOKIE, this.cookies.make(now, nonce.nonce, dgram.remote.address, msg.header.spiI))]);
        this.ctx.out.datagrams.push({ data, local: { ...dgram.local }, remote: { ...dgram.remote }, marker: markerFor(this.ctx.markerPolicy, dgram.local.port, !!dgram.marker) });
        if (this.ctx.trace) this.ctx.emit({ event: 'trace', text: `asking ${dgram.remote.address}:${dgram.remote.port} for a COOKIE` });
        return;
      }
    }
    // A returned cookie proves the address, not a right to state beyond the bound: the initiator's
    // retransmissions get in once half-open SAs finish or expire.
    if (full) return;
    const sa = new IkeSa(this.ctx.newIkeSaId(), config, false, dgram.local, dgram.remote, now, msg.header.spiI.slice());
    const decision = respondInit(sa, this.ctx, dgram, msg);
    if (decision.kind === 'reply') {
      this.ctx.out.datagrams.push({ data: decision.data, local: { ...dgram.local }, remote: { ...dgram.remote }, marker: markerFor(this.ctx.markerPolicy, dgram.local.port, !!dgram.marker) });
      this.ctx.emit({ event: 'error', notify: decision.notify, message: `IKE_SA_INIT from ${dgram.remote.address}:${dgram.remote.port} refused: ${decision.message}` });
      return;
    }
    this.ctx.index(sa);
    sa.initKey = key;
    this.halfOpen.set(key, sa);
    if (sa.state === 'INIT_DONE' && !sa.initiator) {
      this.halfOpenSas.add(sa);
      this.halfOpenPerPeer.set(sa.remote.address, (this.halfOpenPerPeer.get(sa.remote.address) ?? 0) + 1);
    }
  }

  /** Retransmissions, half-open expiry, rekeys, DPD and lifetimes. */
  timeout(now: number): Output {
    return this.run(() => {
      const due = new Set<IkeSa>();
      for (let top = this.liveDeadline(); top && top.at <= now; top = this.liveDeadline()) {
        this.deadlines.pop();
        top.item.timerAt = undefined;
        due.add(top.item);
      }
      // In the order the SAs were made, as a scan of every SA would tick them.
      for (const sa of [...due].sort((a, b) => Number(a.id) - Number(b.id))) {
        this.touched.add(sa);
        try {
          this.tick(sa, now);
        } catch (e) {
          this.ctx.emit({ event: 'error', ikeSaId: sa.id, message: (e as Error).message });
        }
      }
    });
  }

  private tick(sa: IkeSa, now: number): void {
    sa.timeout(this.ctx, now);
    if (sa.state === 'CLOSED') return;
    const established = sa.state === 'ESTABLISHED' || sa.state === 'REKEYING' || sa.state === 'REKEYED' || sa.state === 'DELETING';
    if (!established) {
      if (now >= sa.createdAt + this.ctx.limits.halfOpenTimeout) sa.close(this.ctx, 'not established in time');
      return;
    }
    if (sa.state === 'REKEYED' && sa.establishedAt !== undefined && !sa.inFlight && sa.tasks.length === 0 && now >= (sa.expiresAt ?? Infinity)) {
      sa.close(this.ctx, 'rekeyed');
      return;
    }
    if (sa.state !== 'ESTABLISHED') return;
    if (sa.expiresAt !== undefined && now >= sa.expiresAt) {
      sa.expiresAt = undefined;
      sa.enqueue(this.ctx, deleteIkeTask('expired'), now, true);
      return;
    }
    if (sa.rekeyAt !== undefined && now >= sa.rekeyAt) {
      sa.rekeyAt = undefined;
      sa.enqueue(this.ctx, rekeyIkeTask(), now);
    }
    if (sa.keepaliveAt !== undefined && now >= sa.keepaliveAt) {
      // RFC 3948 section 2.3: a NAT-keepalive is one octet 0xFF, without the non-ESP marker.
      this.ctx.out.datagrams.push({ data: new Uint8Array([0xff]), local: { ...sa.local }, remote: { ...sa.remote }, marker: false });
      sa.keepaliveAt = now + (sa.config.ike.natKeepalive ?? NAT_KEEPALIVE_DEFAULT) * 1000;
    }
    const delay = sa.config.ike.dpdDelay;
    if (sa.dpdAt !== undefined && delay && now >= sa.dpdAt) {
      // RFC 7296 section 2.4: only when nothing has been heard for a while.
      if (now - sa.lastHeard >= delay * 1000 && !sa.inFlight) sa.enqueue(this.ctx, dpdTask(), now);
      sa.dpdAt = Math.max(sa.lastHeard, now) + delay * 1000;
    }
    for (const child of [...sa.children.values()]) {
      if (child.state === 'REKEYED' && child.expiresAt !== undefined && now >= child.expiresAt) {
        // Replaced, and its delete never came: it ends at its lifetime.
        child.expiresAt = undefined;
        sa.enqueue(this.ctx, deleteChildTask(child.id, 'expired'), now);
        continue;
      }
      if (child.state !== 'INSTALLED') continue;
      if (child.expiresAt !== undefined && now >= child.expiresAt) {
        child.expiresAt = undefined;
        sa.enqueue(this.ctx, deleteChildTask(child.id, 'expired'), now);
      } else if (child.rekeyAt !== undefined && now >= child.rekeyAt) {
        child.rekeyAt = undefined;
        sa.enqueue(this.ctx, createChildTask({ rekeyOf: child.id }), now);
      }
    }
  }

  /** The earliest time `timeout` has work to do (absolute ms). */
  nextTimeout(): number | undefined {
    return this.liveDeadline()?.at;
  }

  private saById(ikeSaId: string): IkeSa {
    const sa = this.all.get(ikeSaId);
    if (!sa) throw new IkeError('INVALID_ARGUMENT', `no IKE SA ${ikeSaId}`);
    this.touched.add(sa);
    return sa;
  }

  private saOfChild(childSaId: string): IkeSa {
    for (const sa of this.all.values()) {
      if (!sa.children.has(childSaId)) continue;
      this.touched.add(sa);
      return sa;
    }
    throw new IkeError('INVALID_ARGUMENT', `no CHILD SA ${childSaId}`);
  }

  createChildSa(ikeSaId: string, now: number): Output {
    return this.run(() => this.saById(ikeSaId).enqueue(this.ctx, createChildTask(), now));
  }

  rekeyChildSa(childSaId: string, now: number): Output {
    return this.run(() => this.saOfChild(childSaId).enqueue(this.ctx, createChildTask({ rekeyOf: childSaId }), now));
  }

  rekeyIkeSa(ikeSaId: string, now: number): Output {
    return this.run(() => this.saById(ikeSaId).enqueue(this.ctx, rekeyIkeTask(), now));
  }

  deleteChildSa(childSaId: string, now: number): Output {
    return this.run(() => this.saOfChild(childSaId).enqueue(this.ctx, deleteChildTask(childSaId), now));
  }

  deleteIkeSa(ikeSaId: string, now: number): Output {
    return this.run(() => {
      const sa = this.saById(ikeSaId);
      if (sa.state === 'ESTABLISHED' || sa.state === 'REKEYED' || sa.state === 'REKEYING') sa.enqueue(this.ctx, deleteIkeTask(), now, true);
      else sa.close(this.ctx, 'deleted');
    });
  }

  checkLiveness(ikeSaId: string, now: number): Output {
    return this.run(() => this.saById(ikeSaId).enqueue(this.ctx, dpdTask(), now));
  }

  /** One row per IKE SA, for an SA status view. */
  status(): SaStatus[] {
    return [...this.all.values()].map((sa) => {
      const alg = sa.crypto?.algorithms;
      return {
        ikeSaId: sa.id,
        name: sa.config.name,
        state: sa.state,
        initiator: sa.initiator,
        spiI: toHex(sa.spiI),
        spiR: toHex(sa.spiR),
        localSpi: toHex(sa.localSpi),
        remoteSpi: toHex(sa.initiator ? sa.spiR : sa.spiI),
        local: { ...sa.local },
        remote: { ...sa.remote },
        localId: sa.localId,
        remoteId: sa.remoteId,
        algorithms: ikeAlgorithms(sa) || undefined,
        encr: alg ? EncrId.label(alg.encr.id) : undefined,
        encrKeyBits: alg?.encr.keyBits ?? (sa.crypto ? sa.crypto.encr.keyLength * 8 : undefined),
        integ: alg?.integ !== undefined ? IntegId.label(alg.integ) : undefined,
        prf: alg?.prf !== undefined ? PrfId.label(alg.prf) : undefined,
        dhGroup: groupName(alg?.ke),
        authMethod: 'psk',
        establishedAt: sa.establishedAt,
        rekeyAt: sa.rekeyAt,
        expiresAt: sa.expiresAt,
        messageIds: { nextRequest: sa.nextRequestId, expectedRequest: sa.expectedRequestId },
        window: 1,
        nat: { ...sa.nat },
        fragmentation: sa.fragmentation,
        children: [...sa.children.values()].map((c) => ({
          childSaId: c.id,
          state: c.state,
          spiIn: toHex(c.spiIn),
          spiOut: toHex(c.spiOut),
          algorithms: describeProposal(c.proposal),
          mode: c.mode,
          localTs: tsTexts(c.localTs),
          remoteTs: tsTexts(c.remoteTs),
          pfsGroup: c.pfsGroup !== undefined ? KeId.label(c.pfsGroup) : undefined,
          establishedAt: c.establishedAt,
          rekeyAt: c.rekeyAt,
          expiresAt: c.expiresAt,
        })),
      };
    });
  }
}

/** Requests on an established (or half-open) SA, by exchange type. */
function respond(sa: IkeSa, ctx: SessionContext, h: IkeV2Header, payloads: PayloadV2[], dgram: Datagram, now: number): void {
  switch (h.exchangeType) {
    case ExchangeType.IKE_AUTH:
      // RFC 7296 section 1.2: only the original initiator sends IKE_AUTH; the request is answered
      // (its Message ID is used up) but changes nothing.
      if (sa.initiator) return sa.sendResponse(ctx, ExchangeType.IKE_AUTH, h.messageId, [notify(NotifyType.INVALID_SYNTAX)], dgram);
      return respondIkeAuth(sa, ctx, h, payloads, dgram, now);
    case ExchangeType.CREATE_CHILD_SA:
      return respondCreateChild(sa, ctx, h, payloads, dgram, now);
    case ExchangeType.INFORMATIONAL:
      return respondInformational(sa, ctx, h, payloads, dgram);
    default:
      // An exchange type we do not implement gets no answer; the peer's retransmissions time out.
      if (ctx.trace) ctx.emit({ event: 'trace', text: `${sa.name} ignores ${ExchangeType.label(h.exchangeType)} request` });
  }
}
