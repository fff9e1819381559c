/** Two (or more) Ikev1Endpoints wired in memory: datagrams are routed by destination address. */
import { sha256 } from '@noble/hashes/sha2.js';
import { pureProvider } from '../../src/crypto/pure.js';
import type { RandomSource } from '../../src/crypto/provider.js';
import { Ikev1Endpoint, parseConfigV1, type Datagram, type EndpointOptionsV1, type IkeConfigV1, type IkeEventV1, type OutputV1 } from '../../src/ikev1/index.js';

/** A reproducible random source: SHA-256 in counter mode over a seed (not for real keys). */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      if (pool.length === 0) pool = sha256(new TextEncoder().encode(`${seed}/${counter++}`));
      const take = Math.min(pool.length, n - at);
      out.set(pool.subarray(0, take), at);
      pool = pool.subarray(take);
      at += take;
    }
    return out;
  };
}

/**
 * The endpoint's timer queue agrees with a scan of every ISAKMP SA: each SA's queued deadline is
 * its current one, and nextTimeout() is the earliest of them. Checked after every endpoint call.
 */
export function assertTimerQueue(ep: Ikev1Endpoint): void {
  const inside = ep as unknown as { sas: Map<string, { id: string; timerAt?: number }>; saDeadline(sa: unknown): number | undefined };
  let scan: number | undefined;
  for (const sa of inside.sas.values()) {
    const t = inside.saDeadline(sa);
    if (t !== sa.timerAt) throw new Error(`${sa.id}: timer queue holds ${sa.timerAt}, its deadline is ${t}`);
    if (t !== undefined && (scan === undefined || t < scan)) scan = t;
  }
  const queued = ep.nextTimeout();
  if (queued !== scan) throw new Error(`timer queue says ${queued}, a scan of the SAs says ${scan}`);
}

/** Makes every endpoint call (commands, receive, timeout) end with assertTimerQueue. */
export function checkTimers(ep: Ikev1Endpoint): Ikev1Endpoint {
  const calls = ['initiate', 'startQuickMode', 'rekeyIpsecSa', 'rekeyIsakmpSa', 'deleteIpsecSa', 'deleteIsakmpSa', 'checkLiveness', 'receive', 'timeout'] as const;
  const methods = ep as unknown as Record<string, (...args: unknown[]) => OutputV1>;
  for (const name of calls) {
    const call = methods[name].bind(ep);
    methods[name] = (...args) => {
      const out = call(...args);
      assertTimerQueue(ep);
      return out;
    };
  }
  return ep;
}

export interface Peer {
  name: string;
  address: string;
  endpoint: Ikev1Endpoint;
  events: IkeEventV1[];
  received: Datagram[];
}

export interface WireOptions {
  /** Return false to drop a datagram in flight. */
  filter?: (d: Datagram, from: Peer, n: number) => boolean;
  /** Rewrites a datagram in flight (a NAT). */
  rewrite?: (d: Datagram, from: Peer) => Datagram;
}

export class Wire {
  readonly peers: Peer[] = [];
  readonly log: { from: string; d: Datagram }[] = [];
  private queue: { from: Peer; d: Datagram }[] = [];
  now = 1_000_000;
  sent = 0;

  constructor(readonly opts: WireOptions = {}) {}

  add(name: string, address: string, endpoint: Ikev1Endpoint): Peer {
    const p: Peer = { name, address, endpoint: checkTimers(endpoint), events: [], received: [] };
    this.peers.push(p);
    return p;
  }

  apply(from: Peer, out: OutputV1): OutputV1 {
    from.events.push(...out.events);
    for (const d of out.datagrams) this.queue.push({ from, d });
    return out;
  }

  /** Delivers queued datagrams until none are left (bounded). */
  pump(limit = 200): void {
    for (let i = 0; i < limit && this.queue.length; i++) {
      const { from, d: sent } = this.queue.shift()!;
      const n = this.sent++;
      this.log.push({ from: from.name, d: sent });
      if (this.opts.filter && !this.opts.filter(sent, from, n)) continue;
      const d = this.opts.rewrite ? this.opts.rewrite(sent, from) : sent;
      const to = this.peers.find((p) => p.address === d.remote.address);
      if (!to) continue;
      const arrived: Datagram = { data: d.data, local: { ...d.remote }, remote: { ...d.local }, marker: d.marker };
      to.received.push(arrived);
      this.apply(to, to.endpoint.receive(arrived, this.now));
    }
    if (this.queue.length) throw new Error('the wire did not settle');
  }

  /** Advances time to each endpoint's next deadline up to `until`, running timeouts and pumping. */
  advance(until: number): void {
    for (let guard = 0; guard < 1000; guard++) {
      const next = Math.min(...this.peers.map((p) => p.endpoint.nextTimeout() ?? Infinity));
      if (next > until) break;
      this.now = Math.max(this.now, next);
      for (const p of this.peers) {
        const t = p.endpoint.nextTimeout();
        if (t !== undefined && t <= this.now) this.apply(p, p.endpoint.timeout(this.now));
      }
      this.pump();
    }
    this.now = Math.max(this.now, until);
  }
}

export function config(over: {
  local: string;
  remote: string;
  localId?: string;
  remoteId?: string;
  psk?: string;
  mode?: 'main' | 'aggressive';
  ike?: Partial<IkeConfigV1['ike']>;
  child?: Partial<IkeConfigV1['child']>;
  port?: number;
  name?: string;
}): IkeConfigV1 {
  const port = over.port ?? 500;
  return parseConfigV1({
    version: 1,
    name: over.name,
    mode: over.mode ?? 'main',
    local: { address: over.local, port, id: over.localId ?? `fqdn:${over.local}.example` },
    remote: { address: over.remote, port, ...(over.remoteId ? { id: over.remoteId } : {}) },
    psk: over.psk ?? 'correct horse battery staple',
    ike: { proposals: ['aes256-sha256-modp2048'], lifetime: 28800, ...over.ike },
    child: { proposals: ['aes128-sha1'], localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'], mode: 'tunnel', lifetime: 3600, ...over.child },
  });
}

export interface PairOptions extends WireOptions {
  alice?: Parameters<typeof config>[0] extends infer C ? Partial<C> : never;
  bob?: Partial<Parameters<typeof config>[0]>;
  seed?: string;
  trace?: boolean;
  keylog?: boolean;
  addresses?: [string, string];
  aliceOptions?: Partial<EndpointOptionsV1>;
  bobOptions?: Partial<EndpointOptionsV1>;
}

/** Alice initiates towards Bob; Bob's traffic selectors mirror Alice's. */
export function pair(o: PairOptions = {}) {
  const [a, b] = o.addresses ?? ['192.0.2.1', '192.0.2.2'];
  const wire = new Wire(o);
  const aliceCfg = config({ local: a, remote: b, ...o.alice });
  const bobCfg = config({
    local: b,
    remote: a,
    ...o.bob,
    child: { localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'], ...o.bob?.child },
  });
  const alice = wire.add('alice', a, new Ikev1Endpoint({ provider: pureProvider, configs: [aliceCfg], random: seededRandom(`${o.seed ?? 's'}/alice`), trace: o.trace, keylog: o.keylog, ...o.aliceOptions }));
  const bob = wire.add('bob', b, new Ikev1Endpoint({ provider: pureProvider, configs: [bobCfg], random: seededRandom(`${o.seed ?? 's'}/bob`), trace: o.trace, keylog: o.keylog, ...o.bobOptions }));
  return { wire, alice, bob };
}

export function eventsOf<K extends IkeEventV1['event']>(p: Peer, kind: K): Extract<IkeEventV1, { event: K }>[] {
  return p.events.filter((e): e is Extract<IkeEventV1, { event: K }> => e.event === kind);
}
