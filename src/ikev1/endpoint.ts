/**
 * The sans-IO IKEv1 endpoint: datagrams and the time in, datagrams and events out. Shaped like
 * the IKEv2 Ikev2Endpoint so that one transport drives either. No sockets, no clocks, no
 * Math.random: randomness comes from `random`, time from `now` (milliseconds).
 */
import { IkeError } from '../errors.js';
import { ExchangeType, NotifyType, PayloadType, ProtocolId } from '../payloads/iana/ikev1.js';
import { decodeMessageV1, isEncryptedMessageV1, type IkeV1Message } from '../payloads/ikev1/message.js';
import type { PayloadV1 } from '../payloads/ikev1/types.js';
import { NAT_KEEPALIVE } from '../payloads/framing.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { DeadlineQueue, type DeadlineEntry } from '../util/deadlines.js';
import { describePhase1, describePhase2, groupName } from './algorithms.js';
import { compileConfigV1, configWarningsV1, type CompiledConfigV1 } from './config.js';
import { formatClientId, type ClientId } from './ids.js';
import {
  dpdNotify,
  espDelete,
  isakmpDelete,
  openInformational,
  sendInformational,
  sendPlainNotify,
} from './informational.js';
import { errorNotify, findAll, isakmpSpi, notifyPayload, randomMessageId } from './payloads.js';
import { newCookie, newIsakmpSa, onPhase1Message, respondPhase1, setState, startPhase1 } from './phase1.js';
import { traceMessage } from './trace.js';
import { isTransportMode, isUdpMode } from './proposals.js';
import { installChild, onQuickMode, startQuickMode } from './quick-mode.js';
import { Context, type Exchange, hex, type IpsecSa, type IsakmpSa, type QuickMode, type ResolvedOptions } from './state.js';
import type { Datagram, EndpointOptionsV1, IpsecSaStatusV1, IsakmpSaStatusV1, OutputV1 } from './types.js';

/** Completed Quick Modes are kept this long to answer retransmissions of their last message. */
const QM_LINGER = 60_000;
const DEFAULT_NAT_KEEPALIVE = 20;
/** Quick Modes kept per ISAKMP SA (running, or finished and lingering): bounds what a peer can make us hold. */
const MAX_QUICK_MODES = 256;

/** The n of an ISAKMP SA id `isakmp-n`: SAs are numbered in the order they are made. */
function creationNumber(sa: IsakmpSa): number {
  return Number(sa.id.slice(sa.id.lastIndexOf('-') + 1));
}

function notifyKind(e: unknown): { notify: number; message: string } {
  if (e instanceof IkeError) {
    const data = e.notifyData;
    const notify = data && data.length === 2 ? (data[0] << 8) | data[1] : (e.ikev1Notify ?? NotifyType.PAYLOAD_MALFORMED);
    return { notify, message: e.message };
  }
  return { notify: NotifyType.PAYLOAD_MALFORMED, message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}

export class Ikev1Endpoint {
  private readonly opts: ResolvedOptions;
  private readonly configs: CompiledConfigV1[];
  /** ISAKMP SAs by id, and by CKY-I (RFC 2408 section 3.1: the cookie pair names the SA). */
  private readonly sas = new Map<string, IsakmpSa>();
  private readonly byCookie = new Map<string, IsakmpSa>();
  private counters = new Map<string, number>();
  private readonly maxHalfOpen: number;
  private readonly halfOpenResponders = new Set<IsakmpSa>();
  private readonly sendInitialContact: boolean;
  /** Each ISAKMP SA's earliest deadline (IsakmpSa.timerAt), so that no call scans every SA. */
  private readonly deadlines = new DeadlineQueue<IsakmpSa>();
  /** ISAKMP SAs an endpoint call has touched: their deadlines are recomputed when it returns. */
  private readonly touched = new Set<IsakmpSa>();

  constructor(opts: EndpointOptionsV1) {
    this.opts = {
      provider: opts.provider,
      random: opts.random ?? ((n) => opts.provider.randomBytes(n)),
      trace: opts.trace ?? false,
      keylog: opts.keylog ?? false,
      retransmitBase: opts.retransmitBase ?? 4000,
      retransmitTries: opts.retransmitTries ?? 5,
      halfOpenTimeout: opts.halfOpenTimeout ?? 60_000,
      markerPolicy: opts.nonEspMarker ?? 'not-port-500',
      commitBit: opts.commitBit ?? false,
    };
    this.configs = opts.configs.map((c) => compileConfigV1(c));
    this.maxHalfOpen = opts.maxHalfOpen ?? 1000;
    this.sendInitialContact = opts.initialContact ?? true;
  }

  private newId = (prefix: string): string => {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${n}`;
  };

  private run(f: (ctx: Context) => void): OutputV1 {
    const ctx = new Context(this.opts, this.newId);
    try {
      f(ctx);
    } catch (e) {
      // IkeErrors are protocol outcomes; anything else is a bug here, and says so.
      const text = e instanceof Error ? e.message : String(e);
      ctx.emit({ event: 'error', message: e instanceof IkeError ? text : `internal error: ${text}` });
    }
    this.reschedule();
    return ctx.out;
  }

  /** Puts the touched SAs' new deadlines in the timer queue. */
  private reschedule(): void {
    for (const sa of this.touched) if (this.sas.get(sa.id) === sa) this.deadlines.set(sa, this.saDeadline(sa));
    this.touched.clear();
    this.deadlines.compact(this.sas.size, () => {
      const live: DeadlineEntry<IsakmpSa>[] = [];
      for (const sa of this.sas.values()) if (sa.timerAt !== undefined) live.push({ at: sa.timerAt, item: sa });
      return live;
    });
  }

  /** The earliest timer entry whose SA is still there with that deadline. */
  private liveDeadline(): DeadlineEntry<IsakmpSa> | undefined {
    return this.deadlines.peekLive((e) => this.sas.get(e.item.id) === e.item && e.item.timerAt === e.at);
  }

  // ---- commands ------------------------------------------------------------------------------

  /** Starts phase 1 (Main or Aggressive Mode, per the config) and a Quick Mode once it completes. */
  initiate(configName: string | undefined, now: number): OutputV1 {
    let started: string | undefined;
    const out = this.run((ctx) => {
      const cfg = configName === undefined ? this.configs[0] : this.configs.find((c) => c.name === configName);
      if (!cfg) throw new IkeError('INVALID_ARGUMENT', `no config named ${configName}`);
      for (const w of configWarningsV1(cfg.config)) ctx.trace(`WARNING: ${w}`);
      const sa = newIsakmpSa({
        id: this.newId('isakmp'),
        cfg,
        initiator: true,
        mode: cfg.config.mode,
        local: { address: cfg.config.local.address, port: cfg.config.local.port },
        remote: { address: cfg.config.remote.address, port: cfg.config.remote.port },
        peerMarker: false,
        ckyI: newCookie(ctx),
        ckyR: new Uint8Array(8),
        now,
      });
      sa.pendingQuickModes = 1;
      // A first contact only when we hold nothing with this peer: otherwise the peer must keep those SAs.
      sa.initialContact = this.sendInitialContact && ![...this.sas.values()].some((o) => o.cfg === cfg && o.remote.address === sa.remote.address);
      this.add(sa);
      started = sa.id;
      startPhase1(ctx, sa, now);
    });
    return started === undefined ? out : { ...out, ikeSaId: started };
  }

  /** Another Quick Mode on an ISAKMP SA (RFC 2409 section 5.5: any number may share one phase 1). */
  startQuickMode(ikeSaId: string, now: number): OutputV1 {
    return this.run((ctx) => {
      const sa = this.sa(ikeSaId);
      if (!sa.initiator && sa.state !== 'IKE_P1_COMPLETE') throw new IkeError('INVALID_ARGUMENT', `${ikeSaId} is not established`);
      if (sa.state !== 'IKE_P1_COMPLETE') sa.pendingQuickModes++;
      else this.quickMode(ctx, sa, now);
    });
  }

  /** Replaces an IPsec SA with a new Quick Mode for the same client IDs; the old one lives until it expires or is deleted. */
  rekeyIpsecSa(childSaId: string, now: number): OutputV1 {
    return this.run((ctx) => {
      const { sa, child } = this.child(childSaId);
      const target = this.newest(sa);
      if (target.state !== 'IKE_P1_COMPLETE') throw new IkeError('INVALID_ARGUMENT', `${sa.id} is not established`);
      child.rekeying = true;
      this.quickMode(ctx, target, now, { local: child.localTs, remote: child.remoteTs }, child.id);
    });
  }

  /** Starts a new phase 1 with the same peer; the old ISAKMP SA lives until it expires, then hands its IPsec SAs over. */
  rekeyIsakmpSa(ikeSaId: string, now: number): OutputV1 {
    return this.run((ctx) => {
      const sa = this.sa(ikeSaId);
      if (sa.state !== 'IKE_P1_COMPLETE') throw new IkeError('INVALID_ARGUMENT', `${ikeSaId} is not established`);
      this.rekeyPhase1(ctx, sa, now);
    });
  }

  /** Deletes an IPsec SA: Informational with a Delete of our inbound SPI (RFC 2408 section 3.15). */
  deleteIpsecSa(childSaId: string, now: number): OutputV1 {
    return this.run((ctx) => {
      const { sa, child } = this.child(childSaId);
      sendInformational(ctx, sa, [espDelete([child.spiIn])], now, 'INFORMATIONAL DELETE (ESP)');
      this.childDown(ctx, sa, child, 'deleted');
    });
  }

  /** Deletes the ISAKMP SA and its IPsec SAs, telling the peer (RFC 2408 section 3.15, RFC 2409 section 5.7). */
  deleteIsakmpSa(ikeSaId: string, now: number): OutputV1 {
    return this.run((ctx) => this.deleteSa(ctx, this.sa(ikeSaId), now, 'deleted'));
  }

  /** RFC 3706 section 5: an R-U-THERE, answered by R-U-THERE-ACK; no answer after the retries means the peer is dead. */
  checkLiveness(ikeSaId: string, now: number): OutputV1 {
    return this.run((ctx) => {
      const sa = this.sa(ikeSaId);
      if (sa.state !== 'IKE_P1_COMPLETE') throw new IkeError('INVALID_ARGUMENT', `${ikeSaId} is not established`);
      if (!sa.dpd) throw new IkeError('INVALID_ARGUMENT', `${ikeSaId}: the peer did not announce DPD (RFC 3706 section 5 Vendor ID)`);
      this.sendDpd(ctx, sa, now);
    });
  }

  private sendDpd(ctx: Context, sa: IsakmpSa, now: number): void {
    sa.dpdSeq = (sa.dpdSeq + 1) >>> 0;
    const pending: Exchange & { seq: number } = { seq: sa.dpdSeq };
    sendInformational(ctx, sa, [dpdNotify(sa, false, sa.dpdSeq)], now, `INFORMATIONAL R-U-THERE ${sa.dpdSeq}`, pending);
    sa.dpdPending = pending;
  }

  // ---- receive -------------------------------------------------------------------------------

  receive(dgram: Datagram, now: number): OutputV1 {
    return this.run((ctx) => {
      let msg: IkeV1Message;
      try {
        msg = decodeMessageV1(dgram.data);
      } catch (e) {
        ctx.trace(`dropped a datagram from ${dgram.remote.address}:${dgram.remote.port}: ${e instanceof Error ? e.message : e}`);
        return;
      }
      const h = msg.header;
      const sa = this.byCookie.get(toHex(h.initiatorCookie));
      if (sa) this.touched.add(sa);
      const zeroR = h.responderCookie.every((b) => b === 0);
      // RFC 2408 section 3.1: only the first phase 1 message goes without the responder cookie
      // (a retransmitted one may still arrive); everything else names the SA by both cookies.
      const firstPhase1 = zeroR && h.messageId === 0 && !isEncryptedMessageV1(msg) && (h.exchangeType === ExchangeType.IDENTITY_PROTECTION || h.exchangeType === ExchangeType.AGGRESSIVE);
      if (sa && !firstPhase1 && sa.ckyR.some((b) => b !== 0) && !bytesEqual(sa.ckyR, h.responderCookie)) {
        ctx.trace(`${sa.id}: dropped a message with another responder cookie (RFC 2408 section 5.2: INVALID-COOKIE)`);
        return;
      }
      if (!sa) {
        const phase1 = h.exchangeType === ExchangeType.IDENTITY_PROTECTION || h.exchangeType === ExchangeType.AGGRESSIVE;
        if (!phase1 || !zeroR || isEncryptedMessageV1(msg) || h.messageId !== 0) {
          traceMessage(ctx, undefined, 'recv', 'message for no known ISAKMP SA, dropped', dgram.data);
          return;
        }
        this.newResponder(ctx, msg, dgram, now);
        return;
      }
      // Before phase 1 completes nothing is authenticated yet; afterwards the path follows only
      // messages that authenticated (see follow()).
      if (sa.state !== 'IKE_P1_COMPLETE') this.follow(sa, dgram, now);
      switch (h.exchangeType) {
        case ExchangeType.IDENTITY_PROTECTION:
        case ExchangeType.AGGRESSIVE:
          this.phase1Message(ctx, sa, msg, dgram, now);
          return;
        case ExchangeType.QUICK_MODE:
          this.quickModeMessage(ctx, sa, msg, dgram, now);
          return;
        case ExchangeType.INFORMATIONAL:
          this.informational(ctx, sa, msg, dgram, now);
          return;
        default:
          traceMessage(ctx, sa, 'recv', `unsupported exchange ${ExchangeType.label(h.exchangeType)}, dropped`, dgram.data);
      }
    });
  }

  /**
   * RFC 3947 section 4: the responder answers where the peer's messages come from (its NAT-T port
   * after the float, with the marker); an initiator keeps its path but adopts the marker.
   */
  private follow(sa: IsakmpSa, dgram: Datagram, now: number): void {
    if (!sa.initiator) {
      sa.local = { ...dgram.local };
      sa.remote = { ...dgram.remote };
      sa.peerMarker = dgram.marker === true;
    } else if (dgram.marker) sa.peerMarker = true;
    sa.lastHeard = now;
  }

  private newResponder(ctx: Context, msg: IkeV1Message, dgram: Datagram, now: number): void {
    const aggressive = msg.header.exchangeType === ExchangeType.AGGRESSIVE;
    // As responder the pre-shared key is found by the peer's address, before any ID is seen (RFC 2409 section 5.4).
    const cfg =
      this.configs.find((c) => c.config.remote.address === dgram.remote.address) ??
      this.configs.find((c) => ['%any', '0.0.0.0', '::'].includes(c.config.remote.address));
    if (!cfg) {
      traceMessage(ctx, undefined, 'recv', `${ExchangeType.label(msg.header.exchangeType)} from ${dgram.remote.address}: no config for this peer, dropped`, dgram.data);
      return;
    }
    const halfOpen = this.halfOpenCount();
    if (halfOpen >= this.maxHalfOpen) {
      ctx.trace(`${halfOpen} half-open ISAKMP SAs: ${ExchangeType.label(msg.header.exchangeType)} from ${dgram.remote.address} dropped`);
      return;
    }
    const sa = newIsakmpSa({
      id: this.newId('isakmp'),
      cfg,
      initiator: false,
      mode: aggressive ? 'aggressive' : 'main',
      local: { ...dgram.local },
      remote: { ...dgram.remote },
      peerMarker: dgram.marker === true,
      ckyI: msg.header.initiatorCookie.slice(),
      ckyR: newCookie(ctx),
      now,
    });
    traceMessage(ctx, sa, 'recv', aggressive ? 'AM1' : 'MM1', dgram.data);
    // RFC 2409 section 5.4: Aggressive Mode with a PSK exposes the key to offline guessing; only on request.
    if (aggressive && cfg.config.mode !== 'aggressive' && cfg.config.ike.aggressive !== true) {
      ctx.emit({ event: 'error', notify: NotifyType.label(NotifyType.NO_PROPOSAL_CHOSEN), message: `${sa.id}: Aggressive Mode refused (config mode is main; set ike.aggressive to allow it)` });
      sendPlainNotify(ctx, sa, NotifyType.NO_PROPOSAL_CHOSEN, now);
      return;
    }
    if (aggressive) for (const w of configWarningsV1(cfg.config)) ctx.trace(`WARNING: ${w}`);
    this.add(sa);
    try {
      if (!isEncryptedMessageV1(msg)) respondPhase1(ctx, sa, msg.payloads, now);
    } catch (e) {
      this.failPhase1(ctx, sa, e, now);
      return;
    }
    sa.lastIn = dgram.data;
    sa.replyOut = sa.lastOut;
  }

  private phase1Message(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, dgram: Datagram, now: number): void {
    if (sa.lastIn && bytesEqual(sa.lastIn, dgram.data)) {
      this.resend(ctx, sa.replyOut, `${sa.id}: the peer repeated its last message`);
      return;
    }
    if (sa.state === 'IKE_P1_COMPLETE' || msg.header.messageId !== 0) {
      traceMessage(ctx, sa, 'recv', 'unexpected phase 1 message, dropped', dgram.data);
      return;
    }
    if ((msg.header.exchangeType === ExchangeType.AGGRESSIVE) !== (sa.mode === 'aggressive')) {
      traceMessage(ctx, sa, 'recv', 'phase 1 message of the other mode, dropped', dgram.data);
      return;
    }
    traceMessage(ctx, sa, 'recv', this.phase1Label(sa), dgram.data);
    let result: ReturnType<typeof onPhase1Message>;
    const before = sa.lastOut;
    try {
      result = onPhase1Message(ctx, sa, msg, dgram, now);
    } catch (e) {
      this.failPhase1(ctx, sa, e, now);
      return;
    }
    if (result === 'dropped') {
      ctx.trace(`${sa.id}: message does not fit ${sa.state}, dropped`);
      return;
    }
    sa.lastIn = dgram.data;
    sa.replyOut = sa.lastOut !== before ? sa.lastOut : undefined;
    if (result !== 'done') return;
    sa.dpdSeq = ((): number => {
      // RFC 3706 section 5.5: the first sequence number is random.
      const b = ctx.random(4);
      return (((b[0] & 0x7f) << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    })();
    if (sa.nat.local) sa.keepaliveAt = now + (sa.cfg.config.ike.natKeepalive ?? DEFAULT_NAT_KEEPALIVE) * 1000;
    if (sa.peerInitialContact) this.initialContact(ctx, sa);
    const old = sa.replaces ? this.sas.get(sa.replaces) : undefined;
    if (old) ctx.emit({ event: 'ike-sa-rekeyed', ikeSaId: old.id, newIkeSaId: sa.id, spiI: hex(sa.ckyI), spiR: hex(sa.ckyR) });
    for (; sa.pendingQuickModes > 0; sa.pendingQuickModes--) this.quickMode(ctx, sa, now);
  }

  private phase1Label(sa: IsakmpSa): string {
    const next: Record<string, string> = { IKE_I_MM1: 'MM2', IKE_R_MM2: 'MM3', IKE_I_MM3: 'MM4', IKE_R_MM4: 'MM5', IKE_I_MM5: 'MM6', IKE_I_AM1: 'AM2', IKE_R_AM2: 'AM3' };
    return next[sa.state] ?? sa.state;
  }

  /** RFC 2407 section 4.6.3.3: INITIAL-CONTACT means the peer lost its state; our older SAs with it go. */
  private initialContact(ctx: Context, sa: IsakmpSa): void {
    for (const other of [...this.sas.values()]) {
      if (other === sa || other.remoteId !== sa.remoteId || other.remote.address !== sa.remote.address) continue;
      ctx.trace(`${other.id}: replaced by ${sa.id} (INITIAL-CONTACT)`);
      this.remove(ctx, other, 'replaced (INITIAL-CONTACT)');
    }
  }

  private failPhase1(ctx: Context, sa: IsakmpSa, e: unknown, now: number): void {
    const { notify, message } = notifyKind(e);
    ctx.emit({ event: 'error', ikeSaId: sa.id, notify: NotifyType.label(notify), message });
    // RFC 2408 section 5: the responder reports the failure; before keys are shared it goes in the
    // clear, once MM5 decrypted it goes encrypted, its IV chained from MM5 (RFC 2409 Appendix B).
    if (!sa.initiator && sa.mm5Opened) {
      sendInformational(ctx, sa, [notifyPayload(notify, ProtocolId.PROTO_ISAKMP, isakmpSpi(sa))], now, `INFORMATIONAL ${NotifyType.label(notify)}`, undefined, sa.iv);
    } else if (!sa.initiator) sendPlainNotify(ctx, sa, notify, now);
    this.remove(ctx, sa, `phase 1 failed: ${NotifyType.label(notify)}`);
  }

  private quickMode(ctx: Context, sa: IsakmpSa, now: number, ts?: { local: ClientId; remote: ClientId }, rekeyOf?: string): void {
    this.touched.add(sa);
    const mid = randomMessageId((n) => ctx.random(n), (id) => sa.quickModes.has(id));
    startQuickMode(ctx, sa, mid, now, ts, rekeyOf);
  }

  /**
   * The newest established ISAKMP SA with the same peer and config that came after `sa` (its
   * rekey, ours or the peer's), or `sa` itself.
   */
  private newest(sa: IsakmpSa): IsakmpSa {
    let best = sa;
    for (const o of this.sas.values()) {
      if (o === sa || o.state !== 'IKE_P1_COMPLETE' || o.cfg !== sa.cfg) continue;
      if (o.remote.address !== sa.remote.address || o.remoteId !== sa.remoteId) continue;
      if ((o.establishedAt ?? 0) >= (best.establishedAt ?? 0) && o.createdAt > sa.createdAt) best = o;
    }
    return best;
  }

  /** IPsec SAs outlive the ISAKMP SA that made them (their KEYMAT is their own); a successor looks after them. */
  private handOver(ctx: Context, sa: IsakmpSa): void {
    const next = this.newest(sa);
    if (next === sa || sa.children.size === 0) return;
    this.touched.add(next);
    ctx.trace(`${sa.id}: IPsec SAs ${[...sa.children.keys()].join(', ')} move to ${next.id}`);
    for (const [id, child] of sa.children) next.children.set(id, child);
    sa.children.clear();
  }

  /** Phase 1 rekey: a new Main or Aggressive Mode with the same config; the old SA stays until it expires. */
  private rekeyPhase1(ctx: Context, old: IsakmpSa, now: number): void {
    const sa = newIsakmpSa({
      id: this.newId('isakmp'),
      cfg: old.cfg,
      initiator: true,
      mode: old.mode,
      // A responder's config may name no peer address ("%any"): the peer is where the old SA talks to.
      local: old.initiator ? { address: old.cfg.config.local.address, port: old.cfg.config.local.port } : { address: old.local.address, port: old.cfg.config.local.port },
      remote: old.initiator ? { address: old.cfg.config.remote.address, port: old.cfg.config.remote.port } : { ...old.remote },
      peerMarker: false,
      ckyI: newCookie(ctx),
      ckyR: new Uint8Array(8),
      now,
    });
    sa.replaces = old.id;
    old.replacedBy = sa.id;
    ctx.trace(`${old.id}: rekeying phase 1 as ${sa.id}`);
    this.add(sa);
    startPhase1(ctx, sa, now);
  }

  private quickModeMessage(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, dgram: Datagram, now: number): void {
    if (sa.state !== 'IKE_P1_COMPLETE' || !isEncryptedMessageV1(msg) || msg.header.messageId === 0) {
      traceMessage(ctx, sa, 'recv', 'Quick Mode before phase 1 completed or in the clear, dropped', dgram.data);
      return;
    }
    const qm = sa.quickModes.get(msg.header.messageId);
    if (!qm && sa.quickModes.size >= MAX_QUICK_MODES) {
      traceMessage(ctx, sa, 'recv', `QM1 beyond ${MAX_QUICK_MODES} Quick Modes under way, dropped`, dgram.data);
      return;
    }
    if (qm?.lastIn && bytesEqual(qm.lastIn, dgram.data)) {
      this.resend(ctx, qm.replyOut, `${sa.id}: the peer repeated its last Quick Mode message`);
      return;
    }
    traceMessage(ctx, sa, 'recv', qm ? (qm.initiator ? 'QM2' : 'QM3') : 'QM1', dgram.data);
    try {
      const r = onQuickMode(ctx, sa, msg, dgram.data, now);
      this.follow(sa, dgram, now);
      if (r.connected) {
        // RFC 2408 section 3.1: the initiator waits for CONNECTED before it uses the SA.
        sendInformational(ctx, sa, [notifyPayload(NotifyType.CONNECTED, ProtocolId.PROTO_IPSEC_ESP, r.connected.spi)], now, 'INFORMATIONAL CONNECTED');
        // A repeated QM3 means CONNECTED was lost: answer it again.
        const done = sa.quickModes.get(msg.header.messageId);
        if (done) {
          done.lastIn = dgram.data;
          done.replyOut = ctx.out.datagrams.slice(-1);
        }
      }
    } catch (e) {
      const { notify, message } = notifyKind(e);
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: NotifyType.label(notify), message });
      const pending = sa.quickModes.get(msg.header.messageId);
      // A message that does not decrypt or authenticate changes nothing (its IV chain was not advanced):
      // the genuine one may still come. Any other failure ends the Quick Mode.
      const forged = e instanceof IkeError && e.kind === 'INTEGRITY_CHECK_FAILED';
      if (pending && pending.state !== 'QM_DONE' && !forged) sa.quickModes.delete(msg.header.messageId);
      // Tell the peer which offer failed: the initiator's SPI names it (RFC 2408 section 3.14).
      const spi = pending?.initiator ? pending.spiOwn : pending?.spiPeer ?? new Uint8Array(0);
      // Nothing is said about messages that did not authenticate: anyone can send those.
      if (!forged && (!pending || !pending.initiator)) {
        sendInformational(ctx, sa, [notifyPayload(notify, ProtocolId.PROTO_IPSEC_ESP, spi)], now, `INFORMATIONAL ${NotifyType.label(notify)}`);
      }
    }
  }

  private informational(ctx: Context, sa: IsakmpSa, msg: IkeV1Message, dgram: Datagram, now: number): void {
    if (!isEncryptedMessageV1(msg)) {
      traceMessage(ctx, sa, 'recv', 'INFORMATIONAL (in the clear)', dgram.data);
      const err = errorNotify(msg.payloads);
      // Unprotected notifications are believed only while phase 1 is still under way (RFC 2408 section 5).
      if (err && sa.state !== 'IKE_P1_COMPLETE') {
        ctx.emit({ event: 'error', ikeSaId: sa.id, notify: NotifyType.label(err.notifyType), message: `${sa.id}: the peer reported ${NotifyType.label(err.notifyType)}` });
        this.remove(ctx, sa, `peer reported ${NotifyType.label(err.notifyType)}`);
      }
      return;
    }
    if (sa.state !== 'IKE_P1_COMPLETE') {
      // A peer that refuses our MM5 says so encrypted, its IV chained from the last block it saw.
      let payloads: PayloadV1[] | undefined;
      if (sa.keys && sa.iv) {
        try {
          payloads = openInformational(ctx, sa, msg, sa.iv);
        } catch (e) {
          if (!(e instanceof IkeError)) throw e;
        }
      }
      if (!payloads && sa.state === 'IKE_I_MM5') {
        // The responder's report of our MM5, under keys we do not share: its SKEYID came from another key.
        ctx.emit({
          event: 'error',
          ikeSaId: sa.id,
          notify: NotifyType.label(NotifyType.AUTHENTICATION_FAILED),
          message: `${sa.id}: the peer answered MM5 with an Informational we cannot decrypt: the pre-shared keys differ (RFC 2409 section 5)`,
        });
        this.remove(ctx, sa, 'pre-shared key mismatch');
        return;
      }
      const err = payloads && errorNotify(payloads);
      if (!err) {
        traceMessage(ctx, sa, 'recv', 'encrypted INFORMATIONAL before phase 1 completed, dropped', dgram.data);
        return;
      }
      ctx.emit({ event: 'error', ikeSaId: sa.id, notify: NotifyType.label(err.notifyType), message: `${sa.id}: the peer reported ${NotifyType.label(err.notifyType)}` });
      this.remove(ctx, sa, `peer reported ${NotifyType.label(err.notifyType)}`);
      return;
    }
    traceMessage(ctx, sa, 'recv', 'INFORMATIONAL', dgram.data);
    let payloads;
    try {
      payloads = openInformational(ctx, sa, msg);
    } catch (e) {
      if (!(e instanceof IkeError)) throw e;
      ctx.emit({ event: 'error', ikeSaId: sa.id, message: e.message });
      return;
    }
    this.follow(sa, dgram, now);
    for (const d of findAll(payloads, PayloadType.D)) {
      if (d.protocolId === ProtocolId.PROTO_ISAKMP) {
        if (d.spis.some((s) => bytesEqual(s.subarray(0, 8), sa.ckyI) && bytesEqual(s.subarray(8), sa.ckyR))) {
          this.handOver(ctx, sa);
          this.remove(ctx, sa, 'deleted by peer');
          return;
        }
      } else if (d.protocolId === ProtocolId.PROTO_IPSEC_ESP) {
        for (const spi of d.spis) {
          const child = [...sa.children.values()].find((c) => bytesEqual(c.spiOut, spi));
          if (child) this.childDown(ctx, sa, child, 'deleted by peer');
        }
      }
    }
    for (const n of findAll(payloads, PayloadType.N)) {
      if (n.notifyType === NotifyType.R_U_THERE && n.data.length === 4) {
        const seq = ((n.data[0] << 24) >>> 0) + ((n.data[1] << 16) | (n.data[2] << 8) | n.data[3]);
        sendInformational(ctx, sa, [dpdNotify(sa, true, seq)], now, `INFORMATIONAL R-U-THERE-ACK ${seq}`);
      } else if (n.notifyType === NotifyType.R_U_THERE_ACK && n.data.length === 4) {
        const seq = ((n.data[0] << 24) >>> 0) + ((n.data[1] << 16) | (n.data[2] << 8) | n.data[3]);
        if (sa.dpdPending?.seq === seq) {
          sa.dpdPending = undefined;
          ctx.trace(`${sa.id}: DPD: peer alive (R-U-THERE-ACK ${seq})`);
        }
      } else if (n.notifyType === NotifyType.CONNECTED) {
        const qm = [...sa.quickModes.values()].find((q) => q.state === 'QM_I_CONNECTED' && bytesEqual(q.spiPeer ?? new Uint8Array(0), n.spi));
        if (qm) this.installConnected(ctx, sa, qm, now);
      } else if (n.notifyType < 16384) {
        ctx.emit({ event: 'error', ikeSaId: sa.id, notify: NotifyType.label(n.notifyType), message: `${sa.id}: the peer reported ${NotifyType.label(n.notifyType)}` });
        // A Quick Mode that the peer refused: the SPI names our offer, else the one pending Quick Mode.
        const pending = [...sa.quickModes.values()].filter((q) => q.initiator && q.state === 'QM_I_QM1');
        const qm = pending.find((q) => bytesEqual(q.spiOwn, n.spi)) ?? (pending.length === 1 ? pending[0] : undefined);
        if (qm) sa.quickModes.delete(qm.messageId);
      }
    }
  }

  private installConnected(ctx: Context, sa: IsakmpSa, qm: QuickMode, now: number): void {
    ctx.trace(`${sa.id}: Quick Mode 0x${qm.messageId.toString(16)}: CONNECTED received`);
    installChild(ctx, sa, qm, now);
  }

  // ---- timers --------------------------------------------------------------------------------

  /**
   * Ticks the SAs that are due, in the order they were made, as a scan of every SA would: one that
   * an earlier tick makes due (IPsec SAs handed over, a Quick Mode started on it) is ticked in the
   * same call if it comes later in that order and existed when the call began.
   */
  timeout(now: number): OutputV1 {
    return this.run((ctx) => {
      const last = this.counters.get('isakmp') ?? 0;
      const order = new DeadlineQueue<IsakmpSa>();
      const queued = new Set<IsakmpSa>();
      const deferred = new Set<IsakmpSa>();
      let current = 0;
      const collect = () => {
        for (let top = this.liveDeadline(); top && top.at <= now; top = this.liveDeadline()) {
          this.deadlines.pop();
          const sa = top.item;
          sa.timerAt = undefined;
          const n = creationNumber(sa);
          if (n <= current || n > last) deferred.add(sa);
          else if (!queued.has(sa)) {
            queued.add(sa);
            order.push(n, sa);
          }
        }
      };
      try {
        collect();
        for (let next = order.pop(); next; next = order.pop()) {
          current = next.at;
          this.touched.add(next.item);
          this.saTimers(ctx, next.item, now);
          this.reschedule();
          collect();
        }
      } finally {
        // Taken off the queue but not ticked here: their deadlines go back when the call returns.
        for (const sa of deferred) this.touched.add(sa);
        for (let rest = order.pop(); rest; rest = order.pop()) this.touched.add(rest.item);
      }
    });
  }

  private saTimers(ctx: Context, sa: IsakmpSa, now: number): void {
    // Half-open responder state is bounded in time; an initiator is bounded by its retransmissions.
    if (!sa.initiator && sa.state !== 'IKE_P1_COMPLETE' && now >= sa.createdAt + this.opts.halfOpenTimeout) {
      ctx.emit({ event: 'error', ikeSaId: sa.id, message: `${sa.id}: phase 1 did not complete in ${this.opts.halfOpenTimeout} ms` });
      this.remove(ctx, sa, 'half-open timeout');
      return;
    }
    if (sa.retx && now >= sa.retx.at) {
      if (!this.retransmitDue(ctx, sa, sa)) {
        ctx.emit({ event: 'error', ikeSaId: sa.id, message: `${sa.id}: no answer from the peer in ${sa.state} after ${this.opts.retransmitTries} retransmissions` });
        this.remove(ctx, sa, 'peer did not answer');
        return;
      }
    }
    if (sa.state !== 'IKE_P1_COMPLETE') return;
    if (sa.expiresAt !== undefined && now >= sa.expiresAt) {
      this.handOver(ctx, sa);
      this.deleteSa(ctx, sa, now, 'expired');
      return;
    }
    if (sa.rekeyAt !== undefined && now >= sa.rekeyAt) {
      sa.rekeyAt = undefined;
      if (!sa.replacedBy) this.rekeyPhase1(ctx, sa, now);
    }
    for (const child of [...sa.children.values()]) {
      if (now >= child.expiresAt) {
        sendInformational(ctx, sa, [espDelete([child.spiIn])], now, 'INFORMATIONAL DELETE (ESP)');
        this.childDown(ctx, sa, child, 'expired');
      } else if (child.rekeyAt !== undefined && now >= child.rekeyAt && !child.rekeying) {
        child.rekeying = true;
        ctx.trace(`${sa.id}: rekeying ${child.id}`);
        this.quickMode(ctx, this.newest(sa), now, { local: child.localTs, remote: child.remoteTs }, child.id);
      }
    }
    for (const qm of [...sa.quickModes.values()]) {
      if (qm.state === 'QM_DONE' && !qm.retx && now >= qm.startedAt + QM_LINGER) {
        sa.quickModes.delete(qm.messageId);
        continue;
      }
      if (qm.retx && now >= qm.retx.at && !this.retransmitDue(ctx, qm, sa)) {
        ctx.emit({ event: 'error', ikeSaId: sa.id, message: `${sa.id}: Quick Mode 0x${qm.messageId.toString(16)} got no answer after ${this.opts.retransmitTries} retransmissions` });
        sa.quickModes.delete(qm.messageId);
      }
    }
    if (sa.dpdPending?.retx && now >= sa.dpdPending.retx.at && !this.retransmitDue(ctx, sa.dpdPending, sa)) {
      ctx.emit({ event: 'error', ikeSaId: sa.id, message: `${sa.id}: no R-U-THERE-ACK (RFC 3706): the peer is dead` });
      this.remove(ctx, sa, 'dead peer (RFC 3706)');
      return;
    }
    const dpdAt = this.dpdDue(sa);
    if (dpdAt !== undefined && now >= dpdAt) this.sendDpd(ctx, sa, now);
    if (sa.keepaliveAt !== undefined && now >= sa.keepaliveAt) {
      // RFC 3948 section 2.3: a one-octet 0xFF keeps the NAT mapping alive.
      ctx.send({ data: NAT_KEEPALIVE.slice(), local: { ...sa.local }, remote: { ...sa.remote }, marker: false });
      sa.keepaliveAt = now + (sa.cfg.config.ike.natKeepalive ?? DEFAULT_NAT_KEEPALIVE) * 1000;
    }
  }

  private dpdDue(sa: IsakmpSa): number | undefined {
    const delay = sa.cfg.config.ike.dpdDelay;
    if (!delay || !sa.dpd || sa.dpdPending || sa.state !== 'IKE_P1_COMPLETE') return undefined;
    return sa.lastHeard + delay * 1000;
  }

  /** Resends an exchange's last message; false when the retries are used up. */
  private retransmitDue(ctx: Context, ex: Exchange, sa: IsakmpSa): boolean {
    const r = ex.retx!;
    if (r.tries >= this.opts.retransmitTries) {
      ex.retx = undefined;
      return false;
    }
    r.tries++;
    r.interval *= 2;
    r.at += r.interval;
    this.resend(ctx, ex.lastOut, `${sa.id}: retransmission ${r.tries}`);
    return true;
  }

  private resend(ctx: Context, datagrams: Datagram[] | undefined, why: string): void {
    if (!datagrams) return;
    ctx.trace(`${why}: resending ${datagrams.length} datagram(s)`);
    for (const d of datagrams) ctx.send({ ...d });
  }

  /** The earliest time `timeout` has work to do (absolute ms). */
  nextTimeout(): number | undefined {
    return this.liveDeadline()?.at;
  }

  /** The earliest time `timeout` has work to do for this SA. */
  private saDeadline(sa: IsakmpSa): number | undefined {
    let next: number | undefined;
    const at = (t: number | undefined) => {
      if (t !== undefined && (next === undefined || t < next)) next = t;
    };
    at(sa.retx?.at);
    if (sa.state !== 'IKE_P1_COMPLETE') {
      if (!sa.initiator) at(sa.createdAt + this.opts.halfOpenTimeout);
      return next;
    }
    at(sa.expiresAt);
    at(sa.rekeyAt);
    for (const c of sa.children.values()) {
      at(c.expiresAt);
      if (!c.rekeying) at(c.rekeyAt);
    }
    for (const qm of sa.quickModes.values()) at(qm.retx ? qm.retx.at : qm.state === 'QM_DONE' ? qm.startedAt + QM_LINGER : undefined);
    at(sa.dpdPending?.retx?.at);
    at(this.dpdDue(sa));
    at(sa.keepaliveAt);
    return next;
  }

  // ---- bookkeeping ---------------------------------------------------------------------------

  /**
   * Responder SAs whose phase 1 has not completed. The set holds every responder SA until it is
   * seen complete or removed, so a count walks at most the half-open SAs and the few completed
   * since the last count, not every SA.
   */
  private halfOpenCount(): number {
    for (const s of this.halfOpenResponders) if (s.state === 'IKE_P1_COMPLETE' || this.sas.get(s.id) !== s) this.halfOpenResponders.delete(s);
    return this.halfOpenResponders.size;
  }

  private add(sa: IsakmpSa): void {
    if (!sa.initiator && sa.state !== 'IKE_P1_COMPLETE') this.halfOpenResponders.add(sa);
    this.sas.set(sa.id, sa);
    this.byCookie.set(toHex(sa.ckyI), sa);
    this.touched.add(sa);
  }

  private sa(ikeSaId: string): IsakmpSa {
    const sa = this.sas.get(ikeSaId);
    if (!sa) throw new IkeError('INVALID_ARGUMENT', `no ISAKMP SA ${ikeSaId}`);
    this.touched.add(sa);
    return sa;
  }

  private child(childSaId: string): { sa: IsakmpSa; child: IpsecSa } {
    for (const sa of this.sas.values()) {
      const child = sa.children.get(childSaId);
      if (!child) continue;
      this.touched.add(sa);
      return { sa, child };
    }
    throw new IkeError('INVALID_ARGUMENT', `no IPsec SA ${childSaId}`);
  }

  private childDown(ctx: Context, sa: IsakmpSa, child: IpsecSa, reason: string): void {
    sa.children.delete(child.id);
    ctx.emit({ event: 'child-sa-down', ikeSaId: sa.id, childSaId: child.id, spiIn: hex(child.spiIn), spiOut: hex(child.spiOut), reason });
  }

  private deleteSa(ctx: Context, sa: IsakmpSa, now: number, reason: string): void {
    if (sa.state === 'IKE_P1_COMPLETE') {
      const children = [...sa.children.values()];
      if (children.length) sendInformational(ctx, sa, [espDelete(children.map((c) => c.spiIn))], now, 'INFORMATIONAL DELETE (ESP)');
      sendInformational(ctx, sa, [isakmpDelete(sa)], now, 'INFORMATIONAL DELETE (ISAKMP)');
    }
    this.remove(ctx, sa, reason);
  }

  private remove(ctx: Context, sa: IsakmpSa, reason: string): void {
    const old = sa.replaces ? this.sas.get(sa.replaces) : undefined;
    if (old?.replacedBy === sa.id && sa.state !== 'IKE_P1_COMPLETE') old.replacedBy = undefined;
    for (const child of [...sa.children.values()]) this.childDown(ctx, sa, child, reason);
    setState(ctx, sa, 'IKE_DELETED');
    this.sas.delete(sa.id);
    this.halfOpenResponders.delete(sa);
    sa.timerAt = undefined;
    if (this.byCookie.get(toHex(sa.ckyI)) === sa) this.byCookie.delete(toHex(sa.ckyI));
    sa.keys?.SKEYID.fill(0);
    sa.keys?.SKEYID_d.fill(0);
    sa.keys?.SKEYID_a.fill(0);
    sa.keys?.SKEYID_e.fill(0);
    sa.keys?.key.fill(0);
    ctx.emit({ event: 'ike-sa-down', ikeSaId: sa.id, reason });
  }

  // ---- status --------------------------------------------------------------------------------

  /** One row per ISAKMP SA with its IPsec SAs; lifetimes left are computed when `now` is given. */
  status(now?: number): IsakmpSaStatusV1[] {
    const left = (t: number | undefined) => (t === undefined || now === undefined ? undefined : Math.max(0, Math.round((t - now) / 1000)));
    return [...this.sas.values()].map((sa) => {
      const row: IsakmpSaStatusV1 = {
        ikeSaId: sa.id,
        name: sa.cfg.name,
        state: sa.state,
        mode: sa.mode,
        initiator: sa.initiator,
        spiI: hex(sa.ckyI),
        spiR: hex(sa.ckyR),
        local: { ...sa.local },
        remote: { ...sa.remote },
        localId: sa.localId,
        authMethod: 'PRE_SHARED_KEY',
        nat: { ...sa.nat },
        dpd: sa.dpd,
        peerVendorIds: [...sa.peerVendorIds],
        children: [...sa.children.values()].map((c) => {
          const r: IpsecSaStatusV1 = {
            childSaId: c.id,
            state: 'INSTALLED',
            spiIn: hex(c.spiIn),
            spiOut: hex(c.spiOut),
            algorithms: describePhase2(c.policy),
            mode: `${isTransportMode(c.encapsulation) ? 'transport' : 'tunnel'}${isUdpMode(c.encapsulation) ? ' (UDP)' : ''}`,
            localTs: [formatClientId(c.localTs)],
            remoteTs: [formatClientId(c.remoteTs)],
            establishedAt: c.establishedAt,
            expiresAt: c.expiresAt,
          };
          if (c.policy.group !== undefined) r.pfsGroup = groupName(c.policy.group);
          const l = left(c.expiresAt);
          if (l !== undefined) r.lifetimeLeft = l;
          return r;
        }),
      };
      if (sa.remoteId !== undefined) row.remoteId = sa.remoteId;
      if (sa.policy) row.algorithms = describePhase1(sa.policy);
      if (sa.establishedAt !== undefined) row.establishedAt = sa.establishedAt;
      if (sa.expiresAt !== undefined) row.expiresAt = sa.expiresAt;
      const l = left(sa.expiresAt);
      if (l !== undefined) row.lifetimeLeft = l;
      return row;
    });
  }
}
