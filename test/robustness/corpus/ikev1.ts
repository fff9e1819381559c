/** Helpers for the IKEv1 robustness tests: a fast pair (the Node provider), delivery of forged datagrams, and the agreed end state. */
import { expect } from 'vitest';
import { nodeProvider } from '../../../src/node/crypto/provider.js';
import type { Datagram, OutputV1 } from '../../../src/ikev1/index.js';
import { pair, type PairOptions, type Peer } from '../../ikev1/harness.js';

export type Side = 'alice' | 'bob';

export function v1pair(o: PairOptions = {}) {
  return pair({ ...o, aliceOptions: { provider: nodeProvider, ...o.aliceOptions }, bobOptions: { provider: nodeProvider, ...o.bobOptions } });
}

export type V1Pair = ReturnType<typeof v1pair>;

export function peer(p: V1Pair, side: Side): Peer {
  return side === 'alice' ? p.alice : p.bob;
}

export function connectV1(p: V1Pair): void {
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  p.wire.pump();
}

/** Delivers `data` to `to` as if the other peer had sent it; the output is applied to the wire. */
export function injectV1(p: V1Pair, to: Side, data: Uint8Array): OutputV1 {
  const target = peer(p, to);
  const from = peer(p, to === 'alice' ? 'bob' : 'alice');
  const d: Datagram = { data, local: { address: target.address, port: 500 }, remote: { address: from.address, port: 500 } };
  return p.wire.apply(target, target.endpoint.receive(d, p.wire.now));
}

export function internalErrors(out: OutputV1): string[] {
  return out.events.filter((e) => e.event === 'error' && /internal error|TypeError|RangeError|Cannot read/.test(e.message)).map((e) => (e as { message: string }).message);
}

/** Both peers agree: the same number of completed ISAKMP SAs, every IPsec SA mirrored and installed. */
export function agreedV1(p: V1Pair): { ike: number; children: number } {
  const a = p.alice.endpoint.status();
  const b = p.bob.endpoint.status();
  const done = (s: typeof a) => s.filter((x) => x.state === 'IKE_P1_COMPLETE');
  expect(done(a).length).toBe(done(b).length);
  const ac = a.flatMap((s) => s.children);
  const bc = b.flatMap((s) => s.children);
  expect(ac.every((c) => c.state === 'INSTALLED')).toBe(true);
  expect(bc.every((c) => c.state === 'INSTALLED')).toBe(true);
  expect(ac.map((c) => `${c.spiIn}/${c.spiOut}`).sort()).toEqual(bc.map((c) => `${c.spiOut}/${c.spiIn}`).sort());
  return { ike: done(a).length, children: ac.length };
}
