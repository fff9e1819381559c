/**
 * IKEv2 endpoints in every state of an IKE SA, built by running the in-memory harness
 * (test/ikev2/session-harness.ts, seeded randomness: a rebuild replays byte for byte) and
 * stopping just before the next datagram reaches the endpoint under test. That datagram is the
 * seed; the SA's real keys (when it has them) let the fuzzer re-seal a mutated inner payload
 * chain so that it passes the ICV and reaches the exchange handlers (RFC 7296 section 3.14).
 */
import type { CryptoProvider } from '../src/crypto/provider.js';
import type { SkKeys } from '../src/crypto/sk.js';
import type { Ikev2Endpoint } from '../src/ikev2/endpoint.js';
import type { SaCrypto } from '../src/ikev2/protection.js';
import type { Datagram } from '../src/ikev2/types.js';
import { toHex } from '../src/util/bytes.js';
import { connect, pair, type Net, type PeerOptions } from '../test/ikev2/session-harness.js';

export type Who = 'alice' | 'bob';

/** What the peer makes its endpoint do next (its request is the datagram sent to the target). */
export type Action = 'createChild' | 'rekeyChild' | 'rekeyIke' | 'dpd' | 'deleteChild' | 'deleteIke';
export const ACTIONS: readonly Action[] = ['createChild', 'rekeyChild', 'rekeyIke', 'dpd', 'deleteChild', 'deleteIke'];

export const STATES = [
  /** Bob has nothing; the seed is Alice's IKE_SA_INIT request. */
  'responder-fresh',
  /** Alice waits for the IKE_SA_INIT response. */
  'initiator-init-sent',
  /** Bob answered IKE_SA_INIT (half-open, keys derived); the seed is Alice's IKE_AUTH request. */
  'responder-init-done',
  /** Alice waits for the IKE_AUTH response. */
  'initiator-auth-sent',
  /** Both up; the seed is one of Alice's requests to Bob. */
  'responder-established',
  /** Both up; the seed is one of Bob's requests to Alice. */
  'initiator-established',
  /** Alice has a CREATE_CHILD_SA or INFORMATIONAL request in flight; the seed is Bob's response. */
  'initiator-exchange-in-flight',
  /** Bob has his own request in flight (collision, RFC 7296 section 2.8.1); the seed is Alice's request. */
  'responder-collision',
] as const;
export type StateName = (typeof STATES)[number];

export interface Variant {
  name: string;
  a: PeerOptions;
}

/** Cipher+HMAC and AEAD protection of IKE (RFC 5282), PFS in CREATE_CHILD_SA, and one with fragmentation (RFC 7383). */
export const VARIANTS: Variant[] = [
  { name: 'cbc-hmac', a: { ike: ['aes128-sha256-x25519'], esp: ['aes128gcm16'], pfs: 'x25519' } },
  { name: 'gcm', a: { ike: ['aes128gcm16-prfsha256-ecp256'], esp: ['aes128-sha256'] } },
  { name: 'frag', a: { ike: ['aes256-sha384-x25519'], esp: ['aes128gcm16'], mtu: 200 } },
];

export interface Built {
  net: Net;
  target: Who;
  peer: Who;
  ep: Ikev2Endpoint;
  /** The real next datagrams to the target (more than one when fragmented). */
  seeds: Datagram[];
  state: StateName;
  variant: string;
  action?: Action;
  buildSeed: string;
}

const other = (w: Who): Who => (w === 'alice' ? 'bob' : 'alice');

/** Delivers one datagram from the wire, as Net.run does for each. */
function deliverOne(net: Net): void {
  const d = net.wire.shift();
  if (!d) return;
  const to = [...net.nodes.values()].find((n) => n.name !== d.from && n.binds.some((b) => b.address === d.remote.address && b.port === d.remote.port));
  if (to) net.take(to.name, to.ep.receive({ data: d.data, local: d.remote, remote: d.local, marker: d.marker }, net.now));
}

/** Takes the datagrams on the wire to `to` off it, as the target would receive them. */
function takeSeeds(net: Net, to: Who): Datagram[] {
  const mine = net.wire.filter((d) => d.from !== to);
  net.wire.length = 0;
  return mine.map((d) => ({ data: d.data, local: d.remote, remote: d.local, marker: d.marker }));
}

function act(net: Net, who: Who, action: Action): void {
  const ep = net.ep(who);
  const sa = ep.status().find((s) => s.state === 'ESTABLISHED');
  if (!sa) return;
  const child = sa.children.find((c) => c.state === 'INSTALLED');
  let out;
  switch (action) {
    case 'createChild':
      out = ep.createChildSa(sa.ikeSaId, net.now);
      break;
    case 'rekeyChild':
      out = child ? ep.rekeyChildSa(child.childSaId, net.now) : ep.createChildSa(sa.ikeSaId, net.now);
      break;
    case 'rekeyIke':
      out = ep.rekeyIkeSa(sa.ikeSaId, net.now);
      break;
    case 'dpd':
      out = ep.checkLiveness(sa.ikeSaId, net.now);
      break;
    case 'deleteChild':
      out = child ? ep.deleteChildSa(child.childSaId, net.now) : ep.checkLiveness(sa.ikeSaId, net.now);
      break;
    case 'deleteIke':
      out = ep.deleteIkeSa(sa.ikeSaId, net.now);
      break;
  }
  net.take(who, out);
}

export function build(provider: CryptoProvider, state: StateName, variant: Variant, action: Action, seed: string): Built {
  const net = pair(provider, variant.a, variant.a, { seed, keylog: false });
  let target: Who = 'bob';
  net.take('alice', net.ep('alice').initiate(undefined, net.now));
  switch (state) {
    case 'responder-fresh':
      break;
    case 'initiator-init-sent':
      deliverOne(net);
      target = 'alice';
      break;
    case 'responder-init-done':
      deliverOne(net);
      deliverOne(net);
      break;
    case 'initiator-auth-sent':
      deliverOne(net);
      deliverOne(net);
      while (net.wire.length && net.wire[0].from === 'alice') deliverOne(net);
      target = 'alice';
      break;
    case 'responder-established':
      net.run();
      act(net, 'alice', action);
      break;
    case 'initiator-established':
      net.run();
      act(net, 'bob', action);
      target = 'alice';
      break;
    case 'initiator-exchange-in-flight':
      net.run();
      act(net, 'alice', action);
      while (net.wire.length && net.wire[0].from === 'alice') deliverOne(net);
      target = 'alice';
      break;
    case 'responder-collision': {
      net.run();
      act(net, 'bob', action === 'createChild' ? 'rekeyChild' : action);
      const bobs = net.wire.splice(0);
      act(net, 'alice', action);
      const seeds = takeSeeds(net, 'bob');
      void bobs; // Bob's request stays lost in flight: his SA waits for its answer.
      return { net, target, peer: 'alice', ep: net.ep('bob'), seeds, state, variant: variant.name, action, buildSeed: seed };
    }
  }
  const seeds = takeSeeds(net, target);
  return { net, target, peer: other(target), ep: net.ep(target), seeds, state, variant: variant.name, action, buildSeed: seed };
}

interface SaView {
  crypto?: SaCrypto;
  state: string;
  expectedRequestId: number;
  initiator: boolean;
}

/** The IKE SA a datagram is addressed to, looked up as the endpoint does (our SPI names it). */
export function saFor(ep: Ikev2Endpoint, data: Uint8Array): SaView | undefined {
  if (data.length < 28) return undefined;
  const ours = data[19] & 0x08 ? data.subarray(8, 16) : data.subarray(0, 8);
  return (ep as unknown as { bySpi: Map<string, SaView> }).bySpi.get(toHex(ours));
}

/** The keys the peer seals with: the target's inbound keys (RFC 7296 section 2.14). */
export function peerSealKeys(c: SaCrypto): SkKeys {
  const aead = !!c.encr.aead;
  return c.initiator ? { encrKey: c.keys.SK_er, integKey: aead ? undefined : c.keys.SK_ar } : { encrKey: c.keys.SK_ei, integKey: aead ? undefined : c.keys.SK_ai };
}
