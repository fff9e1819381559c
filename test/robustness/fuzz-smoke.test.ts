/**
 * CI smoke run of the receive-path fuzzer (fuzz/engine.ts, `npm run fuzz` for the long runs):
 * a fixed seed and a bounded number of inputs over every IKEv2 state, seeded with the datagrams
 * of real exchanges and the IKE messages of the Wireshark captures. Oracles, per RFC 7296:
 * section 2.21 (nothing a peer sends makes receive() throw or fail internally; an unauthenticated
 * message changes no SA that has keys, never deletes or rekeys), section 2.4 (an SA left up still
 * answers a liveness check), and bounded, well-formed status().
 */
import { describe, expect, it } from 'vitest';
import { captureSeeds } from '../../fuzz/captures.js';
import { runFuzz } from '../../fuzz/engine.js';
import { STATES } from '../../fuzz/ikev2-targets.js';
import type { CryptoProvider } from '../../src/crypto/provider.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { sharedDir } from '../helpers/shared.js';

describe('IKEv2 receive-path fuzzing, smoke run (RFC 7296 sections 2.4 and 2.21)', () => {
  it('30000 mutated datagrams across every state: no finding', () => {
    const extraSeeds = captureSeeds(sharedDir('IKESTACK_WIRESHARK_DIR'));
    const r = runFuzz({ execs: 30_000, seed: 20261123, provider: nodeProvider, extraSeeds });
    expect(r.findings.map((f) => `${f.kind} in ${f.state}/${f.variant}: ${f.detail.slice(0, 300)}`)).toEqual([]);
    expect(r.execs).toBe(30_000);
    for (const s of STATES) expect(r.perState[s] ?? 0, s).toBeGreaterThan(0);
    // Re-sealed inputs reach behind the ICV: SAs come up, are rekeyed and deleted under mutation.
    expect(r.resealed).toBeGreaterThan(200);
    for (const e of ['ike-sa-up', 'child-sa-up', 'child-sa-rekeyed', 'ike-sa-down']) expect(r.reached[e] ?? 0, e).toBeGreaterThan(0);
  });

  it('the oracles can fail: with an ICV check that accepts anything, forged datagrams are reported as unauthenticated changes', () => {
    // A provider whose integrity transforms verify every ICV (RFC 7296 section 3.14 undone).
    const broken: CryptoProvider = {
      ...nodeProvider,
      integrity: (id) => {
        const real = nodeProvider.integrity(id);
        return real && Object.create(real, { verify: { value: () => true } });
      },
    };
    const r = runFuzz({ execs: 3000, seed: 3, provider: broken, states: ['responder-established', 'initiator-established'], resealShare: 0 });
    expect(r.findings.some((f) => f.kind === 'unauthenticated-change')).toBe(true);
  });
});
