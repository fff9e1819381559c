/**
 * IKEv1: one lost datagram at every step of Main Mode, Aggressive Mode, Quick Mode (new and
 * rekey), an ISAKMP SA rekey and a DPD exchange (RFC 2408 section 5 / RFC 2409: the sender of the
 * last message of an exchange keeps it to answer retransmissions; RFC 3706 for DPD). For each,
 * the run without loss is the reference; each lossy run must end in the same agreed state, never
 * with an SA on one side only. Deletes are Informational and unacknowledged in IKEv1 (RFC 2408
 * section 4.8), so a lost Delete is outside this matrix.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from '../ikev1/harness.js';
import { agreedV1, connectV1, peer, type Side, v1pair, type V1Pair } from './corpus/ikev1.js';

interface Scenario {
  name: string;
  rfc: string;
  established: boolean;
  mode?: 'main' | 'aggressive';
  start(p: V1Pair, side: Side): void;
}

const ike = (p: V1Pair, s: Side) => peer(p, s).endpoint.status()[0].ikeSaId;
const child = (p: V1Pair, s: Side) => peer(p, s).endpoint.status()[0].children[0].childSaId;

const SCENARIOS: Scenario[] = [
  { name: 'Main Mode and Quick Mode', rfc: 'RFC 2409 sections 5 and 5.5', established: false, start: (p) => p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now)) },
  { name: 'Aggressive Mode and Quick Mode', rfc: 'RFC 2409 section 5.4', established: false, mode: 'aggressive', start: (p) => p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now)) },
  { name: 'Quick Mode (another IPsec SA)', rfc: 'RFC 2409 section 5.5', established: true, start: (p, s) => p.wire.apply(peer(p, s), peer(p, s).endpoint.startQuickMode(ike(p, s), p.wire.now)) },
  { name: 'Quick Mode rekey of the IPsec SA', rfc: 'RFC 2409 section 5.5', established: true, start: (p, s) => p.wire.apply(peer(p, s), peer(p, s).endpoint.rekeyIpsecSa(child(p, s), p.wire.now)) },
  { name: 'ISAKMP SA rekey (phase 1 again while phase 2 SAs exist)', rfc: 'RFC 2409 section 5', established: true, start: (p, s) => p.wire.apply(peer(p, s), peer(p, s).endpoint.rekeyIsakmpSa(ike(p, s), p.wire.now)) },
  { name: 'DPD R-U-THERE', rfc: 'RFC 3706 section 5', established: true, start: (p, s) => p.wire.apply(peer(p, s), peer(p, s).endpoint.checkLiveness(ike(p, s), p.wire.now)) },
];

function run(s: Scenario, side: Side, lose: number | undefined) {
  const p = v1pair({ seed: `v1loss/${s.name}/${side}`, alice: { mode: s.mode }, bob: { mode: s.mode } });
  if (s.established) connectV1(p);
  const base = p.wire.sent;
  p.wire.opts.filter = (_d, _f, n) => n - base !== lose;
  s.start(p, side);
  p.wire.pump();
  p.wire.advance(p.wire.now + 120_000);
  p.wire.opts.filter = undefined;
  return { p, sent: p.wire.sent - base, end: agreedV1(p) };
}

describe('IKEv1: one lost datagram at every step, both initiating sides', () => {
  for (const s of SCENARIOS) {
    for (const side of (s.established ? ['alice', 'bob'] : ['alice']) as Side[]) {
      it(`${s.name}, started by ${side} [${s.rfc}]`, () => {
        const clean = run(s, side, undefined);
        expect(clean.sent).toBeGreaterThan(0);
        let retransmitted = false;
        for (let n = 0; n < clean.sent; n++) {
          const lossy = run(s, side, n);
          retransmitted ||= lossy.sent > clean.sent;
          expect({ drop: n, end: lossy.end }).toEqual({ drop: n, end: clean.end });
          for (const who of ['alice', 'bob'] as const) {
            const ups = (x: V1Pair) => eventsOf(peer(x, who), 'child-sa-up').length - eventsOf(peer(x, who), 'child-sa-down').length;
            expect({ drop: n, who, live: ups(lossy.p) }).toEqual({ drop: n, who, live: ups(clean.p) });
          }
        }
        // The losses were real: recovering from them took retransmissions.
        expect(retransmitted).toBe(true);
      });
    }
  }
});
