/**
 * A lost datagram at every step of every exchange (RFC 7296 sections 2.1 and 2.4: the initiator
 * retransmits, the responder answers a retransmitted request from its cache and never processes
 * it twice). For each exchange and each side that starts it, the run is made once without loss to
 * count its datagrams, then once per datagram with exactly that one dropped; after the clock has
 * run, both sides must be in the same state as without loss, and never half: no SA or Child SA on
 * one side only, nothing in flight, nothing leaked.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { Net } from '../ikev2/session-harness.js';
import { connect, pair } from '../ikev2/session-harness.js';
import { settledAndAgreed } from './corpus/agree.js';

type Side = 'alice' | 'bob';

interface Scenario {
  name: string;
  rfc: string;
  /** Whether the SAs exist before the exchange starts. */
  established: boolean;
  start(net: Net, side: Side): void;
}

const ikeOf = (net: Net, side: Side) => net.ep(side).status()[0].ikeSaId;
const childOf = (net: Net, side: Side) => net.ep(side).status()[0].children[0].childSaId;

const SCENARIOS: Scenario[] = [
  { name: 'IKE_SA_INIT and IKE_AUTH', rfc: 'RFC 7296 sections 1.2 and 2.1', established: false, start: (net, side) => net.take(side, net.ep(side).initiate(undefined, net.now)) },
  { name: 'CREATE_CHILD_SA (new Child SA)', rfc: 'RFC 7296 section 1.3.1', established: true, start: (net, side) => net.take(side, net.ep(side).createChildSa(ikeOf(net, side), net.now)) },
  { name: 'CREATE_CHILD_SA (Child SA rekey) and the Delete of the old SA', rfc: 'RFC 7296 sections 1.3.3 and 2.8', established: true, start: (net, side) => net.take(side, net.ep(side).rekeyChildSa(childOf(net, side), net.now)) },
  { name: 'CREATE_CHILD_SA (IKE SA rekey) and the Delete of the old IKE SA', rfc: 'RFC 7296 sections 1.3.2 and 2.18', established: true, start: (net, side) => net.take(side, net.ep(side).rekeyIkeSa(ikeOf(net, side), net.now)) },
  { name: 'INFORMATIONAL (Child SA Delete)', rfc: 'RFC 7296 section 1.4.1', established: true, start: (net, side) => net.take(side, net.ep(side).deleteChildSa(childOf(net, side), net.now)) },
  { name: 'INFORMATIONAL (IKE SA Delete)', rfc: 'RFC 7296 section 1.4.1', established: true, start: (net, side) => net.take(side, net.ep(side).deleteIkeSa(ikeOf(net, side), net.now)) },
  { name: 'INFORMATIONAL (liveness check)', rfc: 'RFC 7296 section 2.4', established: true, start: (net, side) => net.take(side, net.ep(side).checkLiveness(ikeOf(net, side), net.now)) },
];

/**
 * Runs a scenario dropping the datagrams whose index (from the scenario's start) is in `lose`, or
 * with `duplicate`, delivering them twice.
 */
function runWithLoss(s: Scenario, side: Side, lose: number[], duplicate = false): { net: Net; sent: number; end: { ike: number; children: number } } {
  const net = pair(nodeProvider, {}, undefined, { seed: `loss/${s.name}/${side}` });
  if (s.established) connect(net);
  const base = net.log.length;
  // Counted here: the harness's own counter only runs while a drop function is set.
  let k = 0;
  net.drop = (d) => {
    const hit = lose.includes(k++);
    if (hit && duplicate) net.wire.push({ ...d, data: d.data.slice() });
    return hit && !duplicate;
  };
  s.start(net, side);
  net.run();
  // Long enough for every retransmission (500 ms doubling, 5 tries) and pending delete; well
  // inside the configured lifetimes.
  net.advance(120_000);
  net.drop = undefined;
  // A second Child SA with the same selectors is what CREATE_CHILD_SA was asked for here.
  const end = settledAndAgreed(net, false);
  return { net, sent: net.log.length - base, end };
}

describe('IKEv2: one lost datagram at every step of every exchange, both initiating sides', () => {
  for (const s of SCENARIOS) {
    for (const side of (s.established ? ['alice', 'bob'] : ['alice']) as Side[]) {
      it(`${s.name}, started by ${side === 'alice' ? 'the original initiator' : 'the original responder'} [${s.rfc}]`, () => {
        const clean = runWithLoss(s, side, []);
        expect(clean.sent).toBeGreaterThan(0);
        // The exchange's own datagrams (retransmissions after a loss add more, which are not dropped).
        let retransmitted = false;
        for (let n = 0; n < clean.sent; n++) {
          const lossy = runWithLoss(s, side, [n]);
          retransmitted ||= lossy.sent > clean.sent;
          expect({ drop: n, end: lossy.end }).toEqual({ drop: n, end: clean.end });
          for (const who of ['alice', 'bob'] as const) {
            // Nothing was done twice: a retransmitted request is answered from the cache.
            expect({ drop: n, who, up: lossy.net.events(who, 'child-sa-up').length }).toEqual({ drop: n, who, up: clean.net.events(who, 'child-sa-up').length });
            expect({ drop: n, who, errors: lossy.net.events(who, 'error') }).toEqual({ drop: n, who, errors: clean.net.events(who, 'error') });
          }
        }
        // The losses were real: recovering from them took retransmissions.
        expect(retransmitted).toBe(true);
      });
    }
  }
});

describe('IKEv2: one duplicated datagram at every step of every exchange (RFC 7296 section 2.1: a request is processed once)', () => {
  for (const s of SCENARIOS) {
    for (const side of (s.established ? ['alice', 'bob'] : ['alice']) as Side[]) {
      it(`${s.name}, started by ${side === 'alice' ? 'the original initiator' : 'the original responder'} [${s.rfc}]`, () => {
        const clean = runWithLoss(s, side, []);
        for (let n = 0; n < clean.sent; n++) {
          const dup = runWithLoss(s, side, [n], true);
          expect({ dup: n, end: dup.end }).toEqual({ dup: n, end: clean.end });
          for (const who of ['alice', 'bob'] as const) {
            expect({ dup: n, who, up: dup.net.events(who, 'child-sa-up').length, down: dup.net.events(who, 'child-sa-down').length }).toEqual({
              dup: n,
              who,
              up: clean.net.events(who, 'child-sa-up').length,
              down: clean.net.events(who, 'child-sa-down').length,
            });
            expect({ dup: n, who, errors: dup.net.events(who, 'error') }).toEqual({ dup: n, who, errors: clean.net.events(who, 'error') });
          }
        }
      });
    }
  }
});

describe('IKEv2: a peer that vanishes mid-exchange is declared dead cleanly (RFC 7296 section 2.4)', () => {
  for (const s of SCENARIOS.filter((x) => x.established)) {
    for (const side of ['alice', 'bob'] as Side[]) {
      it(`${s.name}, started by ${side}, every later datagram lost`, () => {
        const net = pair(nodeProvider, {}, undefined, { seed: `vanish/${s.name}` });
        connect(net);
        net.drop = () => true;
        s.start(net, side);
        net.run();
        net.advance(120_000);
        // The side that asked gave up and removed everything; it says so with events.
        expect(net.ep(side).status()).toEqual([]);
        const down = net.events(side, 'ike-sa-down');
        expect(down.length).toBeGreaterThan(0);
        const up = net.events(side, 'child-sa-up').length;
        expect(net.events(side, 'child-sa-down').length).toBe(up);
      });
    }
  }
});
