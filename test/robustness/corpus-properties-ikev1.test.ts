/**
 * IKEv1 properties (issue 6), both roles: once phase 1 keys exist, no mutated copy of a genuine
 * encrypted message (Quick Mode, Informational Delete, DPD) changes any SA or deletes anything, and
 * the ISAKMP SA still runs a Quick Mode afterwards; a flood of Main Mode first messages never holds
 * more half-open SAs than the limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../ikev1/harness.js';
import { agreedV1, connectV1, injectV1, internalErrors, peer, type Side, v1pair } from './corpus/ikev1.js';

describe('IKEv1: no state change from a message that fails decryption or HASH', () => {
  it('bit flips, truncations and extensions of genuine encrypted messages change nothing on either peer', () => {
    // Genuine encrypted traffic, captured without delivery: a Quick Mode, a DPD and a Delete from each side.
    const p = v1pair({ seed: 'v1-props' });
    connectV1(p);
    const n0 = p.wire.log.length;
    p.wire.opts.filter = () => false;
    for (const s of ['alice', 'bob'] as const) {
      const pe = peer(p, s);
      const ike = pe.endpoint.status()[0].ikeSaId;
      p.wire.apply(pe, pe.endpoint.startQuickMode(ike, p.wire.now));
      p.wire.apply(pe, pe.endpoint.checkLiveness(ike, p.wire.now));
      p.wire.apply(pe, pe.endpoint.deleteIpsecSa(pe.endpoint.status()[0].children[0].childSaId, p.wire.now));
      p.wire.pump();
    }
    p.wire.opts.filter = undefined;
    const samples = p.wire.log.slice(n0).map((l) => ({ from: l.from as Side, data: l.d.data }));
    expect(samples.length).toBeGreaterThanOrEqual(6);
    // A fresh pair from the same seed is in the state those messages were made for.
    const q = v1pair({ seed: 'v1-props' });
    connectV1(q);
    const prints = { alice: JSON.stringify(q.alice.endpoint.status()), bob: JSON.stringify(q.bob.endpoint.status()) };
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(fc.tuple(fc.integer({ min: 28, max: 4000 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('flip', 'truncate', 'extend'),
        (which, edits, how) => {
          const { from, data: original } = samples[which];
          let data = original.slice();
          if (how === 'truncate') data = data.subarray(0, 28 + (edits[0][0] % (data.length - 28)));
          else if (how === 'extend') data = Uint8Array.from([...data, ...edits.map((e) => e[1])]);
          else for (const [pos, x] of edits) data[28 + (pos % (data.length - 28))] ^= x;
          const to: Side = from === 'alice' ? 'bob' : 'alice';
          const out = injectV1(q, to, data);
          expect(internalErrors(out)).toEqual([]);
          expect(out.events.filter((e) => e.event === 'child-sa-down' || e.event === 'ike-sa-down' || e.event === 'child-sa-up')).toEqual([]);
          expect(JSON.stringify(peer(q, to).endpoint.status())).toBe(prints[to]);
          q.wire.opts.filter = () => false;
          q.wire.pump();
          q.wire.opts.filter = undefined;
        },
      ),
      { numRuns: 400, seed: 71 },
    );
    // Still working: a new Quick Mode completes.
    q.wire.apply(q.alice, q.alice.endpoint.startQuickMode(q.alice.endpoint.status()[0].ikeSaId, q.wire.now));
    q.wire.pump();
    expect(agreedV1(q)).toEqual({ ike: 1, children: 2 });
    expect(eventsOf(q.bob, 'child-sa-down')).toEqual([]);
  });
});

describe('IKEv1: bounded half-open state under a Main Mode flood', () => {
  it('never more half-open responder SAs than maxHalfOpen, whatever the cookies and ports', () => {
    const p = v1pair({ seed: 'v1-flood', bobOptions: { maxHalfOpen: 8 } });
    const first = p.alice.endpoint.initiate(undefined, p.wire.now).datagrams[0].data;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (cookie) => {
        if (cookie.every((b) => b === 0)) return;
        const d = first.slice();
        d.set(cookie, 0);
        const out = injectV1(p, 'bob', d);
        expect(internalErrors(out)).toEqual([]);
        expect(p.bob.endpoint.status().length).toBeLessThanOrEqual(8);
      }),
      { numRuns: 100, seed: 72 },
    );
    expect(p.bob.endpoint.status().length).toBe(8);
  });
});
