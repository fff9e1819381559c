/**
 * Simultaneous exchanges (RFC 7296 sections 2.8.1, 2.8.2 and 2.25) beyond the two classic cases:
 * both sides rekey the same Child SA, both rekey the IKE SA, a rekey crosses a delete, two deletes
 * cross, an IKE SA rekey starts while a Child SA rekey is in flight, and so on. Every case ends with
 * both sides agreeing on at most one IKE SA and one SA per purpose, nothing in flight, and no SA
 * objects left in the endpoint's indexes that status() does not show.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { Net } from '../ikev2/session-harness.js';
import { connect, pair } from '../ikev2/session-harness.js';
import { settledAndAgreed } from './corpus/agree.js';

const SEEDS = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'];

function setup(seed: string): { net: Net; aIke: string; bIke: string; aChild: string; bChild: string } {
  const net = pair(nodeProvider, {}, undefined, { seed });
  connect(net);
  const a = net.ep('alice').status()[0];
  const b = net.ep('bob').status()[0];
  return { net, aIke: a.ikeSaId, bIke: b.ikeSaId, aChild: a.children[0].childSaId, bChild: b.children[0].childSaId };
}

/** Runs the wire and the clock until every retry and pending delete is done (well inside the lifetimes). */
function settle(net: Net): void {
  net.run();
  net.advance(60_000);
}

interface Collision {
  name: string;
  rfc: string;
  start(s: ReturnType<typeof setup>): void;
  /** Which outcome the RFC allows: the Child SA survives (one), or is gone (zero), or either. */
  children: 0 | 1 | 'either';
  ike: 0 | 1;
}

const COLLISIONS: Collision[] = [
  {
    name: 'both sides rekey the same Child SA',
    rfc: 'RFC 7296 section 2.8.1: the exchange with the lowest nonce loses; one new SA remains',
    start: ({ net, aChild, bChild }) => {
      net.take('alice', net.ep('alice').rekeyChildSa(aChild, net.now));
      net.take('bob', net.ep('bob').rekeyChildSa(bChild, net.now));
    },
    children: 1,
    ike: 1,
  },
  {
    name: 'both sides rekey the IKE SA',
    rfc: 'RFC 7296 section 2.8.2',
    start: ({ net, aIke, bIke }) => {
      net.take('alice', net.ep('alice').rekeyIkeSa(aIke, net.now));
      net.take('bob', net.ep('bob').rekeyIkeSa(bIke, net.now));
    },
    children: 1,
    ike: 1,
  },
  {
    name: 'Alice rekeys the Child SA while Bob deletes it',
    rfc: 'RFC 7296 section 2.25: a rekey of an SA being deleted gets CHILD_SA_NOT_FOUND or completes and is deleted',
    start: ({ net, aChild, bChild }) => {
      net.take('alice', net.ep('alice').rekeyChildSa(aChild, net.now));
      net.take('bob', net.ep('bob').deleteChildSa(bChild, net.now));
    },
    children: 'either',
    ike: 1,
  },
  {
    name: 'Bob rekeys the Child SA while Alice deletes it',
    rfc: 'RFC 7296 section 2.25',
    start: ({ net, aChild, bChild }) => {
      net.take('bob', net.ep('bob').rekeyChildSa(bChild, net.now));
      net.take('alice', net.ep('alice').deleteChildSa(aChild, net.now));
    },
    children: 'either',
    ike: 1,
  },
  {
    name: 'both sides delete the same Child SA',
    rfc: 'RFC 7296 section 1.4.1: crossed Deletes each close the SA; the answers leave it out',
    start: ({ net, aChild, bChild }) => {
      net.take('alice', net.ep('alice').deleteChildSa(aChild, net.now));
      net.take('bob', net.ep('bob').deleteChildSa(bChild, net.now));
    },
    children: 0,
    ike: 1,
  },
  {
    name: 'both sides delete the IKE SA',
    rfc: 'RFC 7296 section 1.4.1',
    start: ({ net, aIke, bIke }) => {
      net.take('alice', net.ep('alice').deleteIkeSa(aIke, net.now));
      net.take('bob', net.ep('bob').deleteIkeSa(bIke, net.now));
    },
    children: 0,
    ike: 0,
  },
  {
    name: 'Alice rekeys the IKE SA while Bob deletes it',
    rfc: 'RFC 7296 section 2.25: a rekey of an IKE SA being deleted fails; the delete wins',
    start: ({ net, aIke, bIke }) => {
      net.take('alice', net.ep('alice').rekeyIkeSa(aIke, net.now));
      net.take('bob', net.ep('bob').deleteIkeSa(bIke, net.now));
    },
    children: 0,
    ike: 0,
  },
  {
    name: 'Alice rekeys the Child SA, Bob rekeys the IKE SA',
    rfc: 'RFC 7296 section 2.25: TEMPORARY_FAILURE, the Child SA rekey is retried on the new IKE SA',
    start: ({ net, aChild, bIke }) => {
      net.take('alice', net.ep('alice').rekeyChildSa(aChild, net.now));
      net.take('bob', net.ep('bob').rekeyIkeSa(bIke, net.now));
    },
    children: 1,
    ike: 1,
  },
  {
    name: 'Alice starts an IKE SA rekey while her own Child SA rekey is in flight, and Bob rekeys the same Child SA',
    rfc: 'RFC 7296 sections 2.8.1 and 2.18: Child SAs move to the new IKE SA',
    start: ({ net, aIke, aChild, bChild }) => {
      net.take('alice', net.ep('alice').rekeyChildSa(aChild, net.now));
      net.take('alice', net.ep('alice').rekeyIkeSa(aIke, net.now));
      net.take('bob', net.ep('bob').rekeyChildSa(bChild, net.now));
    },
    children: 1,
    ike: 1,
  },
  {
    name: 'both sides rekey the IKE SA while both rekey the Child SA',
    rfc: 'RFC 7296 sections 2.8.1, 2.8.2 and 2.25',
    start: ({ net, aIke, bIke, aChild, bChild }) => {
      net.take('alice', net.ep('alice').rekeyChildSa(aChild, net.now));
      net.take('bob', net.ep('bob').rekeyChildSa(bChild, net.now));
      net.take('alice', net.ep('alice').rekeyIkeSa(aIke, net.now));
      net.take('bob', net.ep('bob').rekeyIkeSa(bIke, net.now));
    },
    children: 1,
    ike: 1,
  },
  {
    name: 'Bob deletes the Child SA while Alice rekeys the IKE SA',
    rfc: 'RFC 7296 section 2.25',
    start: ({ net, aIke, bChild }) => {
      net.take('alice', net.ep('alice').rekeyIkeSa(aIke, net.now));
      net.take('bob', net.ep('bob').deleteChildSa(bChild, net.now));
    },
    children: 0,
    ike: 1,
  },
];

describe('IKEv2 collisions end with one SA per purpose on both sides and no leak', () => {
  for (const c of COLLISIONS) {
    for (const seed of SEEDS) {
      it(`${c.name}, seed ${seed} [${c.rfc}]`, () => {
        const s = setup(seed);
        c.start(s);
        settle(s.net);
        const got = settledAndAgreed(s.net);
        expect(got.ike).toBe(c.ike);
        if (c.children !== 'either') expect(got.children).toBe(c.children);
        // Every Child SA that came up went down again unless it is one of those left.
        for (const side of ['alice', 'bob'] as const) {
          const up = s.net.events(side, 'child-sa-up').length;
          const down = s.net.events(side, 'child-sa-down').length;
          expect(up - down).toBe(got.children);
          const ikeUp = 1 + s.net.events(side, 'ike-sa-rekeyed').length;
          const ikeDown = s.net.events(side, 'ike-sa-down').length;
          expect(ikeUp - ikeDown).toBe(got.ike);
        }
      });
    }
  }
});
