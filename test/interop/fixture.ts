/**
 * One charon and one ikestack node (startIkev2) on loopback with matching PSK configs, for the interop
 * matrix. Traffic selectors follow what charon with kernel-libipsec can install: its local TS holds
 * a host address (the loopback address), ours is a private subnet.
 */
import { parseConfig, type IkeConfig } from '../../src/config/index.js';
import { pureProvider } from '../../src/crypto/pure.js';
import { Ikev2Endpoint, type IkeEvent } from '../../src/ikev2/index.js';
import { startIkev2, type IkeNode, type StartIkev2Options } from '../../src/node/ikev2-node.js';
import { freePorts, startCharon, type Charon, type CharonChild, type CharonConn, type CharonIkeSa } from '../helpers/charon.js';

export interface PairOptions {
  /** Our IKE proposals (strongSwan syntax); charon gets the same unless charonIke is given. */
  ike: string[];
  charonIke?: string[];
  /** Our ESP proposals; charon gets the same (with the PFS group appended when pfs is set) unless charonEsp is given. */
  esp: string[];
  charonEsp?: string[];
  pfs?: string | false;
  allowWeak?: boolean;
  address?: '127.0.0.1' | '::1';
  ourIke?: Record<string, unknown>;
  ourChild?: Record<string, unknown>;
  charonConn?: Partial<CharonConn>;
  charonChild?: Partial<CharonChild>;
  /** Further children of charon's connection (names other than CHILD). */
  charonChildren?: CharonChild[];
  extraConf?: string;
  charonPools?: Record<string, { addrs: string; dns?: string[] }>;
  node?: Omit<StartIkev2Options, 'configs'>;
  psk?: string;
  charonPsk?: string;
}

export interface Pair {
  charon: Charon;
  ours: IkeNode;
  config: IkeConfig;
  /** Every event our node emitted, in order. */
  events: IkeEvent[];
  /** Our subnet and charon's host selector. */
  ourTs: string;
  charonTs: string;
  stop(): Promise<void>;
}

export const CONN = 'ours';

/**
 * charon bound to ports other than 500 takes every datagram WITHOUT the non-ESP marker, on its IKE
 * port as much as on its NAT-T port, for ESP ("parsed ESP header with SPI ...", "inbound ESP packet
 * does not belong to an installed SA") and drops it. So our IKE_SA_INIT to charon's IKE port must
 * carry the marker, or nothing happens. True when our session marks its first message to a peer
 * port other than 500 (its default since the session's nonEspMarker option); the tests where we
 * initiate are skipped if that default changes.
 */
export function oursMarksCustomPorts(): boolean {
  const config = parseConfig({
    version: 2,
    local: { address: '127.0.0.1', port: 20000, id: 'fqdn:alice.example' },
    remote: { address: '127.0.0.1', port: 20002, id: 'fqdn:bob.example' },
    psk: 'probe',
    ike: { proposals: ['aes128-sha256-modp2048'] },
    child: { proposals: ['aes128-sha256'], localTs: ['10.1.0.0/24'], remoteTs: ['127.0.0.1/32'] },
  });
  const out = new Ikev2Endpoint({ provider: pureProvider, configs: [config] }).initiate(undefined, 0);
  return out.datagrams[0]?.marker === true;
}

export const CHILD = 'net';

export interface CharonSide {
  charon: Charon;
  /** Our config, matching charon's connection, parsed and as written (for a config file). */
  config: IkeConfig;
  configJson: Record<string, unknown>;
  ourTs: string;
  charonTs: string;
}

/** Starts charon with a connection to us and returns it with the matching config for our side. */
export async function startCharonFor(o: PairOptions): Promise<CharonSide> {
  const v6 = o.address === '::1';
  const address = o.address ?? '127.0.0.1';
  const [ourPort, ourNatt, charonPort, charonNatt] = await freePorts(4, [address]);
  const ourTs = v6 ? 'fd00:1::/64' : '10.1.0.0/24';
  const charonTs = v6 ? '::1/128' : '127.0.0.1/32';
  const espForCharon = o.charonEsp ?? o.esp.map((p) => (o.pfs ? `${p}-${o.pfs}` : p));
  const configJson = {
    version: 2,
    name: CONN,
    local: { address, port: ourPort, nattPort: ourNatt, id: 'fqdn:alice.example' },
    remote: { address, port: charonPort, nattPort: charonNatt, id: 'fqdn:bob.example' },
    psk: o.psk ?? 'interop-secret',
    ike: { proposals: o.ike, lifetime: 3600, ...(o.allowWeak ? { allowWeak: true } : {}), ...o.ourIke },
    child: {
      proposals: o.esp,
      localTs: [ourTs],
      remoteTs: [charonTs],
      mode: 'tunnel',
      pfs: o.pfs ?? false,
      lifetime: 1200,
      ...o.ourChild,
    },
  };
  const config = parseConfig(configJson);
  const charon = await startCharon({
    name: 'peer',
    port: charonPort,
    nattPort: charonNatt,
    extraConf: o.extraConf,
    pools: o.charonPools,
    conns: [
      {
        name: CONN,
        localAddrs: [address],
        remoteAddrs: [address],
        remotePort: ourPort,
        proposals: o.charonIke ?? o.ike,
        localId: 'bob.example',
        remoteId: 'alice.example',
        psk: o.charonPsk ?? o.psk ?? 'interop-secret',
        ...o.charonConn,
        children: [
          { name: CHILD, localTs: [charonTs], remoteTs: [ourTs], espProposals: espForCharon, ...o.charonChild },
          ...(o.charonChildren ?? []).map((c) => ({ espProposals: espForCharon, ...c })),
        ],
      },
    ],
  });
  return { charon, config, configJson, ourTs, charonTs };
}

export async function startPair(o: PairOptions): Promise<Pair> {
  const { charon, config, ourTs, charonTs } = await startCharonFor(o);
  let ours: IkeNode;
  try {
    ours = await startIkev2({ ...o.node, configs: [config] });
  } catch (e) {
    await charon.stop();
    throw e;
  }
  const events: IkeEvent[] = [];
  ours.on('event', (e: IkeEvent) => events.push(e));
  return {
    charon,
    ours,
    config,
    events,
    ourTs,
    charonTs,
    stop: async () => {
      await Promise.allSettled([ours.close({ graceMs: 500 })]);
      await charon.stop();
    },
  };
}

/** Ends whatever SA is left (charon's by force, ours by delete), so the next test starts from nothing. */
export async function resetPair(p: Pair | undefined): Promise<void> {
  if (!p) return;
  const sas = await p.charon.listSas().catch(() => []);
  for (const sa of sas) await p.charon.swanctl(['--terminate', '--ike-id', sa.uniqueid, '--force', '--timeout', '2']).catch(() => undefined);
  for (const s of p.ours.status()) {
    try {
      p.ours.act((ep, now) => ep.deleteIkeSa(s.ikeSaId, now));
    } catch {
      // already going
    }
  }
  await p.charon.waitForSas((s) => s.length === 0, 5000).catch(() => undefined);
  for (let i = 0; i < 20 && p.ours.status().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  p.events.length = 0;
}

/** charon's listing holds one ESTABLISHED IKE SA with `children` INSTALLED CHILD SAs. */
export function established(children = 1): (sas: CharonIkeSa[]) => boolean {
  return (sas) => sas.length === 1 && sas[0].state === 'ESTABLISHED' && sas[0].children.filter((c) => c.state === 'INSTALLED').length === children;
}

/** A compact dump of our events (no keys) for assertion messages. */
export function describeEvents(events: IkeEvent[]): string {
  return events
    .filter((e) => e.event !== 'trace' && e.event !== 'keys')
    .map((e) => JSON.stringify(e))
    .join('\n');
}
