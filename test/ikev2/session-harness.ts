/**
 * Two (or more) Ikev2Endpoints wired together in memory: datagrams go to the endpoint listening
 * on their destination port, time only moves when the test says so, and randomness is a seeded
 * SHA-256 counter so that runs replay byte for byte.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { Ikev2Endpoint } from '../../src/ikev2/endpoint.js';
import type { IkeSa } from '../../src/ikev2/ike-sa.js';
import type { IkeConfig } from '../../src/ikev2/policy.js';
import type { Address, Datagram, EndpointOptions, IkeEvent, Output } from '../../src/ikev2/types.js';

/**
 * The endpoint keeps its deadlines in a queue updated only for the SAs each call touched; after every
 * call it must still give what a scan of every SA gives, or a timer was lost (or fires early).
 */
export function assertTimerQueue(ep: Ikev2Endpoint): void {
  const all = (ep as unknown as { all: Map<string, IkeSa>; ctx: { limits: { halfOpenTimeout: number } } }).all;
  const halfOpenTimeout = (ep as unknown as { ctx: { limits: { halfOpenTimeout: number } } }).ctx.limits.halfOpenTimeout;
  let scan: number | undefined;
  for (const sa of all.values()) {
    const t = sa.nextTimeout(halfOpenTimeout);
    if (t !== undefined && (scan === undefined || t < scan)) scan = t;
  }
  const queued = ep.nextTimeout();
  if (queued !== scan) throw new Error(`timer queue says ${queued}, a scan of the SAs says ${scan}`);
}

export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  const enc = new TextEncoder();
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 32) {
      const block = sha256(enc.encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - o)), o);
    }
    return out;
  };
}

export interface PeerOptions {
  ike?: string[];
  esp?: string[];
  psk?: string;
  localTs?: string[];
  remoteTs?: string[];
  pfs?: string | false;
  allowWeak?: boolean;
  mtu?: number;
  mode?: 'tunnel' | 'transport';
  extra?: Partial<IkeConfig['ike']>;
  child?: Partial<IkeConfig['child']>;
  /** Alice on 127.0.0.1 and Bob on 127.0.0.2, both on ports 500 and 4500. */
  standardPorts?: boolean;
}

export function config(side: 'alice' | 'bob', o: PeerOptions = {}): IkeConfig {
  const std = o.standardPorts;
  const A = { address: '127.0.0.1', port: std ? 500 : 16500, id: 'fqdn:alice.example', ts: '10.1.0.0/24' };
  const B = { address: std ? '127.0.0.2' : '127.0.0.1', port: std ? 500 : 16600, id: 'fqdn:bob.example', ts: '10.2.0.0/24' };
  const me = side === 'alice' ? A : B;
  const peer = side === 'alice' ? B : A;
  return {
    version: 2,
    name: side,
    local: { address: me.address, port: me.port, id: me.id },
    remote: { address: peer.address, port: peer.port, id: peer.id },
    psk: o.psk ?? 'cisco',
    ike: {
      proposals: o.ike ?? ['aes128-sha256-x25519'],
      lifetime: 3600,
      allowWeak: o.allowWeak,
      ...(o.mtu ? { fragmentation: { mtu: o.mtu } } : {}),
      ...o.extra,
    },
    child: {
      proposals: o.esp ?? ['aes128gcm16'],
      localTs: o.localTs ?? [me.ts],
      remoteTs: o.remoteTs ?? [peer.ts],
      mode: o.mode ?? 'tunnel',
      pfs: o.pfs ?? false,
      lifetime: 1200,
      ...o.child,
    },
  };
}

interface Node {
  name: string;
  ep: Ikev2Endpoint;
  binds: Address[];
  events: IkeEvent[];
}

export class Net {
  now = 1_000;
  readonly nodes = new Map<string, Node>();
  readonly wire: Array<Datagram & { from: string }> = [];
  /** Every datagram ever sent, in order (for replay comparisons). */
  readonly log: Array<{ from: string; data: Uint8Array; marker: boolean }> = [];
  /** Return true to lose a datagram. */
  drop?: (d: Datagram & { from: string }, n: number) => boolean;
  /**
   * A NAT in front of one node: its datagrams leave from `address` and port + 10000, and
   * datagrams to that address and port come back to it.
   */
  nat?: { node: string; address: string; inside: string };
  private sent = 0;

  add(name: string, opts: Omit<EndpointOptions, 'provider'> & { provider: CryptoProvider }, binds: Array<Address | number>): Ikev2Endpoint {
    const ep = new Ikev2Endpoint(opts);
    const at = (b: Address | number): Address => (typeof b === 'number' ? { address: '127.0.0.1', port: b } : b);
    this.nodes.set(name, { name, ep, binds: binds.map(at), events: [] });
    return ep;
  }

  ep(name: string): Ikev2Endpoint {
    return this.nodes.get(name)!.ep;
  }

  events(name: string, kind?: IkeEvent['event']): IkeEvent[] {
    const all = this.nodes.get(name)!.events;
    return kind ? all.filter((e) => e.event === kind) : all;
  }

  take(name: string, out: Output): void {
    const node = this.nodes.get(name)!;
    assertTimerQueue(node.ep);
    node.events.push(...out.events);
    for (const d of out.datagrams) {
      const w = { ...d, from: name };
      if (this.nat?.node === name) w.local = { address: this.nat.address, port: d.local.port + 10_000 };
      this.log.push({ from: name, data: d.data, marker: !!d.marker });
      if (this.drop?.(w, this.sent++)) continue;
      this.wire.push(w);
    }
  }

  /** Delivers datagrams until the wire is empty (bounded). */
  run(maxSteps = 200): void {
    for (let i = 0; i < maxSteps && this.wire.length; i++) {
      const d = this.wire.shift()!;
      if (this.nat && d.remote.address === this.nat.address) d.remote = { address: this.nat.inside, port: d.remote.port - 10_000 };
      const to = [...this.nodes.values()].find((n) => n.name !== d.from && n.binds.some((b) => b.address === d.remote.address && b.port === d.remote.port));
      if (!to) continue;
      this.take(to.name, to.ep.receive({ data: d.data, local: d.remote, remote: d.local, marker: d.marker }, this.now));
    }
  }

  /** Moves the clock forward, firing timers on every endpoint as they come due. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (let guard = 0; guard < 1000; guard++) {
      const next = Math.min(...[...this.nodes.values()].map((n) => n.ep.nextTimeout() ?? Infinity));
      if (next > end) break;
      this.now = Math.max(this.now, next);
      for (const n of this.nodes.values()) {
        const t = n.ep.nextTimeout();
        if (t !== undefined && t <= this.now) this.take(n.name, n.ep.timeout(this.now));
      }
      this.run();
    }
    this.now = end;
  }
}

/** Alice (initiator) and Bob (responder) with the same options unless overridden. */
export interface PairExtra {
  trace?: boolean;
  keylog?: boolean;
  cookieThreshold?: number;
  seed?: string;
  nonEspMarker?: EndpointOptions['nonEspMarker'];
}

export function pair(provider: CryptoProvider, a: PeerOptions = {}, b: PeerOptions = a, extra: PairExtra = {}): Net {
  const net = new Net();
  const seed = extra.seed ?? 'seed';
  const common = { provider, trace: extra.trace, keylog: extra.keylog, nonEspMarker: extra.nonEspMarker };
  const ac = config('alice', a);
  const bc = config('bob', b);
  const binds = (c: IkeConfig): Address[] => [
    { address: c.local.address, port: c.local.port },
    { address: c.local.address, port: c.local.port === 500 ? 4500 : c.local.port + 1 },
  ];
  net.add('alice', { ...common, configs: [ac], random: seededRandom(`${seed}/alice`) }, binds(ac));
  net.add('bob', { ...common, configs: [bc], random: seededRandom(`${seed}/bob`), cookieThreshold: extra.cookieThreshold }, binds(bc));
  return net;
}

/** Alice initiates and the wire runs until quiet. */
export function connect(net: Net): void {
  net.take('alice', net.ep('alice').initiate(undefined, net.now));
  net.run();
}
