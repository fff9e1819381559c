/**
 * CI smoke run of the IKEv1 receive-path fuzzer (fuzz/ikev1.ts): every message of Main Mode and
 * Aggressive Mode exchanges with Quick Mode (PFS) and an Informational Delete, mutated, fed to
 * an endpoint replayed up to it. RFC 2408 section 5 / house rule: whatever arrives, receive()
 * returns, no internal error escapes the checks, and status() stays bounded.
 */
import { describe, expect, it } from 'vitest';
import { runFuzzV1 } from '../../fuzz/ikev1.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';

describe('IKEv1 receive-path fuzzing, smoke run (RFC 2408 section 5)', () => {
  it('6000 mutated datagrams over every message of Main and Aggressive Mode, Quick Mode and Delete: no finding', () => {
    const r = runFuzzV1({ execs: 6000, seed: 20261123, provider: nodeProvider });
    expect(r.findings.map((f) => `${f.kind} at ${f.mode} message ${f.message}: ${f.detail.slice(0, 300)}`)).toEqual([]);
    expect(r.execs).toBe(6000);
    // Every recorded message was a seed: Main Mode 6 + Quick Mode 3 + Delete 1, Aggressive 3 + 3 + 1.
    expect(Object.keys(r.perMessage).filter((k) => k.startsWith('main#')).length).toBe(10);
    expect(Object.keys(r.perMessage).filter((k) => k.startsWith('aggressive#')).length).toBe(7);
  });
});
