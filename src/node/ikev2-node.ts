/**
 * The Node API for IKEv2: `startIkev2` binds the UDP sockets of the configs, drives the sans-IO
 * `Ikev2Endpoint` with them and a timer, and re-emits the endpoint's events on an EventEmitter,
 * with `connect()` as a Promise over the first Child SA of a new IKE SA.
 */
import type { EventEmitter } from 'node:events';
import type { IkeConfig } from '../config/index.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { defaultNattPort, Ikev2Endpoint } from '../ikev2/index.js';
import type { EndpointOptions, IkeEvent, Output, SaStatus } from '../ikev2/index.js';
import { nodeProvider } from './crypto/index.js';
import { ikev2DecryptionTableLine, parseAlgorithmName } from './keylog.js';
import { KeylogFiles } from './keylog-files.js';
import { IkeConnectError, NodeBase, type ConnectResult, type NamedEvent } from './node-base.js';
import type { Binding, UdpTransport } from './transport.js';

export { IkeConnectError, type ConnectResult };

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

type Named<E extends IkeEvent['event']> = NamedEvent<E>;

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
  /** The driver's clock (ms): the time base of endpoint calls made directly. */
  now(): number;
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

class Node extends NodeBase<Ikev2Endpoint> implements IkeNode {
  protected readonly defaultGraceMs = 2000;

  constructor(opts: StartIkev2Options) {
    const endpoint = new Ikev2Endpoint({
      ...opts.endpoint,
      provider: opts.provider ?? nodeProvider,
      configs: opts.configs,
      trace: opts.trace ?? false,
      keylog: Boolean(opts.keylog) || Boolean(opts.keys),
    });
    const keylog = opts.keylog ? new KeylogFiles(opts.keylog, 'ikev2_decryption_table') : undefined;
    super(endpoint, bindingsOf(opts.configs), keylog, opts.clock, { ikeSa: 'IKE SA', childSa: 'CHILD SA' });
  }

  protected writeKeys(e: Named<'keys'>): void {
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
      this.keylogFailed(e.ikeSaId, err);
    }
  }

  act(operation: (endpoint: Ikev2Endpoint, now: number) => Output): void {
    this.run((now) => operation(this.endpoint, now));
  }

  status(): SaStatus[] {
    return this.endpoint.status();
  }

  /** RFC 7296 section 1.4.1: a Delete is answered; waits up to graceMs for the answers. */
  protected async deleteAll(graceMs: number): Promise<void> {
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
      this.run(() => out);
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
  }
}

/** Binds the sockets of `opts.configs` and starts answering; see IkeNode. */
export async function startIkev2(opts: StartIkev2Options): Promise<IkeNode> {
  return new Node(opts).start();
}
