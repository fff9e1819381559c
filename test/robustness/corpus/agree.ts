/** The end state every collision and loss case must reach: both sides agree, nothing half done, nothing leaked. */
import { expect } from 'vitest';
import type { Ikev2Endpoint } from '../../../src/ikev2/endpoint.js';
import type { Net } from '../../ikev2/session-harness.js';
import { sasOf } from './ikev2.js';

export function indexes(ep: Ikev2Endpoint): { all: number; bySpi: number; halfOpen: number } {
  const e = ep as unknown as { all: Map<string, unknown>; bySpi: Map<string, unknown>; halfOpen: Map<string, unknown> };
  return { all: e.all.size, bySpi: e.bySpi.size, halfOpen: e.halfOpen.size };
}

/** Both ends agree, nothing is half done, nothing leaked. Returns the number of IKE SAs and Child SAs. */
export function settledAndAgreed(net: Net, uniquePurpose = true): { ike: number; children: number } {
  const a = net.ep('alice');
  const b = net.ep('bob');
  const as = a.status();
  const bs = b.status();
  for (const [ep, st] of [
    [a, as],
    [b, bs],
  ] as const) {
    // No leak: every SA object the endpoint indexes is one status() reports, none CLOSED.
    const ix = indexes(ep);
    expect(ix.all).toBe(st.length);
    expect(ix.bySpi).toBe(st.length);
    // The IKE_SA_INIT index keeps an entry per responder SA it created, until that SA closes.
    expect(ix.halfOpen).toBeLessThanOrEqual(st.length);
    for (const sa of sasOf(ep)) {
      expect(sa.state).not.toBe('CLOSED');
      expect(sa.inFlight).toBeUndefined();
      expect(sa.tasks).toEqual([]);
    }
  }
  expect(as.length).toBe(bs.length);
  expect(as.length).toBeLessThanOrEqual(1);
  if (as.length === 0) return { ike: 0, children: 0 };
  expect(as[0].state).toBe('ESTABLISHED');
  expect(bs[0].state).toBe('ESTABLISHED');
  expect([as[0].spiI, as[0].spiR]).toEqual([bs[0].spiI, bs[0].spiR]);
  // One SA per purpose: every Child SA installed, mirrored on the other side, no duplicates.
  const ac = as[0].children;
  const bc = bs[0].children;
  expect(ac.map((c) => c.state).every((s) => s === 'INSTALLED')).toBe(true);
  expect(bc.map((c) => c.state).every((s) => s === 'INSTALLED')).toBe(true);
  expect(ac.map((c) => `${c.spiIn}/${c.spiOut}`).sort()).toEqual(bc.map((c) => `${c.spiOut}/${c.spiIn}`).sort());
  const purposes = new Set(ac.map((c) => `${c.localTs.join(',')}|${c.remoteTs.join(',')}`));
  if (uniquePurpose) expect(purposes.size).toBe(ac.length);
  return { ike: 1, children: ac.length };
}

