/**
 * The Node API for IKEv2: `startIkev2` binds the UDP sockets of the configs, drives the sans-IO
 * `Ikev2Endpoint` with them and a timer, and re-emits the endpoint's events on an EventEmitter,
 * with `connect()` as a Promise over the first Child SA of a new IKE SA.
 */
import { EventEmitter } from 'node:events';
import type { IkeConfig } from '../config/index.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { defaultNattPort, Ikev2Endpoint } from '../ikev2/index.js';
import type { EndpointOptions, IkeEvent, Output, SaStatus } from '../ikev2/index.js';
import { nodeProvider } from './crypto/index.js';
import { ikev2DecryptionTableLine, parseAlgorithmName } from './keylog.js';
import { KeylogFiles } from './keylog-files.js';
import { EndpointDriver, UdpTransport, type Binding } from './transport.js';

export interface StartIkev2Options {
  configs: IkeConfig[];
  /** Defaults to the node:crypto provider (OpenSSL, with the pure provider behind it). */
  provider?: CryptoProvider;
  /** Ask the endpoint for 'trace' events (payload dumps, state transitions). */
  trace?: boolean;
  /**
   * Where to append Wireshark key tables. An existing directory gets `ikev2_decryption_table` and
   * `esp_sa` inside it (the file names Wireshark reads from a profile); any other path gets the
   * IKE rows, and `<path>.esp_sa` the ESP rows.
   */
  keylog?: string;
  /** Emit 'keys' events even without a keylog file. */
  keys?: boolean;
  /** Further endpoint options (cookieThreshold, retransmitBase, ...). */
  endpoint?: Partial<Omit<EndpointOptions, 'provider' | 'configs'>>;
  /** Milliseconds of a monotonic clock; performance.now() by default. */
  clock?: () => number;
}

export interface ConnectResult {
  ikeSaId: string;
  childSaId: string;
}

/** Thrown by connect() when the IKE SA fails; `notify` is the notify name when the peer sent one. */
export class IkeConnectError extends Error {
  constructor(message: string, readonly ikeSaId?: string, readonly notify?: string) {
    super(message);
    this.name = 'IkeConnectError';
  }
}

type Named<E extends IkeEvent['event']> = Extract<IkeEvent, { event: E }>;

export interface IkeNode extends EventEmitter {
  readonly endpoint: Ikev2Endpoint;
  readonly transport: UdpTransport;
  /** Starts IKE_SA_INIT for a config (the first if undefined); resolves at its first child-sa-up. */
  connect(configName?: string, opts?: { timeoutMs?: number }): Promise<ConnectResult>;
  /** Runs an endpoint operation (createChildSa, rekeyIkeSa, ...) with the current time and sends its output. */
  act(operation: (endpoint: Ikev2Endpoint, now: number) => Output): void;
  /** The next event of that name for which `match` holds; rejects after timeoutMs. */
  waitFor<E extends IkeEvent['event']>(name: E, match?: (e: Named<E>) => boolean, timeoutMs?: number): Promise<Named<E>>;
  status(): SaStatus[];
  /** Deletes every IKE SA (RFC 7296 section 1.4.1), waits up to graceMs for the answers, closes the sockets. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/** The sockets a set of configs needs: each local IKE port and its NAT-T port. */
export function bindingsOf(configs: IkeConfig[]): Binding[] {
  const out: Binding[] = [];
  for (const c of configs) {
    out.push({ address: c.local.address, port: c.local.port, role: 'ike' });
    out.push({ address: c.local.address, port: c.local.nattPort ?? defaultNattPort(c.local.port), role: 'natt' });
  }
  return out;
}

class Node extends EventEmitter implements IkeNode {
  readonly endpoint: Ikev2Endpoint;
  transport!: UdpTransport;
  private driver!: EndpointDriver;
  private readonly keylog?: KeylogFiles;
  private closing?: Promise<void>;

  constructor(private readonly opts: StartIkev2Options) {
    super();
    this.endpoint = new Ikev2Endpoint({
      ...opts.endpoint,
      provider: opts.provider ?? nodeProvider,
      configs: opts.configs,
      trace: opts.trace ?? false,
      keylog: Boolean(opts.keylog) || Boolean(opts.keys),
    });
    if (opts.keylog) this.keylog = new KeylogFiles(opts.keylog, 'ikev2_decryption_table');
  }

  async start(): Promise<this> {
    this.transport = await UdpTransport.open({
      bindings: bindingsOf(this.opts.configs),
      onDatagram: (d) => this.driver.receive(d),
      onError: (err, where) => this.dispatch([{ event: 'error', message: where ? `UDP ${where.address}:${where.port}: ${err.message}` : err.message }]),
    });
    this.driver = new EndpointDriver(this.endpoint, this.transport, (events) => this.dispatch(events), this.opts.clock);
    return this;
  }

  private dispatch(events: IkeEvent[]): void {
    for (const e of events) if (e.event === 'keys') this.writeKeys(e);
    for (const e of events) {
      // An EventEmitter throws an unheard 'error'; here an unheard error is only an event.
      if (e.event !== 'error' || this.listenerCount('error') > 0) this.emit(e.event, e);
      this.emit('event', e);
    }
  }

  private writeKeys(e: Named<'keys'>): void {
    // IKEv1 keys ('isakmp') belong in ikev1_decryption_table, which the IKEv1 node writes.
    if (!this.keylog || e.kind === 'isakmp') return;
    try {
      if (e.kind === 'ike') {
        const encr = parseAlgorithmName(e.encr, 'encr');
        const integ = parseAlgorithmName(e.integ, 'integ');
        if (!encr) throw new Error(`unknown encryption algorithm ${e.encr}`);
        const line = ikev2DecryptionTableLine({ ...e, encr: encr.id, keyBits: encr.keyBits, integ: integ?.id });
        this.keylog.append(this.keylog.ike, line);
        return;
      }
      this.keylog.appendChildSa(e, this.endpoint.status().find((s) => s.ikeSaId === e.ikeSaId));
    } catch (err) {
      this.dispatch([{ event: 'error', ikeSaId: e.ikeSaId, message: `keylog: ${err instanceof Error ? err.message : String(err)}` }]);
    }
  }

  act(operation: (endpoint: Ikev2Endpoint, now: number) => Output): void {
    this.driver.run((now) => operation(this.endpoint, now));
  }

  status(): SaStatus[] {
    return this.endpoint.status();
  }

  waitFor<E extends IkeEvent['event']>(name: E, match: (e: Named<E>) => boolean = () => true, timeoutMs = 10_000): Promise<Named<E>> {
    return new Promise((resolve, reject) => {
      const onEvent = (e: IkeEvent) => {
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
      const early: IkeEvent[] = [];
      const finish = (err?: Error, result?: ConnectResult) => {
        clearTimeout(timer);
        this.off('event', onEvent);
        if (err) reject(err);
        else resolve(result!);
      };
      const handle = (e: IkeEvent) => {
        if (e.event === 'ike-sa-rekeyed' && e.ikeSaId === ikeSaId) ikeSaId = e.newIkeSaId;
        else if (e.event === 'child-sa-up' && e.ikeSaId === ikeSaId && !e.rekeyOf) finish(undefined, { ikeSaId: e.ikeSaId, childSaId: e.childSaId });
        else if (e.event === 'error' && e.ikeSaId === ikeSaId) finish(new IkeConnectError(e.notify ? `${e.notify}: ${e.message}` : e.message, ikeSaId, e.notify));
        else if (e.event === 'ike-sa-down' && e.ikeSaId === ikeSaId) finish(new IkeConnectError(`IKE SA down: ${e.reason}`, ikeSaId));
      };
      const onEvent = (e: IkeEvent) => (ikeSaId === undefined ? early.push(e) : handle(e));
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const timer = setTimeout(() => finish(new IkeConnectError(`no CHILD SA within ${timeoutMs} ms`, ikeSaId)), timeoutMs);
      this.on('event', onEvent);
      let out: Output;
      try {
        out = this.endpoint.initiate(configName, this.driver.clock());
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      ikeSaId = out.ikeSaId;
      this.driver.run(() => out);
      if (ikeSaId === undefined) {
        finish(new IkeConnectError(`initiate(${configName ?? ''}) started no IKE SA`));
        return;
      }
      for (const e of early.splice(0)) handle(e);
    });
  }

  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.graceMs ?? 2000);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const pending = new Set<string>();
    const down = new Set<string>();
    let wake: (() => void) | undefined;
    const onEvent = (e: IkeEvent) => {
      if (e.event !== 'ike-sa-down') return;
      down.add(e.ikeSaId);
      pending.delete(e.ikeSaId);
      if (pending.size === 0) wake?.();
    };
    this.on('event', onEvent);
    for (const sa of this.endpoint.status()) {
      let out: Output;
      try {
        out = this.endpoint.deleteIkeSa(sa.ikeSaId, this.driver.clock());
      } catch {
        continue; // half-open or already going: nothing to delete cleanly
      }
      if (out.datagrams.length > 0) pending.add(sa.ikeSaId);
      this.driver.run(() => out);
    }
    for (const id of down) pending.delete(id);
    if (pending.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => resolve(), graceMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.off('event', onEvent);
    this.driver.stop();
    await this.transport.close();
  }
}

/** Binds the sockets of `opts.configs` and starts answering; see IkeNode. */
export async function startIkev2(opts: StartIkev2Options): Promise<IkeNode> {
  return new Node(opts).start();
}
