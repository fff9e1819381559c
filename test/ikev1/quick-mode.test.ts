import { describe, expect, it } from 'vitest';
import { decodeMessageV1, isEncryptedMessageV1 } from '../../src/payloads/ikev1/message.js';
import { ExchangeType } from '../../src/payloads/iana/ikev1.js';
import type { Datagram } from '../../src/ikev1/index.js';
import { eventsOf, pair } from './harness.js';

function up(o: Parameters<typeof pair>[0] = {}) {
  const p = pair(o);
  p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
  p.wire.pump();
  return p;
}

describe('Quick Mode (RFC 2409 section 5.5)', () => {
  it('PFS: a KE payload in QM1 and QM2, the group in the child algorithms', () => {
    const { wire, alice, bob } = up({ alice: { child: { pfs: 'modp2048' } }, bob: { child: { pfs: 'modp2048' } } });
    expect(eventsOf(alice, 'child-sa-up')[0].algorithms).toBe('aes128-sha1-modp2048');
    expect(eventsOf(bob, 'child-sa-up')[0].algorithms).toBe('aes128-sha1-modp2048');
    expect(bob.endpoint.status()[0].children[0].pfsGroup).toBe('modp2048');
    // QM1 and QM2 are larger by a 256-byte KE payload than without PFS.
    const qm = wire.log.filter((l) => decodeMessageV1(l.d.data).header.exchangeType === ExchangeType.QUICK_MODE);
    expect(qm[0].d.data.length).toBeGreaterThan(256 + 100);
  });

  it('PFS with an ECP group given in the ESP proposal keywords', () => {
    const child = { proposals: ['aes256gcm16-ecp256'] };
    const { alice } = up({ alice: { child }, bob: { child } });
    expect(eventsOf(alice, 'child-sa-up')[0].algorithms).toBe('aes256gcm16-ecp256');
  });

  it('PFS on one side only: NO-PROPOSAL-CHOSEN, reported to the initiator in an Informational', () => {
    const { alice, bob } = up({ alice: { child: { pfs: 'modp2048' } } });
    expect(eventsOf(bob, 'error')[0].notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(eventsOf(alice, 'error')[0].notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(eventsOf(alice, 'child-sa-up')).toEqual([]);
    // Phase 1 stays up.
    expect(alice.endpoint.status()[0].state).toBe('IKE_P1_COMPLETE');
  });

  it('several transforms: the responder takes the first of its own policies that was offered', () => {
    const { alice } = up({
      alice: { child: { proposals: ['aes128-sha1', 'aes256-sha256', '3des-md5'], lifetime: 3600 }, ike: { allowWeak: true } },
      bob: { child: { proposals: ['aes256-sha256', 'aes128-sha1'] } },
    });
    expect(eventsOf(alice, 'child-sa-up')[0].algorithms).toBe('aes256-sha256 (no PFS)');
  });

  it('RFC 2407 section 4.6.3.1: RESPONDER-LIFETIME shortens the initiator lifetime', () => {
    const { wire, alice, bob } = up({ alice: { child: { lifetime: 7200 } }, bob: { child: { lifetime: 1200 } } });
    expect(alice.endpoint.status(wire.now)[0].children[0].lifetimeLeft).toBe(1200);
    expect(bob.endpoint.status(wire.now)[0].children[0].lifetimeLeft).toBe(1200);
  });

  it('transport mode is negotiated as ENCAPSULATION_MODE transport (RFC 2407 section 4.5)', () => {
    const child = { mode: 'transport' as const, localTs: ['192.0.2.1/32[udp/1701]'], remoteTs: ['192.0.2.2/32[udp/1701]'] };
    const { alice, bob } = up({ alice: { child }, bob: { child: { mode: 'transport', localTs: ['192.0.2.2[udp/1701]'], remoteTs: ['192.0.2.1[udp/1701]'] } } });
    expect(eventsOf(alice, 'child-sa-up')[0]).toMatchObject({ mode: 'transport', localTs: ['192.0.2.1/32[udp/1701]'] });
    expect(eventsOf(bob, 'child-sa-up')[0].mode).toBe('transport');
  });

  it('client IDs outside the responder configuration are refused with INVALID-ID-INFORMATION', () => {
    const { alice, bob } = up({ alice: { child: { localTs: ['10.9.0.0/16'] } } });
    expect(eventsOf(bob, 'error')[0].notify).toBe('INVALID_ID_INFORMATION');
    expect(eventsOf(alice, 'error')[0].notify).toBe('INVALID_ID_INFORMATION');
    expect(eventsOf(bob, 'child-sa-up')).toEqual([]);
  });

  it('a narrower IDci/IDcr inside the configured subnets is accepted, and echoed in QM2', () => {
    const { alice, bob } = up({ alice: { child: { localTs: ['10.1.0.0/25'], remoteTs: ['10.2.0.7'] } } });
    expect(eventsOf(bob, 'child-sa-up')[0]).toMatchObject({ localTs: ['10.2.0.7/32'], remoteTs: ['10.1.0.0/25'] });
    expect(eventsOf(alice, 'child-sa-up')).toHaveLength(1);
  });

  it('two Quick Modes at once on one phase 1, each with its own message ID and IV chain (Appendix B)', () => {
    const { wire, alice, bob } = up();
    const ikeSaId = eventsOf(alice, 'ike-sa-up')[0].ikeSaId;
    wire.apply(alice, alice.endpoint.startQuickMode(ikeSaId, wire.now));
    wire.apply(alice, alice.endpoint.startQuickMode(ikeSaId, wire.now));
    wire.pump();
    expect(eventsOf(alice, 'child-sa-up')).toHaveLength(3);
    expect(eventsOf(bob, 'child-sa-up')).toHaveLength(3);
    const qmIds = new Set(
      wire.log.map((l) => decodeMessageV1(l.d.data)).filter((m) => m.header.exchangeType === ExchangeType.QUICK_MODE).map((m) => m.header.messageId),
    );
    expect(qmIds.size).toBe(3);
    expect(new Set(eventsOf(alice, 'child-sa-up').map((e) => e.spiIn)).size).toBe(3);
    expect(alice.endpoint.status()[0].children).toHaveLength(3);
  });

  it('a Quick Mode requested during phase 1 starts when phase 1 completes', () => {
    const { wire, alice } = pair();
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.apply(alice, alice.endpoint.startQuickMode('isakmp-1', wire.now));
    wire.pump();
    expect(eventsOf(alice, 'child-sa-up')).toHaveLength(2);
  });

  it('every Quick Mode message is encrypted and starts with HASH (RFC 2409 section 5.5)', () => {
    const { wire } = up();
    const qm = wire.log.map((l) => decodeMessageV1(l.d.data)).filter((m) => m.header.exchangeType === ExchangeType.QUICK_MODE);
    expect(qm).toHaveLength(3);
    for (const m of qm) {
      expect(isEncryptedMessageV1(m)).toBe(true);
      if (isEncryptedMessageV1(m)) expect(m.firstPayload).toBe(8);
    }
  });
});

describe('Quick Mode robustness and the commit bit', () => {
  it('RFC 2408 section 3.1 / RFC 2409 section 5.5: with the commit bit the initiator waits for CONNECTED', () => {
    const { wire, alice, bob } = up({ aliceOptions: { commitBit: true }, trace: true });
    const msgs = wire.log.map((l) => decodeMessageV1(l.d.data));
    // QM1 and QM2 carry the C flag; a fourth message, an Informational CONNECTED, follows QM3.
    expect(msgs.slice(6, 8).map((m) => m.header.flags.commit)).toEqual([true, true]);
    expect(msgs.map((m) => m.header.exchangeType).slice(6)).toEqual([32, 32, 32, 5]);
    const traces = alice.events.filter((e) => e.event === 'trace').map((e) => (e as { text: string }).text);
    const waiting = traces.findIndex((t) => t.includes('waiting for CONNECTED'));
    const connected = traces.findIndex((t) => t.includes('CONNECTED received'));
    expect(waiting).toBeGreaterThan(-1);
    expect(connected).toBeGreaterThan(waiting);
    expect(eventsOf(alice, 'child-sa-up')).toHaveLength(1);
    expect(eventsOf(bob, 'child-sa-up')).toHaveLength(1);
  });

  it('a lost CONNECTED is sent again when the initiator repeats QM3', () => {
    const p = pair({ aliceOptions: { commitBit: true }, filter: (_d, _f, n) => n !== 9 });
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    expect(eventsOf(p.alice, 'child-sa-up')).toEqual([]);
    p.wire.advance(p.wire.now + 10_000);
    expect(eventsOf(p.alice, 'child-sa-up')).toHaveLength(1);
  });

  it('a forged QM2 (bad HASH(2)) is ignored and the genuine one still completes the Quick Mode', () => {
    let held: Datagram | undefined;
    const p = pair({
      filter: (d, _from, n) => {
        if (n !== 7) return true;
        held = d;
        return false;
      },
    });
    p.wire.apply(p.alice, p.alice.endpoint.initiate(undefined, p.wire.now));
    p.wire.pump();
    expect(held).toBeDefined();
    const deliver = (data: Uint8Array) => p.wire.apply(p.alice, p.alice.endpoint.receive({ data, local: held!.remote, remote: held!.local }, p.wire.now));
    const forged = held!.data.slice();
    forged[28 + 3] ^= 0x40;
    deliver(forged);
    expect(eventsOf(p.alice, 'error')[0].notify).toBe('INVALID_HASH_INFORMATION');
    deliver(held!.data);
    p.wire.pump();
    expect(eventsOf(p.alice, 'child-sa-up')).toHaveLength(1);
    expect(eventsOf(p.bob, 'child-sa-up')).toHaveLength(1);
  });
});
