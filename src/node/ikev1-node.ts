/**
 * The Node API for IKEv1: `startIkev1` binds the UDP sockets of the version 1 configs, drives the
 * sans-IO `Ikev1Endpoint` with them and a timer, and re-emits its events on an EventEmitter, with
 * `connect()` as a Promise over the first IPsec SA (phase 2) of a new ISAKMP SA (phase 1).
 */
import { EventEmitter } from 'node:events';
import type { CryptoProvider } from '../crypto/provider.js';
import { defaultNattPort, Ikev1Endpoint } from '../ikev1/index.js';
import type { EndpointOptionsV1, IkeConfigV1, IkeEventV1, IsakmpSaStatusV1, OutputV1 } from '../ikev1/index.js';
import { nodeProvider } from './crypto/index.js';
import { IkeConnectError, type ConnectResult } from './ikev2-node.js';
import { ikev1DecryptionTableLine } from './keylog.js';
import { KeylogFiles } from './keylog-files.js';
import { EndpointDriver, UdpTransport, type Binding, type SansIoEndpoint } from './transport.js';

export interface StartIkev1Options {
  configs: IkeConfigV1[];
  /** Defaults to the node:crypto provider (OpenSSL, with the pure provider behind it). */
  provider?: CryptoProvider;
  /** Ask the endpoint for 'trace' events (payload dumps, MM1..QM3 and IKE_I_MM1..IKE_P1_COMPLETE states). */
  trace?: boolean;
  /**
   * Where to append Wireshark key tables. An existing directory gets `ikev1_decryption_table` and
   * `esp_sa` inside it (the file names Wireshark reads from a profile); any other path gets the
   * ISAKMP rows, and `<path>.esp_sa` the ESP rows.
   */
  keylog?: string;
  /** Emit 'keys' events even without a keylog file. */
  keys?: boolean;
  /** Further endpoint options (retransmitBase, commitBit, ...). */
  endpoint?: Partial<Omit<EndpointOptionsV1, 'provider' | 'configs'>>;
  /** Milliseconds of a monotonic clock; performance.now() by default. */
  clock?: () => number;
}

type Named<E extends IkeEventV1['event']> = Extract<IkeEventV1, { event: E }>;

export interface IkeNodeV1 extends EventEmitter {
  readonly endpoint: Ikev1Endpoint;
  readonly transport: UdpTransport;
  /** Starts phase 1 for a config (the first if undefined); resolves at its first child-sa-up (Quick Mode done). */
  connect(configName?: string, opts?: { timeoutMs?: number }): Promise<ConnectResult>;
  /** Runs an endpoint operation (startQuickMode, rekeyIpsecSa, ...) with the current time and sends its output. */
  act(operation: (endpoint: Ikev1Endpoint, now: number) => OutputV1): void;
  /** The next event of that name for which `match` holds; rejects after timeoutMs. */
  waitFor<E extends IkeEventV1['event']>(name: E, match?: (e: Named<E>) => boolean, timeoutMs?: number): Promise<Named<E>>;
  /** ISAKMP SAs with their IPsec SAs, lifetimes left as of now. */
  status(): IsakmpSaStatusV1[];
  /** The driver's clock, the time base of status() timestamps. */
  now(): number;
  /**
   * Deletes every ISAKMP SA and its IPsec SAs (RFC 2408 section 3.15: Delete payloads, which are
   * not answered), lets the datagrams leave for up to graceMs, closes the sockets.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/** The sockets a set of version 1 configs needs: each local IKE port and its NAT-T port (RFC 3947 section 4). */
export function bindingsOfV1(configs: IkeConfigV1[]): Binding[] {
  const out: Binding[] = [];
  const seen = new Set<string>();
  for (const c of configs) {
    for (const b of [
      { address: c.local.address, port: c.local.port, role: 'ike' as const },
      { address: c.local.address, port: c.local.nattPort ?? defaultNattPort(c.local.port), role: 'natt' as const },
    ]) {
      const key = `${b.address}|${b.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(b);
    }
  }
  return out;
}

class NodeV1 extends EventEmitter implements IkeNodeV1 {
  readonly endpoint: Ikev1Endpoint;
  transport!: UdpTransport;
  private driver!: EndpointDriver;
  private readonly keylog?: KeylogFiles;
  private closing?: Promise<void>;

  constructor(private readonly opts: StartIkev1Options) {
    super();
    this.endpoint = new Ikev1Endpoint({
      ...opts.endpoint,
      provider: opts.provider ?? nodeProvider,
      configs: opts.configs,
      trace: opts.trace ?? false,
      keylog: Boolean(opts.keylog) || Boolean(opts.keys),
    });
    if (opts.keylog) this.keylog = new KeylogFiles(opts.keylog, 'ikev1_decryption_table');
  }

  async start(): Promise<this> {
    this.transport = await UdpTransport.open({
      bindings: bindingsOfV1(this.opts.configs),
      onDatagram: (d) => this.driver.receive(d),
      onError: (err, where) => this.dispatch([{ event: 'error', message: where ? `UDP ${where.address}:${where.port}: ${err.message}` : err.message }]),
    });
    // OutputV1 has the shape of the IKEv2 Output with IKEv1 events; the driver only passes them on.
    this.driver = new EndpointDriver(this.endpoint as unknown as SansIoEndpoint, this.transport, (events) => this.dispatch(events as IkeEventV1[]), this.opts.clock);
    return this;
  }

  private dispatch(events: IkeEventV1[]): void {
    for (const e of events) if (e.event === 'keys') this.writeKeys(e);
    for (const e of events) {
      // An EventEmitter throws an unheard 'error'; here an unheard error is only an event.
      if (e.event !== 'error' || this.listenerCount('error') > 0) this.emit(e.event, e);
      this.emit('event', e);
    }
  }

  private writeKeys(e: Named<'keys'>): void {
    if (!this.keylog) return;
    try {
      if (e.kind === 'isakmp') {
        this.keylog.append(this.keylog.ike, ikev1DecryptionTableLine(e.spiI, e.encryptionKey));
        return;
      }
      if (e.kind !== 'child') return;
      this.keylog.appendChildSa(e, this.endpoint.status().find((s) => s.ikeSaId === e.ikeSaId));
    } catch (err) {
      this.dispatch([{ event: 'error', ikeSaId: e.ikeSaId, message: `keylog: ${err instanceof Error ? err.message : String(err)}` }]);
    }
  }

  private run(call: (now: number) => OutputV1): void {
    this.driver.run(call as never);
  }

  act(operation: (endpoint: Ikev1Endpoint, now: number) => OutputV1): void {
    this.run((now) => operation(this.endpoint, now));
  }

  now(): number {
    return this.driver.clock();
  }

  status(): IsakmpSaStatusV1[] {
    return this.endpoint.status(this.driver.clock());
  }

  waitFor<E extends IkeEventV1['event']>(name: E, match: (e: Named<E>) => boolean = () => true, timeoutMs = 10_000): Promise<Named<E>> {
    return new Promise((resolve, reject) => {
      const onEvent = (e: IkeEventV1) => {
        if (e.event !== name || !match(e as Named<E>)) return;
        done();
        resolve(e as Named<E>);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.off('event', onEvent);
      };
      this.on('event', onEvent);
    });
  }

  connect(configName?: string, opts: { timeoutMs?: number } = {}): Promise<ConnectResult> {
    return new Promise((resolve, reject) => {
      let ikeSaId: string | undefined;
      const finish = (err?: Error, result?: ConnectResult) => {
        clearTimeout(timer);
        this.off('event', onEvent);
        if (err) reject(err);
        else resolve(result!);
      };
      const onEvent = (e: IkeEventV1) => {
        if (ikeSaId === undefined) return;
        if (e.event === 'ike-sa-rekeyed' && e.ikeSaId === ikeSaId) ikeSaId = e.newIkeSaId;
        else if (e.event === 'child-sa-up' && e.ikeSaId === ikeSaId && !e.rekeyOf) finish(undefined, { ikeSaId: e.ikeSaId, childSaId: e.childSaId });
        else if (e.event === 'error' && e.ikeSaId === ikeSaId) finish(new IkeConnectError(e.notify ? `${e.notify}: ${e.message}` : e.message, ikeSaId, e.notify));
        else if (e.event === 'ike-sa-down' && e.ikeSaId === ikeSaId) finish(new IkeConnectError(`ISAKMP SA down: ${e.reason}`, ikeSaId));
      };
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const timer = setTimeout(() => finish(new IkeConnectError(`no IPsec SA within ${timeoutMs} ms`, ikeSaId)), timeoutMs);
      const before = new Set(this.endpoint.status().map((s) => s.ikeSaId));
      const out = this.endpoint.initiate(configName, this.driver.clock());
      // The new ISAKMP SA is the one status() did not list before initiate().
      ikeSaId = this.endpoint.status().find((s) => !before.has(s.ikeSaId))?.ikeSaId;
      this.on('event', onEvent);
      this.run(() => out);
      if (ikeSaId === undefined) {
        const why = out.events.find((e) => e.event === 'error');
        finish(new IkeConnectError(why && why.event === 'error' ? why.message : `initiate(${configName ?? ''}) started no ISAKMP SA`));
      }
    });
  }

  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.graceMs ?? 200);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    let sent = 0;
    for (const sa of this.endpoint.status()) {
      let out: OutputV1;
      try {
        out = this.endpoint.deleteIsakmpSa(sa.ikeSaId, this.driver.clock());
      } catch {
        continue;
      }
      sent += out.datagrams.length;
      this.run(() => out);
    }
    // RFC 2408 section 3.15: a Delete is not acknowledged; give the datagrams time to leave.
    if (sent > 0) await new Promise((r) => setTimeout(r, Math.min(graceMs, 50)));
    this.driver.stop();
    await this.transport.close();
  }
}

/** Binds the sockets of `opts.configs` (version 1) and starts answering; see IkeNodeV1. */
export async function startIkev1(opts: StartIkev1Options): Promise<IkeNodeV1> {
  return new NodeV1(opts).start();
}
