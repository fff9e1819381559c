import { describe, expect, it } from 'vitest';
import { decodeMessageV1 } from '../../src/payloads/ikev1/message.js';
import type { Datagram } from '../../src/ikev1/index.js';
import { eventsOf, pair } from './harness.js';

/** Drops the n-th datagram put on the wire (0-based) once. */
function dropNth(...ns: number[]) {
  return (_d: unknown, _from: unknown, n: number) => !ns.includes(n);
}

function run(drop: number[], o: Parameters<typeof pair>[0] = {}) {
  const p = pair({ ...o, filter: dropNth(...drop) });
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  p.wire.pump();
  p.wire.advance(p.wire.now + 30_000);
  return p;
}

describe('retransmission (RFC 2408 section 5, RFC 2409 section 5)', () => {
  // Wire order: 0 MM1, 1 MM2, 2 MM3, 3 MM4, 4 MM5, 5 MM6, 6 QM1, 7 QM2, 8 QM3.
  const names = ['MM1', 'MM2', 'MM3', 'MM4', 'MM5', 'MM6', 'QM1', 'QM2', 'QM3'];
  for (let n = 0; n < names.length; n++) {
    it(`a lost ${names[n]} is recovered by retransmission, and both sides end with one IPsec SA`, () => {
      const { alice, bob, wire } = run([n]);
      expect([...eventsOf(alice, 'error'), ...eventsOf(bob, 'error')]).toEqual([]);
      expect(eventsOf(alice, 'ike-sa-up')).toHaveLength(1);
      expect(eventsOf(bob, 'ike-sa-up')).toHaveLength(1);
      expect(eventsOf(alice, 'child-sa-up')).toHaveLength(1);
      expect(eventsOf(bob, 'child-sa-up')).toHaveLength(1);
      // The resent message is byte-identical to the lost one.
      const lost = wire.log[n].d.data;
      expect(wire.log.slice(n + 1).some((l) => Buffer.compare(Buffer.from(l.d.data), Buffer.from(lost)) === 0)).toBe(true);
    });
  }

  it('a duplicate of the peer message is answered with our last message, not processed again', () => {
    const p = pair();
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    const mm5 = p.wire.log[4].d;
    const out = p.bob.endpoint.receive({ data: mm5.data, local: mm5.remote, remote: mm5.local }, p.wire.now);
    expect(out.datagrams).toHaveLength(1);
    expect(out.datagrams[0].data).toEqual(p.wire.log[5].d.data);
    expect(out.events.filter((e) => e.event !== 'trace')).toEqual([]);
  });

  it('gives up after the configured retries when the peer never answers', () => {
    const p = pair({ filter: (_d, from) => from.name !== 'bob' });
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    p.wire.advance(p.wire.now + 10 * 60 * 1000);
    expect(eventsOf(p.alice, 'ike-sa-down')[0].reason).toBe('peer did not answer');
    // MM1 and five retransmissions, with intervals doubling from 4 s.
    const mm1s = p.wire.log.filter((l) => l.from === 'alice');
    expect(mm1s).toHaveLength(6);
    expect(new Set(mm1s.map((l) => decodeMessageV1(l.d.data).header.messageId))).toEqual(new Set([0]));
    expect(p.alice.endpoint.status()).toEqual([]);
  });

  it('a half-open responder SA is dropped after halfOpenTimeout', () => {
    const p = pair({ filter: (_d, from, n) => !(from.name === 'alice' && n > 0) });
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    expect(p.bob.endpoint.status()).toHaveLength(1);
    p.wire.advance(p.wire.now + 61_000);
    expect(p.bob.endpoint.status()).toEqual([]);
  });
});

describe('late and misplaced messages', () => {
  it('a late copy of MM2 arriving after MM4 is dropped, not taken for a malformed MM6', () => {
    const p = pair();
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    // Hold back MM6 (wire message 5) and replay MM2 in its place.
    let held: Datagram | undefined;
    p.wire.opts.filter = (d, _f, n) => {
      if (n === 5) {
        held = d;
        return false;
      }
      return true;
    };
    p.wire.pump();
    const mm2 = p.wire.log[1].d;
    const out = p.alice.endpoint.receive({ data: mm2.data, local: mm2.remote, remote: mm2.local }, p.wire.now);
    expect(out.events.filter((e) => e.event !== 'trace')).toEqual([]);
    p.wire.apply(p.alice, p.alice.endpoint.receive({ data: held!.data, local: held!.remote, remote: held!.local }, p.wire.now));
    p.wire.pump();
    expect(eventsOf(p.alice, 'child-sa-up')).toHaveLength(1);
  });
});
