import { describe, expect, it } from 'vitest';
import { decodeMessageV1 } from '../../src/payloads/ikev1/message.js';
import { ExchangeType } from '../../src/payloads/iana/ikev1.js';
import { eventsOf, pair } from './harness.js';

function up(o: Parameters<typeof pair>[0] = {}) {
  const p = pair(o);
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  p.wire.pump();
  const ikeSaId = { alice: eventsOf(p.alice, 'ike-sa-up')[0].ikeSaId, bob: eventsOf(p.bob, 'ike-sa-up')[0].ikeSaId };
  return { ...p, ikeSaId };
}

describe('Informational exchanges (RFC 2409 section 5.7)', () => {
  for (const side of ['alice', 'bob'] as const) {
    it(`DELETE of an IPsec SA by ${side}: the peer removes the SA whose outbound SPI was named (RFC 2408 section 3.15)`, () => {
      const p = up();
      const me = p[side];
      const peer = side === 'alice' ? p.bob : p.alice;
      const child = eventsOf(me, 'child-sa-up')[0];
      p.wire.apply(me, me.endpoint.deleteIpsecSa(child.childSaId, p.wire.now));
      p.wire.pump();
      expect(eventsOf(me, 'child-sa-down')[0]).toMatchObject({ childSaId: child.childSaId, reason: 'deleted' });
      expect(eventsOf(peer, 'child-sa-down')[0]).toMatchObject({ spiOut: child.spiIn, reason: 'deleted by peer' });
      expect(peer.endpoint.status()[0].children).toEqual([]);
      expect(peer.endpoint.status()[0].state).toBe('IKE_P1_COMPLETE');
      const info = decodeMessageV1(p.wire.log.at(-1)!.d.data);
      expect(info.header.exchangeType).toBe(ExchangeType.INFORMATIONAL);
      expect(info.header.flags.encryption).toBe(true);
    });

    it(`DELETE of the ISAKMP SA by ${side} takes its IPsec SAs along on both sides`, () => {
      const p = up();
      const me = p[side];
      const peer = side === 'alice' ? p.bob : p.alice;
      p.wire.apply(me, me.endpoint.deleteIsakmpSa(p.ikeSaId[side], p.wire.now));
      p.wire.pump();
      expect(eventsOf(me, 'ike-sa-down')[0].reason).toBe('deleted');
      expect(eventsOf(peer, 'ike-sa-down')[0].reason).toBe('deleted by peer');
      expect(eventsOf(peer, 'child-sa-down')).toHaveLength(1);
      expect(me.endpoint.status()).toEqual([]);
      expect(peer.endpoint.status()).toEqual([]);
      expect(peer.endpoint.nextTimeout()).toBeUndefined();
    });
  }

  it('RFC 3706: R-U-THERE is answered with R-U-THERE-ACK carrying the same sequence number', () => {
    const p = up({ trace: true });
    const before = p.wire.log.length;
    p.wire.apply(p.alice, p.alice.endpoint.checkLiveness(p.ikeSaId.alice, p.wire.now));
    p.wire.pump();
    expect(p.wire.log.length - before).toBe(2);
    const traces = p.alice.events.filter((e) => e.event === 'trace').map((e) => (e as { text: string }).text);
    const sent = traces.find((t) => t.includes('> INFORMATIONAL R-U-THERE '));
    const acked = traces.find((t) => t.includes('DPD: peer alive'));
    const seq = /R-U-THERE (\d+)/.exec(sent!)![1];
    expect(acked).toContain(`R-U-THERE-ACK ${seq}`);
    // Nothing left to retransmit: the next deadline is beyond the first retransmission interval.
    expect(p.alice.endpoint.nextTimeout()).toBeGreaterThan(p.wire.now + 4000);
  });

  it('RFC 3706: without an ACK after the retransmissions the peer is declared dead', () => {
    let silent = false;
    const p = up({ filter: (_d, from) => !(silent && from.name === 'bob') });
    silent = true;
    p.wire.apply(p.alice, p.alice.endpoint.checkLiveness(p.ikeSaId.alice, p.wire.now));
    p.wire.pump();
    p.wire.advance(p.wire.now + 10 * 60 * 1000);
    expect(eventsOf(p.alice, 'ike-sa-down')[0].reason).toBe('dead peer (RFC 3706)');
    expect(eventsOf(p.alice, 'child-sa-down')).toHaveLength(1);
  });

  it('RFC 3706: with dpdDelay an idle SA is probed and stays up while the peer answers', () => {
    const p = up({ alice: { ike: { dpdDelay: 30 } } });
    const start = p.wire.now;
    p.wire.advance(start + 95_000);
    const infos = p.wire.log.filter((l) => decodeMessageV1(l.d.data).header.exchangeType === ExchangeType.INFORMATIONAL);
    expect(infos.filter((l) => l.from === 'alice')).toHaveLength(3);
    expect(infos.filter((l) => l.from === 'bob')).toHaveLength(3);
    expect(eventsOf(p.alice, 'ike-sa-down')).toEqual([]);
  });

  it('an IPsec SA is deleted when its lifetime ends, and the peer is told', () => {
    const p = up({ alice: { child: { lifetime: 600 } }, bob: { child: { lifetime: 600 } } });
    p.wire.advance(p.wire.now + 601_000);
    expect(eventsOf(p.alice, 'child-sa-down').map((e) => e.reason)).toContain('expired');
    expect(p.bob.endpoint.status()[0].children).toEqual([]);
  });

  it('the ISAKMP SA is deleted when its lifetime ends', () => {
    const p = up({ alice: { ike: { lifetime: 900 } } });
    p.wire.advance(p.wire.now + 901_000);
    expect(eventsOf(p.alice, 'ike-sa-down')[0].reason).toBe('expired');
    expect(eventsOf(p.bob, 'ike-sa-down')).toHaveLength(1);
  });

  it('an Informational whose HASH(1) does not verify is ignored (RFC 2409 section 5.7)', () => {
    const p = up();
    const out = p.alice.endpoint.deleteIsakmpSa(p.ikeSaId.alice, p.wire.now);
    for (const d of out.datagrams) {
      const data = d.data.slice();
      // Flip a bit in the first ciphertext block: CBC garbles the HASH payload it decrypts to.
      data[28 + 5] ^= 0x01;
      const r = p.bob.endpoint.receive({ data, local: d.remote, remote: d.local }, p.wire.now);
      expect(r.events.filter((e) => e.event === 'error')).toHaveLength(1);
    }
    expect(p.bob.endpoint.status()[0].children).toHaveLength(1);
    expect(p.bob.endpoint.status()[0].state).toBe('IKE_P1_COMPLETE');
  });
});
