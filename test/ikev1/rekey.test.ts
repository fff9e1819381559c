import { describe, expect, it } from 'vitest';
import { eventsOf, pair } from './harness.js';

function up(o: Parameters<typeof pair>[0] = {}) {
  const p = pair(o);
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  p.wire.pump();
  return p;
}

describe('rekeying as new exchanges, the old SA kept until it expires', () => {
  it('phase 2: a new Quick Mode for the same client IDs at child.rekeyTime; the old IPsec SA is deleted at its expiry', () => {
    const start = 1_000_000;
    const p = up({ alice: { child: { lifetime: 600, rekeyTime: 400 } }, bob: { child: { lifetime: 600 } } });
    const [first] = eventsOf(p.alice, 'child-sa-up');
    p.wire.advance(start + 401_000);
    const ups = eventsOf(p.alice, 'child-sa-up');
    expect(ups).toHaveLength(2);
    expect(ups[1]).toMatchObject({ rekeyOf: first.childSaId, localTs: first.localTs, remoteTs: first.remoteTs });
    expect(eventsOf(p.alice, 'child-sa-rekeyed')[0]).toMatchObject({ childSaId: first.childSaId, newChildSaId: ups[1].childSaId });
    expect(p.alice.endpoint.status()[0].children).toHaveLength(2);
    expect(p.bob.endpoint.status()[0].children).toHaveLength(2);
    p.wire.advance(start + 600_500);
    expect(eventsOf(p.alice, 'child-sa-down').map((e) => [e.childSaId, e.reason])).toEqual([[first.childSaId, 'expired']]);
    expect(p.alice.endpoint.status()[0].children.map((c) => c.childSaId)).toEqual([ups[1].childSaId]);
    expect(p.bob.endpoint.status()[0].children.map((c) => c.spiOut)).toEqual([ups[1].spiIn]);
  });

  it("phase 1: a new Main Mode at ike.rekeyTime; at the old one's expiry its IPsec SAs pass to the new ISAKMP SA on both sides", () => {
    const start = 1_000_000;
    const p = up({ alice: { ike: { lifetime: 2000, rekeyTime: 1000 }, child: { lifetime: 3000 } }, bob: { ike: { lifetime: 2000 }, child: { lifetime: 3000 } } });
    const [firstSa] = eventsOf(p.alice, 'ike-sa-up');
    p.wire.advance(start + 1001_000);
    const rekeyed = eventsOf(p.alice, 'ike-sa-rekeyed');
    expect(rekeyed).toHaveLength(1);
    expect(rekeyed[0].ikeSaId).toBe(firstSa.ikeSaId);
    // No new Quick Mode comes with a phase 1 rekey; INITIAL-CONTACT is not sent, so bob keeps the old SA.
    expect(eventsOf(p.alice, 'child-sa-up')).toHaveLength(1);
    expect(p.bob.endpoint.status()).toHaveLength(2);
    p.wire.advance(start + 2001_000);
    expect(eventsOf(p.alice, 'ike-sa-down').map((e) => e.ikeSaId)).toEqual([firstSa.ikeSaId]);
    expect(eventsOf(p.alice, 'child-sa-down')).toEqual([]);
    expect(eventsOf(p.bob, 'child-sa-down')).toEqual([]);
    const [a] = p.alice.endpoint.status();
    const [b] = p.bob.endpoint.status();
    expect(a.ikeSaId).toBe(rekeyed[0].newIkeSaId);
    expect(a.children).toHaveLength(1);
    expect(b.children).toHaveLength(1);
    // The IPsec SA can still be deleted through the new ISAKMP SA.
    p.wire.apply(p.alice, p.alice.endpoint.deleteIpsecSa(a.children[0].childSaId, p.wire.now));
    p.wire.pump();
    expect(p.bob.endpoint.status()[0].children).toEqual([]);
  });
});

describe('rekey and status commands', () => {
  it('rekeyIpsecSa replaces an IPsec SA now; rekeyIsakmpSa starts a new phase 1 now (either side)', () => {
    const p = up();
    const [child] = eventsOf(p.alice, 'child-sa-up');
    p.wire.apply(p.bob, p.bob.endpoint.rekeyIpsecSa(eventsOf(p.bob, 'child-sa-up')[0].childSaId, p.wire.now));
    p.wire.pump();
    expect(eventsOf(p.bob, 'child-sa-rekeyed')).toHaveLength(1);
    expect(eventsOf(p.alice, 'child-sa-up')[1].localTs).toEqual(child.localTs);
    const bobSa = eventsOf(p.bob, 'ike-sa-up')[0].ikeSaId;
    p.wire.apply(p.bob, p.bob.endpoint.rekeyIsakmpSa(bobSa, p.wire.now));
    p.wire.pump();
    expect(eventsOf(p.bob, 'ike-sa-rekeyed')[0]).toMatchObject({ ikeSaId: bobSa });
    expect(p.alice.endpoint.status()).toHaveLength(2);
    expect(p.bob.endpoint.status().map((s) => s.initiator)).toEqual([false, true]);
  });

  it('status rows show cookies, transform, lifetime left, NAT, and the IPsec SAs with PFS group', () => {
    const p = up({ alice: { child: { pfs: 'ecp256' } }, bob: { child: { pfs: 'ecp256' } } });
    const [row] = p.alice.endpoint.status(p.wire.now + 60_000);
    const up1 = eventsOf(p.alice, 'ike-sa-up')[0];
    expect(row).toMatchObject({
      state: 'IKE_P1_COMPLETE',
      mode: 'main',
      initiator: true,
      spiI: up1.spiI,
      spiR: up1.spiR,
      algorithms: 'aes256-sha256-modp2048',
      authMethod: 'PRE_SHARED_KEY',
      lifetimeLeft: 28800 - 60,
      nat: { local: false, remote: false },
      dpd: true,
      remoteId: 'fqdn:192.0.2.2.example',
    });
    expect(row.children[0]).toMatchObject({ state: 'INSTALLED', algorithms: 'aes128-sha1-ecp256', pfsGroup: 'ecp256', lifetimeLeft: 3600 - 60, localTs: ['10.1.0.0/24'] });
  });

  it('RFC 2407 section 4.6.3.3: INITIAL-CONTACT from a restarted peer removes the SAs we still had with it', () => {
    const p = up();
    // Alice "restarts": a new endpoint with the same config and address negotiates afresh.
    const { wire, bob } = p;
    const restarted = pair({ seed: 'restart' }).alice.endpoint;
    p.alice.endpoint = restarted;
    wire.apply(p.alice, restarted.initiate(undefined, wire.now));
    wire.pump();
    const downs = eventsOf(bob, 'ike-sa-down');
    expect(downs).toHaveLength(1);
    expect(downs[0].reason).toBe('replaced (INITIAL-CONTACT)');
    expect(bob.endpoint.status()).toHaveLength(1);
    expect(bob.endpoint.status()[0].children).toHaveLength(1);
  });

  it('half-open responder SAs are capped (maxHalfOpen)', () => {
    const p = pair({ bobOptions: { maxHalfOpen: 2 }, filter: (_d, from) => from.name === 'alice' });
    for (let i = 0; i < 4; i++) p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    expect(p.bob.endpoint.status()).toHaveLength(2);
  });
});

describe('INITIAL-CONTACT only on a first contact (RFC 2407 section 4.6.3.3)', () => {
  it('a second ISAKMP SA to the same peer does not make the peer drop the first', () => {
    const p = up();
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    expect(eventsOf(p.bob, 'ike-sa-down')).toEqual([]);
    expect(p.bob.endpoint.status()).toHaveLength(2);
  });

  it('initialContact: false never sends it', () => {
    const p = up({ aliceOptions: { initialContact: false }, trace: true });
    const text = p.bob.events.filter((e) => e.event === 'trace').map((e) => (e as { text: string }).text).join('\n');
    expect(text).not.toContain('INITIAL_CONTACT');
    const q = up({ trace: true });
    expect(q.bob.events.filter((e) => e.event === 'trace').map((e) => (e as { text: string }).text).join('\n')).toContain('INITIAL_CONTACT');
  });
});

describe('timer queue: deadlines that move from one ISAKMP SA to another', () => {
  it("IPsec SAs handed over at phase 1 expiry bring their deadlines to the new ISAKMP SA", () => {
    const start = 1_000_000;
    const p = up({ alice: { ike: { lifetime: 2000, rekeyTime: 1000 }, child: { lifetime: 2500 } }, bob: { ike: { lifetime: 2000 }, child: { lifetime: 2500 } } });
    const [child] = eventsOf(p.alice, 'child-sa-up');
    p.wire.advance(start + 2001_000);
    const [sa] = p.alice.endpoint.status();
    expect(sa.children.map((c) => c.childSaId)).toEqual([child.childSaId]);
    // The IPsec SA's expiry comes before anything of the new ISAKMP SA's own.
    expect(sa.expiresAt).toBeGreaterThan(start + 2500_000);
    expect(p.alice.endpoint.nextTimeout()).toBe(start + 2500_000);
    p.wire.advance(start + 2500_000);
    expect(eventsOf(p.alice, 'child-sa-down')).toEqual([expect.objectContaining({ ikeSaId: sa.ikeSaId, childSaId: child.childSaId, reason: 'expired' })]);
  });

  it('an IPsec SA handed over when it is due itself expires in the same timeout call, on the new ISAKMP SA', () => {
    const p = up({ alice: { ike: { lifetime: 2000, rekeyTime: 1500 }, child: { lifetime: 2000 } }, bob: { ike: { lifetime: 2000 }, child: { lifetime: 2000 } } });
    const [first] = eventsOf(p.alice, 'ike-sa-up');
    const [child] = eventsOf(p.alice, 'child-sa-up');
    const expiry = p.alice.endpoint.status().find((s) => s.ikeSaId === first.ikeSaId)!.expiresAt!;
    p.wire.advance(expiry - 1);
    const [, second] = p.alice.endpoint.status();
    expect(second.children).toEqual([]);
    // Nothing of the new ISAKMP SA's own is due then: only the IPsec SA it takes over.
    expect((p.alice.endpoint as unknown as { saDeadline(sa: unknown): number }).saDeadline((p.alice.endpoint as unknown as { sas: Map<string, unknown> }).sas.get(second.ikeSaId))).toBeGreaterThan(expiry);
    const out = p.wire.apply(p.alice, p.alice.endpoint.timeout(expiry));
    const downs = out.events.filter((e) => e.event === 'ike-sa-down' || e.event === 'child-sa-down');
    expect(downs).toEqual([
      expect.objectContaining({ event: 'ike-sa-down', ikeSaId: first.ikeSaId, reason: 'expired' }),
      expect.objectContaining({ event: 'child-sa-down', ikeSaId: second.ikeSaId, childSaId: child.childSaId, reason: 'expired' }),
    ]);
  });

  it('rekeyIpsecSa on an ISAKMP SA already replaced runs the Quick Mode, and its retransmission timer, on the new one', () => {
    const start = 1_000_000;
    const p = up({ alice: { ike: { lifetime: 2000, rekeyTime: 1000 } }, bob: { ike: { lifetime: 2000 } } });
    const [child] = eventsOf(p.alice, 'child-sa-up');
    p.wire.advance(start + 1001_000);
    const [old, next] = p.alice.endpoint.status();
    expect(old.children.map((c) => c.childSaId)).toEqual([child.childSaId]);
    // QM1 is lost (never put on the wire): its retransmission is the only thing due.
    const qm1 = p.alice.endpoint.rekeyIpsecSa(child.childSaId, p.wire.now).datagrams;
    expect(qm1).toHaveLength(1);
    expect(p.alice.endpoint.nextTimeout()).toBe(p.wire.now + 4000);
    const out = p.alice.endpoint.timeout(p.wire.now + 4000);
    expect(out.datagrams.map((d) => d.data)).toEqual([qm1[0].data]);
    expect(next.ikeSaId).not.toBe(old.ikeSaId);
  });
});
