/**
 * Strict decoding at the exchange layer: mutated and truncated copies of every message of real
 * exchanges (Main Mode, Quick Mode with PFS, Informational, Aggressive Mode) are fed to an endpoint
 * in the state that expects them. Whatever happens, receive() returns, and every error is an
 * IkeError outcome, never "internal error" (a TypeError or RangeError escaping the checks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Datagram, OutputV1 } from '../../src/ikev1/index.js';
import { eventsOf, pair } from './harness.js';

interface Recorded {
  to: 'alice' | 'bob';
  d: Datagram;
}

/** Runs an exchange and records, for each datagram, how to rebuild the receiving endpoint's state just before it. */
function record(mode: 'main' | 'aggressive') {
  const opts = { alice: { mode, child: { pfs: 'modp2048' } }, bob: { mode, child: { pfs: 'modp2048' } }, seed: `fuzz-${mode}` } as const;
  const p = pair(opts);
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  p.wire.pump();
  const id = eventsOf(p.alice, 'ike-sa-up')[0].ikeSaId;
  p.wire.apply(p.alice, p.alice.endpoint.checkLiveness(id, p.wire.now));
  p.wire.pump();
  const log: Recorded[] = p.wire.log.map((l) => ({ to: l.from === 'alice' ? 'bob' : 'alice', d: l.d }));
  return { opts, log };
}

/** A fresh pair replayed up to (not including) message n; returns the endpoint that receives message n. */
function replayTo(opts: Parameters<typeof pair>[0], log: Recorded[], n: number) {
  const p = pair(opts);
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  let delivered = 0;
  p.wire.opts.filter = () => delivered++ < n;
  p.wire.pump();
  return log[n].to === 'alice' ? p.alice : p.bob;
}

function internalErrors(out: OutputV1): string[] {
  return out.events.filter((e) => e.event === 'error' && e.message.startsWith('internal error')).map((e) => (e as { message: string }).message);
}

describe('IKEv1 exchanges take arbitrary bytes without internal errors', () => {
  for (const mode of ['main', 'aggressive'] as const) {
    it(`${mode} mode: mutated and truncated copies of each message`, () => {
      const { opts, log } = record(mode);
      expect(log.length).toBeGreaterThan(6);
      for (let n = 0; n < log.length; n++) {
        const original = log[n].d;
        // The replay really reaches the state that expects message n: the genuine message is accepted.
        const genuine = replayTo(opts, log, n).endpoint.receive({ data: original.data, local: original.remote, remote: original.local }, 2_000_000);
        expect(genuine.events.filter((e) => e.event === 'error')).toEqual([]);
        fc.assert(
          fc.property(
            fc.array(fc.tuple(fc.nat(original.data.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
            fc.option(fc.nat(original.data.length), { nil: undefined }),
            (flips, cut) => {
              const peer = replayTo(opts, log, n);
              let data = original.data.slice();
              for (const [at, x] of flips) data[at] ^= x;
              if (cut !== undefined) data = data.slice(0, cut);
              const out = peer.endpoint.receive({ data, local: original.remote, remote: original.local }, 2_000_000);
              expect(internalErrors(out)).toEqual([]);
              // Later events (timers) must not trip either.
              expect(internalErrors(peer.endpoint.timeout(3_000_000))).toEqual([]);
            },
          ),
          { numRuns: 12, seed: 4242 + n },
        );
      }
    });
  }
});
