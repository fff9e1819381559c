/**
 * Simultaneous rekeying (RFC 7296 sections 2.8.1 and 2.8.2): both sides rekey the same SA at once;
 * the SA made by the exchange with the lowest of the four nonces is closed by its creator, the
 * other replaces the old SA, and both ends agree on what is left.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { connect, pair } from './session-harness.js';

type ChildUp = Extract<IkeEvent, { event: 'child-sa-up' }>;

const SEEDS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

describe('simultaneous Child SA rekey (RFC 7296 section 2.8.1)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: one Child SA survives on both sides, the same one`, () => {
      const net = pair(nodeProvider, {}, undefined, { seed });
      connect(net);
      const a = net.events('alice', 'child-sa-up')[0] as ChildUp;
      const b = net.events('bob', 'child-sa-up')[0] as ChildUp;
      net.take('alice', net.ep('alice').rekeyChildSa(a.childSaId, net.now));
      net.take('bob', net.ep('bob').rekeyChildSa(b.childSaId, net.now));
      net.run();
      expect(net.events('alice', 'error')).toEqual([]);
      expect(net.events('bob', 'error')).toEqual([]);
      const ac = net.ep('alice').status()[0].children;
      const bc = net.ep('bob').status()[0].children;
      expect(ac).toHaveLength(1);
      expect(bc).toHaveLength(1);
      expect(ac[0].spiIn).toBe(bc[0].spiOut);
      expect(ac[0].spiOut).toBe(bc[0].spiIn);
      expect(ac[0].spiIn).not.toBe(a.spiIn);
      // Two new SAs were made; the old one and the redundant one went down on each side.
      expect(net.events('alice', 'child-sa-up')).toHaveLength(3);
      expect(net.events('alice', 'child-sa-down')).toHaveLength(2);
      expect(net.events('bob', 'child-sa-down')).toHaveLength(2);
    });
  }
});

describe('simultaneous IKE SA rekey (RFC 7296 section 2.8.2)', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: one new IKE SA survives on both sides with the Child SA`, () => {
      const net = pair(nodeProvider, {}, undefined, { seed });
      connect(net);
      net.take('alice', net.ep('alice').rekeyIkeSa(net.ep('alice').status()[0].ikeSaId, net.now));
      net.take('bob', net.ep('bob').rekeyIkeSa(net.ep('bob').status()[0].ikeSaId, net.now));
      net.run();
      expect(net.events('alice', 'error')).toEqual([]);
      expect(net.events('bob', 'error')).toEqual([]);
      const as = net.ep('alice').status();
      const bs = net.ep('bob').status();
      expect(as).toHaveLength(1);
      expect(bs).toHaveLength(1);
      expect([as[0].spiI, as[0].spiR]).toEqual([bs[0].spiI, bs[0].spiR]);
      expect(as[0].state).toBe('ESTABLISHED');
      expect(as[0].children).toHaveLength(1);
      expect(bs[0].children).toHaveLength(1);
      expect(net.events('alice', 'child-sa-down')).toEqual([]);
      expect(net.events('bob', 'child-sa-down')).toEqual([]);
      // And it works.
      net.take('bob', net.ep('bob').createChildSa(bs[0].ikeSaId, net.now));
      net.run();
      expect(net.ep('alice').status()[0].children).toHaveLength(2);
    });
  }
});

describe('crossing Child SA rekey and IKE SA rekey (RFC 7296 section 2.25)', () => {
  it('TEMPORARY_FAILURE while the IKE SA is being rekeyed, then the Child SA rekey is retried on the new IKE SA', () => {
    const net = pair(nodeProvider);
    connect(net);
    const child = net.events('alice', 'child-sa-up')[0] as ChildUp;
    net.take('alice', net.ep('alice').rekeyChildSa(child.childSaId, net.now));
    net.take('bob', net.ep('bob').rekeyIkeSa(net.ep('bob').status()[0].ikeSaId, net.now));
    net.run();
    const errors = net.events('alice', 'error') as Extract<IkeEvent, { event: 'error' }>[];
    expect(errors.map((e) => e.notify)).toEqual(['TEMPORARY_FAILURE']);
    expect(net.events('alice', 'ike-sa-rekeyed')).toHaveLength(1);
    expect(net.events('alice', 'child-sa-rekeyed')).toEqual([]);
    net.advance(6_000);
    expect(net.events('alice', 'child-sa-rekeyed')).toHaveLength(1);
    const a = net.ep('alice').status();
    expect(a).toHaveLength(1);
    expect(a[0].children).toHaveLength(1);
    expect(a[0].children[0].spiIn).not.toBe(child.spiIn);
    expect(net.ep('bob').status()[0].children[0].spiOut).toBe(a[0].children[0].spiIn);
  });
});
