import { describe, expect, it } from 'vitest';
import { decodeMessageV1, encodeMessageV1 } from '../../src/payloads/ikev1/message.js';
import { ExchangeType, PayloadType } from '../../src/payloads/iana/ikev1.js';
import { VendorId } from '../../src/payloads/vendor-ids.js';
import { concatBytes } from '../../src/util/bytes.js';
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

describe('Main Mode negotiation rules', () => {
  it('RFC 2409 section 5.5: both sides derive the same KEYMAT for each SPI (keylog)', () => {
    const { wire, alice, bob } = pair({ keylog: true });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    const aKeys = alice.events.filter((e) => e.event === 'keys');
    const bKeys = bob.events.filter((e) => e.event === 'keys');
    expect(aKeys).toHaveLength(2);
    const strip = (e: (typeof aKeys)[number]) => {
      const { ikeSaId: _i, ...rest } = e as Record<string, unknown>;
      delete rest.childSaId;
      return rest;
    };
    expect(aKeys.map(strip)).toEqual(bKeys.map(strip));
    const child = aKeys.find((e) => e.event === 'keys' && e.kind === 'child') as Extract<(typeof aKeys)[number], { kind: 'child' }>;
    // aes128 (16 bytes) and HMAC-SHA1 (20 bytes), different in each direction.
    expect(child.encrKeyItoR).toHaveLength(32);
    expect(child.integKeyItoR).toHaveLength(40);
    expect(child.encrKeyItoR).not.toBe(child.encrKeyRtoI);
  });

  for (const proposal of ['3des-sha1-modp1024', 'aes128-sha1-modp1024']) {
    it(`legacy ${proposal} works with allowWeak (RFC 2409 Appendix A, RFC 8247 section 2.4)`, () => {
      const ike = { proposals: [proposal], allowWeak: true };
      const { wire, alice, bob } = pair({ alice: { ike }, bob: { ike } });
      wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
      wire.pump();
      expect(eventsOf(alice, 'ike-sa-up')[0].algorithms).toBe(proposal);
      expect(eventsOf(bob, 'child-sa-up')).toHaveLength(1);
    });
  }

  it('RFC 2408 section 4.2: the responder answers with one transform, the first of its own policies that was offered', () => {
    const { wire, alice, bob } = pair({
      alice: { ike: { proposals: ['aes128-sha256-modp2048', 'aes256-sha256-modp2048', 'aes256-sha1-modp2048'] } },
      bob: { ike: { proposals: ['aes256-sha1-modp2048', 'aes256-sha256-modp2048'] } },
    });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(alice, 'ike-sa-up')[0].algorithms).toBe('aes256-sha1-modp2048');
    expect(eventsOf(bob, 'ike-sa-up')[0].algorithms).toBe('aes256-sha1-modp2048');
    const mm2 = decodeMessageV1(wire.log[1].d.data);
    if ('encrypted' in mm2) throw new Error('MM2 must be in the clear');
    const sa = mm2.payloads.find((p) => p.type === 1);
    expect(sa && sa.type === 1 && sa.proposals.map((p) => p.transforms.length)).toEqual([1]);
  });

  it('a responder lifetime that is shorter is adopted by both sides (RFC 2409 section 5, RFC 2407 section 4.5)', () => {
    const { wire, alice, bob } = pair({ alice: { ike: { lifetime: 28800 } }, bob: { ike: { lifetime: 3600 } } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(alice.endpoint.status(wire.now)[0].lifetimeLeft).toBe(3600);
    expect(bob.endpoint.status(wire.now)[0].lifetimeLeft).toBe(3600);
  });

  it('RFC 2408 section 5 / 3.14.1: no acceptable transform gives NO-PROPOSAL-CHOSEN on both sides', () => {
    const { wire, alice, bob } = pair({ bob: { ike: { proposals: ['aes128-sha512-ecp384'] } } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(bob, 'error')[0].notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(eventsOf(alice, 'error')[0].notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(eventsOf(alice, 'ike-sa-down')).toHaveLength(1);
    expect(alice.endpoint.status()).toEqual([]);
    expect(bob.endpoint.status()).toEqual([]);
  });

  it('RFC 2409 section 5: a different pre-shared key fails authentication', () => {
    const { wire, alice, bob } = pair({ alice: { psk: 'one secret' }, bob: { psk: 'another secret' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(bob, 'error')[0].notify).toBe('AUTHENTICATION_FAILED');
    expect(eventsOf(alice, 'error')[0].notify).toBe('AUTHENTICATION_FAILED');
    expect(eventsOf(alice, 'ike-sa-up')).toEqual([]);
    expect(eventsOf(bob, 'ike-sa-up')).toEqual([]);
    expect(eventsOf(alice, 'ike-sa-down')).toHaveLength(1);
  });

  it('RFC 2409 section 5: the responder checks the initiator identity, and reports the failure encrypted once MM5 decrypted', () => {
    const { wire, alice, bob } = pair({ bob: { remoteId: 'fqdn:mallory.example' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(bob, 'error')[0].message).toMatch(/mallory/);
    expect(eventsOf(bob, 'ike-sa-up')).toEqual([]);
    const last = decodeMessageV1(wire.log.at(-1)!.d.data);
    expect(last.header.exchangeType).toBe(ExchangeType.INFORMATIONAL);
    expect(last.header.flags.encryption).toBe(true);
    expect(eventsOf(alice, 'error')[0]).toMatchObject({ notify: 'AUTHENTICATION_FAILED', message: expect.stringMatching(/peer reported/) });
    expect(eventsOf(alice, 'ike-sa-down')).toHaveLength(1);
  });

  it('an encrypted report that does not decrypt after our MM5 means the pre-shared keys differ', () => {
    // bob checks identity first and fails: with another PSK alice cannot read his encrypted report.
    const { wire, alice, bob } = pair({ bob: { remoteId: 'fqdn:mallory.example' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    // Corrupt bob's last (encrypted) report on its way to alice.
    wire.opts.rewrite = (d, from) => {
      if (from.name !== 'bob' || decodeMessageV1(d.data).header.exchangeType !== ExchangeType.INFORMATIONAL) return d;
      const data = d.data.slice();
      data[30] ^= 1;
      return { ...d, data };
    };
    wire.pump();
    expect(eventsOf(bob, 'error')).toHaveLength(1);
    expect(eventsOf(alice, 'error')[0].message).toMatch(/pre-shared keys differ/);
  });

  it('a configured remote identity of another type (ipv4) must match exactly', () => {
    const { wire, alice, bob } = pair({ alice: { localId: 'ipv4:192.0.2.1', remoteId: 'rfc822:bob@example.org' }, bob: { localId: 'rfc822:bob@example.org', remoteId: 'ipv4:192.0.2.1' } });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(alice, 'ike-sa-up')[0].remoteId).toBe('rfc822:bob@example.org');
    expect(eventsOf(bob, 'ike-sa-up')[0].remoteId).toBe('ipv4:192.0.2.1');
  });

  it('IPv6 peers and IPv6 client IDs (RFC 2407 section 4.6.2.6)', () => {
    const { wire, alice, bob } = pair({
      addresses: ['2001:db8::1', '2001:db8::2'],
      alice: { child: { localTs: ['2001:db8:1::/48'], remoteTs: ['2001:db8:2::/48'] } },
      bob: { child: { localTs: ['2001:db8:2::/48'], remoteTs: ['2001:db8:1::/48'] } },
    });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(eventsOf(alice, 'ike-sa-up')[0].remote).toEqual({ address: '2001:db8::2', port: 500 });
    expect(eventsOf(bob, 'child-sa-up')[0].remoteTs).toEqual(['2001:db8:1::/48']);
  });

  it('the same random sources replay the same exchange byte for byte', () => {
    const run = () => {
      const { wire, alice } = pair({ seed: 'replay' });
      wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
      wire.pump();
      return wire.log.map((l) => Buffer.from(l.d.data).toString('hex'));
    };
    const a = run();
    expect(a).toHaveLength(9);
    expect(run()).toEqual(a);
  });

  it('trace shows MM1..MM6 and the decrypted payloads', () => {
    const { wire, alice } = pair({ trace: true });
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    const text = alice.events.filter((e) => e.event === 'trace').map((e) => (e as { text: string }).text).join('\n');
    for (const m of ['> MM1', '< MM2', '> MM3', '< MM4', '> MM5', '< MM6', '> QM1', '< QM2', '> QM3', 'IKE_I_MM5 -> IKE_P1_COMPLETE', 'decrypted:']) {
      expect(text).toContain(m);
    }
    expect(text).toContain('HASH (');
  });

  it('garbage and messages for unknown cookies are dropped without an exception (RFC 2408 section 5.2)', () => {
    const { wire, bob } = pair();
    const out = bob.endpoint.receive({ data: new Uint8Array([1, 2, 3]), local: { address: '192.0.2.2', port: 500 }, remote: { address: '192.0.2.1', port: 500 } }, wire.now);
    expect(out).toEqual({ datagrams: [], events: [] });
    const info = new Uint8Array(28);
    info.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
    info[17] = 0x10;
    info[18] = ExchangeType.INFORMATIONAL;
    info[27] = 28;
    expect(bob.endpoint.receive({ data: info, local: { address: '192.0.2.2', port: 500 }, remote: { address: '192.0.2.1', port: 500 } }, wire.now).datagrams).toEqual([]);
  });
});

describe('Vendor IDs (RFC 2408 section 3.16)', () => {
  it('we send NAT-T (RFC 3947) and DPD (RFC 3706); the peer lists what it recognised, XAUTH, Unity and fragmentation included', () => {
    const { wire, alice, bob } = pair();
    const out = alice.endpoint.initiate(undefined, wire.now);
    const mm1 = decodeMessageV1(out.datagrams[0].data);
    if ('encrypted' in mm1) throw new Error('MM1 must be in the clear');
    const extra = [VendorId.XAUTH, VendorId.CISCO_UNITY, concatBytes(VendorId.FRAGMENTATION, new Uint8Array([0x80, 0, 0, 0])), new Uint8Array([1, 2, 3])];
    const data = encodeMessageV1({ header: mm1.header, payloads: [...mm1.payloads, ...extra.map((vendorId) => ({ type: PayloadType.VID, vendorId }) as const)] });
    bob.endpoint.receive({ data, local: out.datagrams[0].remote, remote: out.datagrams[0].local }, wire.now);
    const names = bob.endpoint.status()[0].peerVendorIds;
    expect(names.slice(0, 2)).toEqual(['NAT-T (RFC 3947)', 'Dead Peer Detection (RFC 3706)']);
    expect(names.slice(2)).toEqual(['XAUTH', 'Cisco Unity', 'IKE Fragmentation', '010203']);
  });
});

describe('algorithm matrix in memory (RFC 2409 Appendix A, RFC 4868, RFC 5903, RFC 8031)', () => {
  const cases: [string, string, boolean][] = [
    ['aes128-sha384-ecp384', 'aes256gcm16', false],
    ['aes192-sha512-curve25519', 'aes128ctr-sha512', false],
    ['aes256-sha1-ecp256', 'aes128-aesxcbc', false],
    ['aes128-md5-modp1536', '3des-md5', true],
    ['des-sha1-modp768', 'des-sha1', true],
  ];
  for (const [ike, esp, allowWeak] of cases) {
    it(`${ike} / ${esp}`, () => {
      const cfg = { ike: { proposals: [ike], ...(allowWeak ? { allowWeak } : {}) }, child: { proposals: [esp] } };
      const { wire, alice, bob } = pair({ alice: cfg, bob: cfg, keylog: true });
      wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
      wire.pump();
      expect([...eventsOf(alice, 'error'), ...eventsOf(bob, 'error')]).toEqual([]);
      expect(eventsOf(alice, 'ike-sa-up')[0].algorithms).toBe(ike);
      expect(eventsOf(bob, 'child-sa-up')[0].algorithms).toBe(`${esp} (no PFS)`);
      const keys = (p: typeof alice) => p.events.filter((e) => e.event === 'keys' && e.kind === 'child').map((e) => JSON.stringify({ ...e, ikeSaId: 0, childSaId: 0 }));
      expect(keys(alice)).toEqual(keys(bob));
    });
  }
});
