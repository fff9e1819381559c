import { describe, expect, it } from 'vitest';
import { decodeMessageV1 } from '../../src/payloads/ikev1/message.js';
import { ExchangeType } from '../../src/payloads/iana/ikev1.js';
import { eventsOf, pair } from './harness.js';

describe('Main Mode with pre-shared key, then Quick Mode (RFC 2409 sections 5 and 5.5)', () => {
  it('establishes an ISAKMP SA and an IPsec SA with aes256-sha256-modp2048 / aes128-sha1', () => {
    const { wire, alice, bob } = pair();
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    const errors = [...eventsOf(alice, 'error'), ...eventsOf(bob, 'error')];
    expect(errors).toEqual([]);
    const [aUp] = eventsOf(alice, 'ike-sa-up');
    const [bUp] = eventsOf(bob, 'ike-sa-up');
    expect(aUp).toMatchObject({ initiator: true, algorithms: 'aes256-sha256-modp2048', remoteId: 'fqdn:192.0.2.2.example' });
    expect(bUp).toMatchObject({ initiator: false, remoteId: 'fqdn:192.0.2.1.example' });
    expect(aUp.spiI).toBe(bUp.spiI);
    expect(aUp.spiR).toBe(bUp.spiR);
    const [aChild] = eventsOf(alice, 'child-sa-up');
    const [bChild] = eventsOf(bob, 'child-sa-up');
    expect(aChild.spiIn).toBe(bChild.spiOut);
    expect(aChild.spiOut).toBe(bChild.spiIn);
    expect(aChild.localTs).toEqual(['10.1.0.0/24']);
    expect(aChild.remoteTs).toEqual(['10.2.0.0/24']);
    expect(bChild.localTs).toEqual(['10.2.0.0/24']);
    expect(aChild.mode).toBe('tunnel');
    // MM1..MM6 and QM1..QM3: nine messages.
    expect(wire.log.map((l) => decodeMessageV1(l.d.data).header.exchangeType)).toEqual([
      ...Array(6).fill(ExchangeType.IDENTITY_PROTECTION),
      ...Array(3).fill(ExchangeType.QUICK_MODE),
    ]);
  });
});
