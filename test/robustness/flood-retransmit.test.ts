/**
 * Retransmission storms, reordered and duplicated datagrams, and a peer that vanishes, in the
 * in-memory harness (seeded, replayable).
 *  - RFC 7296 section 2.1: a retransmitted request gets the cached response, byte for byte; the
 *    responder computes one answer however often the request comes.
 *  - Section 2.1/2.3: duplicates and reordering across exchanges leave both sides with the same SAs.
 *  - Section 2.4: an unanswered liveness check ends the IKE SA and its Child SAs, with events.
 */
import { describe, expect, it } from 'vitest';
import type { Datagram } from '../../src/ikev2/types.js';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { bytesEqual } from '../../src/util/bytes.js';
import { Rng } from '../../fuzz/rng.js';
import { connect, pair, type Net } from '../ikev2/session-harness.js';

const STORM = 1000;

/** Takes the datagrams now on the wire from `from`, undelivered. */
function grab(net: Net, from: string): Datagram[] {
  const mine = net.wire.filter((d) => d.from === from);
  net.wire.splice(0, net.wire.length, ...net.wire.filter((d) => d.from !== from));
  return mine.map((d) => ({ data: d.data, local: d.remote, remote: d.local, marker: d.marker }));
}

/** Delivers one request STORM times to `to`; returns every answer's bytes. */
function storm(net: Net, to: string, req: Datagram): Uint8Array[] {
  const answers: Uint8Array[] = [];
  for (let i = 0; i < STORM; i++) {
    const out = net.ep(to).receive(req, net.now);
    if (i === 0) net.take(to, out);
    else net.nodes.get(to)!.events.push(...out.events);
    answers.push(...out.datagrams.map((d) => d.data));
  }
  return answers;
}

function allSame(xs: Uint8Array[]): boolean {
  return xs.every((x) => bytesEqual(x, xs[0]));
}

describe('retransmission storms (RFC 7296 section 2.1)', () => {
  it(`an IKE_SA_INIT request ${STORM} times: one half-open SA, the same response every time`, () => {
    const net = pair(nodeProvider);
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    const [req] = grab(net, 'alice');
    const answers = storm(net, 'bob', req);
    expect(answers).toHaveLength(STORM);
    expect(allSame(answers)).toBe(true);
    expect(net.ep('bob').status()).toHaveLength(1);
    // The exchange still completes from the first answer.
    net.run();
    expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
  });

  it(`an IKE_AUTH request ${STORM} times: one IKE SA and one Child SA up, the cached response resent`, () => {
    const net = pair(nodeProvider);
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    net.run(1);
    net.run(1);
    const [req] = grab(net, 'alice');
    expect(req.data[18]).toBe(35);
    const answers = storm(net, 'bob', req);
    expect(answers).toHaveLength(STORM);
    expect(allSame(answers)).toBe(true);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('bob', 'child-sa-up')).toHaveLength(1);
    net.run();
    expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
    expect(net.ep('bob').status()[0].children).toHaveLength(1);
  });

  it(`a CREATE_CHILD_SA request ${STORM} times: one new Child SA`, () => {
    const net = pair(nodeProvider, { pfs: 'x25519' });
    connect(net);
    const id = net.ep('alice').status()[0].ikeSaId;
    net.take('alice', net.ep('alice').createChildSa(id, net.now));
    const [req] = grab(net, 'alice');
    const answers = storm(net, 'bob', req);
    expect(allSame(answers)).toBe(true);
    expect(answers).toHaveLength(STORM);
    expect(net.events('bob', 'child-sa-up')).toHaveLength(2);
    net.run();
    expect(net.ep('alice').status()[0].children).toHaveLength(2);
    expect(net.ep('bob').status()[0].children).toHaveLength(2);
  });
});

/** Delivers until quiet, each step taking a random datagram off the wire and sometimes copying it. */
function runShuffled(net: Net, rng: Rng, maxSteps = 2000): void {
  for (let i = 0; i < maxSteps && net.wire.length; i++) {
    const d = net.wire.splice(rng.int(net.wire.length), 1)[0];
    if (rng.chance(0.5)) net.wire.splice(rng.int(net.wire.length + 1), 0, { ...d });
    net.wire.unshift(d);
    net.run(1);
  }
}

describe('reordered and duplicated datagrams (RFC 7296 sections 2.1 and 2.3)', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: handshake, new Child SA, Child SA rekey and liveness end with matching SAs on both sides`, () => {
      const net = pair(nodeProvider, { pfs: 'x25519' }, { pfs: 'x25519' }, { seed: `reorder-${seed}` });
      const rng = new Rng(seed);
      net.take('alice', net.ep('alice').initiate(undefined, net.now));
      runShuffled(net, rng);
      const id = net.ep('alice').status()[0].ikeSaId;
      net.take('alice', net.ep('alice').createChildSa(id, net.now));
      runShuffled(net, rng);
      const child = net.ep('alice').status()[0].children[0].childSaId;
      net.take('alice', net.ep('alice').rekeyChildSa(child, net.now));
      runShuffled(net, rng);
      net.take('bob', net.ep('bob').checkLiveness(net.ep('bob').status()[0].ikeSaId, net.now));
      runShuffled(net, rng);
      // Let the rekeyed Child SA's delete and any retransmissions finish.
      net.advance(5_000);
      const a = net.ep('alice').status();
      const b = net.ep('bob').status();
      expect(a.map((s) => s.state)).toEqual(['ESTABLISHED']);
      expect(b.map((s) => s.state)).toEqual(['ESTABLISHED']);
      const installed = (rows: typeof a) => rows[0].children.filter((c) => c.state === 'INSTALLED');
      expect(installed(a)).toHaveLength(2);
      expect(installed(a).map((c) => c.spiIn).sort()).toEqual(installed(b).map((c) => c.spiOut).sort());
      expect(net.events('alice', 'ike-sa-down')).toEqual([]);
      expect(net.events('bob', 'ike-sa-down')).toEqual([]);
    });
  }
});

describe('a vanishing peer (RFC 7296 section 2.4)', () => {
  for (const [who, gone] of [
    ['alice', 'bob'],
    ['bob', 'alice'],
  ] as const) {
    it(`${who} checks a silent ${gone}: IKE SA and Child SA removed, events say so`, () => {
      const opts = (n: string) => ({ extra: { dpdDelay: n === who ? 10 : 0 } });
      const net = pair(nodeProvider, opts('alice'), opts('bob'));
      connect(net);
      expect(net.events(who, 'child-sa-up')).toHaveLength(1);
      net.drop = (d) => d.from === gone || d.remote.port === net.ep(gone).configs[0].local.port;
      net.advance(120_000);
      expect(net.events(who, 'ike-sa-down')).toHaveLength(1);
      expect(net.events(who, 'child-sa-down')).toHaveLength(1);
      expect(net.ep(who).status()).toEqual([]);
    });
  }
});
