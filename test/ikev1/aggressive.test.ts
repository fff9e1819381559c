import { describe, expect, it } from 'vitest';
import { decodeMessageV1, isEncryptedMessageV1 } from '../../src/payloads/ikev1/message.js';
import { ExchangeType, PayloadType } from '../../src/payloads/iana/ikev1.js';
import { parseConfigV1, configWarningsV1 } from '../../src/ikev1/index.js';
import { eventsOf, pair } from './harness.js';

describe('Aggressive Mode with pre-shared key (RFC 2409 section 5.4)', () => {
  it('AM1-AM3 then Quick Mode', () => {
    const { wire, alice, bob } = pair({ alice: { mode: 'aggressive', localId: 'rfc822:alice@example.org' }, bob: { mode: 'aggressive', remoteId: 'rfc822:alice@example.org' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect([...eventsOf(alice, 'error'), ...eventsOf(bob, 'error')]).toEqual([]);
    expect(eventsOf(alice, 'ike-sa-up')[0].remoteId).toBe('fqdn:192.0.2.2.example');
    expect(eventsOf(bob, 'ike-sa-up')[0].remoteId).toBe('rfc822:alice@example.org');
    expect(eventsOf(bob, 'child-sa-up')).toHaveLength(1);
    const msgs = wire.log.map((l) => decodeMessageV1(l.d.data));
    expect(msgs.map((m) => m.header.exchangeType)).toEqual([4, 4, 4, 32, 32, 32]);
    // AM1 carries SA, KE, Ni and IDii in the clear; AM2 adds HASH_R.
    const am1 = msgs[0];
    const am2 = msgs[1];
    if (isEncryptedMessageV1(am1) || isEncryptedMessageV1(am2)) throw new Error('AM1/AM2 must be in the clear');
    expect(am1.payloads.map((p) => p.type).slice(0, 4)).toEqual([PayloadType.SA, PayloadType.KE, PayloadType.NONCE, PayloadType.ID]);
    expect(am2.payloads.some((p) => p.type === PayloadType.HASH)).toBe(true);
    expect(isEncryptedMessageV1(msgs[2])).toBe(true);
  });

  it('KEY_ID identities (RFC 2407 section 4.6.2.12)', () => {
    const { wire, alice, bob } = pair({ alice: { mode: 'aggressive', localId: 'keyid:0a0b0c' }, bob: { mode: 'aggressive', remoteId: 'keyid:0a0b0c' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(bob, 'ike-sa-up')[0].remoteId).toBe('keyid:0a0b0c');
  });

  it('is refused by a responder configured for Main Mode', () => {
    const { wire, alice, bob } = pair({ alice: { mode: 'aggressive' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(bob, 'error')[0].message).toMatch(/Aggressive Mode refused/);
    expect(eventsOf(alice, 'error')[0].notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(eventsOf(alice, 'ike-sa-up')).toEqual([]);
    expect(bob.endpoint.status()).toEqual([]);
  });

  it('is accepted by a Main Mode responder that sets ike.aggressive', () => {
    const { wire, alice, bob } = pair({ alice: { mode: 'aggressive' }, bob: { ike: { aggressive: true } } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(bob, 'ike-sa-up')).toHaveLength(1);
  });

  it('a wrong pre-shared key fails HASH_R at the initiator', () => {
    const { wire, alice } = pair({ alice: { mode: 'aggressive', psk: 'x' }, bob: { mode: 'aggressive', psk: 'y' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(alice, 'error')[0]).toMatchObject({ notify: 'AUTHENTICATION_FAILED' });
    expect(eventsOf(alice, 'error')[0].message).toMatch(/HASH_R/);
    expect(eventsOf(alice, 'ike-sa-up')).toEqual([]);
  });

  it('warns that the responder hash can be cracked offline', () => {
    const cfg = parseConfigV1({
      version: 1,
      mode: 'aggressive',
      local: { address: '192.0.2.1', port: 500, id: 'fqdn:a.example' },
      remote: { address: '192.0.2.2', port: 500 },
      psk: 'k',
      ike: { proposals: ['aes128-sha256-modp2048'] },
      child: { proposals: ['aes128-sha256'], localTs: ['10.0.0.0/8'], remoteTs: ['10.1.0.0/16'] },
    });
    expect(configWarningsV1(cfg)[0]).toMatch(/offline/);
    const { wire, alice } = pair({ alice: { mode: 'aggressive' }, bob: { mode: 'aggressive' }, trace: true });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    expect(alice.events.some((e) => e.event === 'trace' && e.text.startsWith('WARNING: Aggressive Mode'))).toBe(true);
    expect(ExchangeType.AGGRESSIVE).toBe(4);
  });
});
