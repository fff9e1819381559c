/**
 * INFORMATIONAL exchanges and reliability (RFC 7296 sections 1.4, 2.1, 2.4): deletes from either
 * side, liveness checks, retransmission of a lost request and the cached answer to a repeated one.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { connect, pair, type Net } from './session-harness.js';

type ChildUp = Extract<IkeEvent, { event: 'child-sa-up' }>;
type ChildDown = Extract<IkeEvent, { event: 'child-sa-down' }>;

function up(): Net {
  const net = pair(nodeProvider);
  connect(net);
  expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
  return net;
}

const ikeId = (net: Net, who: string) => net.ep(who).status()[0].ikeSaId;
const childId = (net: Net, who: string) => (net.events(who, 'child-sa-up')[0] as ChildUp).childSaId;

describe('INFORMATIONAL Delete (RFC 7296 section 1.4.1)', () => {
  for (const who of ['alice', 'bob'] as const) {
    const other = who === 'alice' ? 'bob' : 'alice';
    it(`deleting the Child SA from ${who} removes both directions on both sides`, () => {
      const net = up();
      net.take(who, net.ep(who).deleteChildSa(childId(net, who), net.now));
      net.run();
      const mine = net.events(who, 'child-sa-down') as ChildDown[];
      const theirs = net.events(other, 'child-sa-down') as ChildDown[];
      expect(mine).toHaveLength(1);
      expect(theirs).toHaveLength(1);
      expect(mine[0].spiIn).toBe(theirs[0].spiOut);
      expect(net.ep(who).status()[0].children).toEqual([]);
      expect(net.ep(other).status()[0].children).toEqual([]);
      expect(net.ep(who).status()[0].state).toBe('ESTABLISHED');
    });

    it(`deleting the IKE SA from ${who} takes its Child SAs down on both sides`, () => {
      const net = up();
      net.take(who, net.ep(who).deleteIkeSa(ikeId(net, who), net.now));
      net.run();
      for (const n of [who, other]) {
        expect(net.events(n, 'ike-sa-down')).toHaveLength(1);
        expect(net.events(n, 'child-sa-down')).toHaveLength(1);
        expect(net.ep(n).status()).toEqual([]);
      }
    });
  }

  it('RFC 7296 section 1.4.1: crossing Child SA deletes each remove the SA once, answers carry no Delete for it', () => {
    const net = up();
    net.take('alice', net.ep('alice').deleteChildSa(childId(net, 'alice'), net.now));
    net.take('bob', net.ep('bob').deleteChildSa(childId(net, 'bob'), net.now));
    net.run();
    expect(net.events('alice', 'child-sa-down')).toHaveLength(1);
    expect(net.events('bob', 'child-sa-down')).toHaveLength(1);
    expect(net.events('alice', 'error')).toEqual([]);
    expect(net.ep('alice').status()[0].state).toBe('ESTABLISHED');
  });
});

describe('liveness (RFC 7296 section 2.4)', () => {
  it('an empty INFORMATIONAL request is answered and moves the Message IDs', () => {
    const net = up();
    const before = net.ep('alice').status()[0].messageIds.nextRequest;
    net.take('alice', net.ep('alice').checkLiveness(ikeId(net, 'alice'), net.now));
    net.run();
    expect(net.ep('alice').status()[0].messageIds.nextRequest).toBe(before + 1);
    expect(net.ep('bob').status()[0].messageIds.expectedRequest).toBe(before + 1);
    expect(net.events('alice', 'ike-sa-down')).toEqual([]);
  });

  it('dpdDelay: a silent peer is checked, and an unanswered check ends the SA after the retransmissions', () => {
    const net = pair(nodeProvider, { extra: { dpdDelay: 10 } }, { extra: { dpdDelay: 0 } });
    connect(net);
    // Bob vanishes: nothing reaches him any more.
    net.drop = (d) => d.from === 'alice';
    net.advance(9_000);
    expect(net.events('alice', 'ike-sa-down')).toEqual([]);
    net.advance(60_000);
    const down = net.events('alice', 'ike-sa-down');
    expect(down).toHaveLength(1);
    expect((down[0] as Extract<IkeEvent, { event: 'ike-sa-down' }>).reason).toBe('peer not responding');
  });
});

describe('retransmission (RFC 7296 sections 2.1 and 2.4)', () => {
  it('a lost IKE_AUTH request is sent again after the timeout and the SA comes up', () => {
    const net = pair(nodeProvider);
    // The first IKE_AUTH request (third datagram overall) is lost.
    net.drop = (_d, n) => n === 2;
    connect(net);
    expect(net.events('alice', 'ike-sa-up')).toEqual([]);
    net.advance(600);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
  });

  it('a lost response makes the initiator resend; the responder answers from its cache without processing twice', () => {
    const net = pair(nodeProvider);
    // The IKE_AUTH response (fourth datagram) is lost.
    net.drop = (_d, n) => n === 3;
    connect(net);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('alice', 'ike-sa-up')).toEqual([]);
    const bobSent = net.log.filter((l) => l.from === 'bob').length;
    net.advance(600);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    // Same bytes again, not a second Child SA.
    const bobLog = net.log.filter((l) => l.from === 'bob');
    expect(bobLog.length).toBe(bobSent + 1);
    expect(bobLog[bobLog.length - 1].data).toEqual(bobLog[bobLog.length - 2].data);
    expect(net.events('bob', 'child-sa-up')).toHaveLength(1);
  });

  it('a duplicated IKE_SA_INIT request gets the same response and no second SA', () => {
    const net = pair(nodeProvider);
    const out = net.ep('alice').initiate(undefined, net.now);
    net.take('alice', out);
    net.wire.push({ ...net.wire[0] });
    net.run();
    expect(net.ep('bob').status()).toHaveLength(1);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
  });

  it('an unanswered request is retried with growing intervals, then the SA is given up', () => {
    const net = pair(nodeProvider);
    net.drop = (d) => d.from === 'bob';
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    net.run();
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t = net.ep('alice').nextTimeout();
      if (t === undefined) break;
      times.push(t);
      net.now = t;
      net.take('alice', net.ep('alice').timeout(t));
      net.run();
    }
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(net.events('alice', 'ike-sa-down')).toHaveLength(1);
  });
});

describe('unknown SPIs (RFC 7296 section 2.21.4)', () => {
  it('a protected request for an unknown SA gets INVALID_IKE_SPI in clear; a response gets nothing', () => {
    const net = up();
    // Forget Alice's SA on Bob's side by building a fresh Bob.
    const fresh = pair(nodeProvider);
    net.take('alice', net.ep('alice').checkLiveness(ikeId(net, 'alice'), net.now));
    const req = net.wire.shift()!;
    const out = fresh.ep('bob').receive({ data: req.data, local: req.remote, remote: req.local }, net.now);
    expect(out.datagrams).toHaveLength(1);
    expect(out.datagrams[0].data[18 + 0]).toBe(37); // Exchange Type INFORMATIONAL
    expect(out.datagrams[0].remote).toEqual(req.local);
  });
});

describe('INITIAL_CONTACT (RFC 7296 section 2.4)', () => {
  it('a peer that restarts and connects again with INITIAL_CONTACT replaces its old SAs at the responder', async () => {
    const { Net, config, seededRandom } = await import('./session-harness.js');
    const net = new Net();
    net.add('alice', { provider: nodeProvider, configs: [config('alice')], random: seededRandom('a1') }, [16500, 16501]);
    net.add('bob', { provider: nodeProvider, configs: [config('bob')], random: seededRandom('b') }, [16600, 16601]);
    connect(net);
    expect(net.ep('bob').status()).toHaveLength(1);
    // Alice "reboots": a new endpoint with no memory of the first SA.
    net.add('alice', { provider: nodeProvider, configs: [config('alice')], random: seededRandom('a2') }, [16500, 16501]);
    connect(net);
    const bob = net.ep('bob').status();
    expect(bob).toHaveLength(1);
    expect(bob[0].ikeSaId).toBe('2');
    const down = net.events('bob', 'ike-sa-down') as Extract<IkeEvent, { event: 'ike-sa-down' }>[];
    expect(down.map((d) => d.reason)).toEqual(['replaced after INITIAL_CONTACT']);
  });
});

describe('INITIAL_CONTACT only on a first SA (RFC 7296 section 2.4)', () => {
  it('a second IKE SA from the same endpoint and config leaves the first one standing', () => {
    const net = pair(nodeProvider);
    connect(net);
    connect(net);
    expect(net.ep('bob').status().filter((s) => s.state === 'ESTABLISHED')).toHaveLength(2);
    expect(net.ep('alice').status().filter((s) => s.state === 'ESTABLISHED')).toHaveLength(2);
    expect(net.events('bob', 'ike-sa-down')).toEqual([]);
  });
});
