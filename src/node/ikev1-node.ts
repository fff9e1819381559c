/**
 * The Node API for IKEv1: `startIkev1` binds the UDP sockets of the version 1 configs, drives the
 * sans-IO `Ikev1Endpoint` with them and a timer, and re-emits its events on an EventEmitter, with
 * `connect()` as a Promise over the first IPsec SA (phase 2) of a new ISAKMP SA (phase 1).
 */
import type { EventEmitter } from 'node:events';
import type { CryptoProvider } from '../crypto/provider.js';
import { defaultNattPort, Ikev1Endpoint } from '../ikev1/index.js';
import type { EndpointOptionsV1, IkeConfigV1, IkeEventV1, IsakmpSaStatusV1, OutputV1 } from '../ikev1/index.js';
import { nodeProvider } from './crypto/index.js';
import { ikev1DecryptionTableLine } from './keylog.js';
import { KeylogFiles } from './keylog-files.js';
import { NodeBase, type ConnectResult, type NamedEvent } from './node-base.js';
import type { Binding, UdpTransport } from './transport.js';

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

type Named<E extends IkeEventV1['event']> = NamedEvent<E>;

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

class NodeV1 extends NodeBase<Ikev1Endpoint> implements IkeNodeV1 {
  protected readonly defaultGraceMs = 200;

  constructor(opts: StartIkev1Options) {
    const endpoint = new Ikev1Endpoint({
      ...opts.endpoint,
      provider: opts.provider ?? nodeProvider,
      configs: opts.configs,
      trace: opts.trace ?? false,
      keylog: Boolean(opts.keylog) || Boolean(opts.keys),
    });
    const keylog = opts.keylog ? new KeylogFiles(opts.keylog, 'ikev1_decryption_table') : undefined;
    super(endpoint, bindingsOfV1(opts.configs), keylog, opts.clock, { ikeSa: 'ISAKMP SA', childSa: 'IPsec SA' });
  }

  protected writeKeys(e: Named<'keys'>): void {
    if (!this.keylog) return;
    try {
      if (e.kind === 'isakmp') {
        this.keylog.append(this.keylog.ike, ikev1DecryptionTableLine(e.spiI, e.encryptionKey));
        return;
      }
      if (e.kind !== 'child') return;
      this.keylog.appendChildSa(e, this.endpoint.status().find((s) => s.ikeSaId === e.ikeSaId));
    } catch (err) {
      this.keylogFailed(e.ikeSaId, err);
    }
  }

  act(operation: (endpoint: Ikev1Endpoint, now: number) => OutputV1): void {
    this.run((now) => operation(this.endpoint, now));
  }

  status(): IsakmpSaStatusV1[] {
    return this.endpoint.status(this.driver.clock());
  }

  /** RFC 2408 section 3.15: a Delete is not acknowledged; the datagrams get a moment to leave. */
  protected async deleteAll(graceMs: number): Promise<void> {
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
    if (sent > 0) await new Promise((r) => setTimeout(r, Math.min(graceMs, 50)));
  }
}

/** Binds the sockets of `opts.configs` (version 1) and starts answering; see IkeNodeV1. */
export async function startIkev1(opts: StartIkev1Options): Promise<IkeNodeV1> {
  return new NodeV1(opts).start();
}
