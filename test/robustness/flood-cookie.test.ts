/**
 * An IKE_SA_INIT flood from another process on loopback (src/node/flood, written with this
 * library) against a startIkev2 responder. RFC 7296 section 2.6: above the cookie threshold the
 * responder answers with a COOKIE and keeps no state, and an initiator that returns the cookie
 * still gets its SA. The half-open count stays under the bounds. Functional outcomes only: the
 * figures (rates, memory) are in docs/robustness.md, from bench/flood.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnFlood } from '../../src/node/flood/index.js';
import { startIkev2, type IkeNode } from '../../src/node/ikev2-node.js';
import { loopbackPair } from '../node/loopback-configs.js';

const nodes: IkeNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close({ graceMs: 200 });
});

function halfOpen(n: IkeNode): number {
  return n.status().filter((s) => !s.initiator && s.state === 'INIT_DONE').length;
}

/** Samples the responder's half-open count every 20 ms until stopped. */
function sampler(n: IkeNode): { max: () => number; stop: () => void } {
  let max = 0;
  const t = setInterval(() => (max = Math.max(max, halfOpen(n))), 20);
  return { max: () => Math.max(max, halfOpen(n)), stop: () => clearInterval(t) };
}

describe('IKE_SA_INIT flood from another process (RFC 7296 section 2.6)', () => {
  it('above cookieThreshold the flood gets COOKIEs, not state, and a legitimate initiator returning the cookie gets through', async () => {
    const { initiator, responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const threshold = 16;
    const bob = await startIkev2({ configs: [responder], endpoint: { cookieThreshold: threshold, maxHalfOpen: 64 } });
    nodes.push(bob);
    const s = sampler(bob);
    const flood = spawnFlood({ target: { address: '127.0.0.1', port: responder.local.port }, durationMs: 4000, rate: 2000, sockets: 8 });
    // Let the flood fill the half-open table first (the child process takes a moment to start).
    for (let i = 0; i < 200 && halfOpen(bob) < threshold; i++) await new Promise((r) => setTimeout(r, 50));
    expect(halfOpen(bob)).toBeGreaterThanOrEqual(threshold);
    let floodOver = false;
    void flood.result.then(() => (floodOver = true), () => {});
    // The table stays at the threshold for the whole flood (half-open SAs live 30 s), so this
    // initiator is asked for a COOKIE and gets in only by returning it.
    const alice = await startIkev2({ configs: [initiator] });
    nodes.push(alice);
    const up = await alice.connect(undefined, { timeoutMs: 10_000 });
    expect(up.childSaId).toBeTruthy();
    expect(floodOver).toBe(false);
    const r = await flood.result;
    s.stop();
    expect(r.sent).toBeGreaterThan(1000);
    expect(r.cookies).toBeGreaterThan(0);
    // State only up to the threshold: each state-making answer is one half-open SA the flood caused.
    expect(r.initResponses).toBeLessThanOrEqual(threshold);
    expect(s.max()).toBeLessThanOrEqual(threshold + 1);
    expect(bob.status().filter((x) => x.state === 'ESTABLISHED')).toHaveLength(1);
  });

  it('without cookies, maxHalfOpen bounds the state a flood makes and the rest is dropped', async () => {
    const { responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const bob = await startIkev2({ configs: [responder], endpoint: { maxHalfOpen: 40 } });
    nodes.push(bob);
    const s = sampler(bob);
    const r = await spawnFlood({ target: { address: '127.0.0.1', port: responder.local.port }, durationMs: 2000, rate: 1000, sockets: 4 }).result;
    s.stop();
    expect(r.sent).toBeGreaterThan(500);
    // Every answer with an SA is one of the 40 (UDP on a loaded machine may lose an answer, never add one).
    expect(r.initResponses).toBeGreaterThan(0);
    expect(r.initResponses).toBeLessThanOrEqual(40);
    expect(r.cookies).toBe(0);
    expect(s.max()).toBe(40);
    expect(bob.status()).toHaveLength(40);
  });
});
