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
