/**
 * Failure paths of IKE_SA_INIT and IKE_AUTH (RFC 7296 sections 1.2, 2.6, 2.7, 2.9, 2.21): the
 * notifies each side sends and what happens to the SAs.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { decodeMessageV2 } from '../../src/payloads/ikev2/message.js';
import { NotifyType, PayloadType } from '../../src/payloads/iana/ikev2.js';
import { config, connect, Net, pair, seededRandom } from './session-harness.js';

type Err = Extract<IkeEvent, { event: 'error' }>;

function notifiesIn(data: Uint8Array): number[] {
  return decodeMessageV2(data).payloads.flatMap((p) => (p.type === PayloadType.N ? [p.notifyType] : []));
}

describe('IKE_SA_INIT failures', () => {
  it('RFC 7296 section 1.2: a KE for a group the responder does not pick gets INVALID_KE_PAYLOAD; the retry with that group succeeds', () => {
    const net = pair(nodeProvider, { ike: ['aes128-sha256-x25519-ecp256'] }, { ike: ['aes128-sha256-ecp256'] });
    connect(net);
    const fromBob = net.log.filter((l) => l.from === 'bob');
    const first = decodeMessageV2(fromBob[0].data);
    expect(notifiesIn(fromBob[0].data)).toEqual([NotifyType.INVALID_KE_PAYLOAD]);
    const n = first.payloads[0] as { data: Uint8Array };
    expect([...n.data]).toEqual([0, 19]);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    expect(net.ep('alice').status()[0].dhGroup).toBe('ECP_256');
    // The retry is a fresh IKE_SA_INIT with the new KE (Message ID 0 again).
    const retry = decodeMessageV2(net.log.filter((l) => l.from === 'alice')[1].data);
    expect(retry.header.messageId).toBe(0);
    expect(retry.payloads.find((p) => p.type === PayloadType.KE)).toMatchObject({ group: 19 });
  });

  it('RFC 7296 section 2.7: no common proposal gets NO_PROPOSAL_CHOSEN and no SA on either side', () => {
    const net = pair(nodeProvider, { ike: ['aes128-sha256-x25519'] }, { ike: ['aes256gcm16-prfsha384-ecp384'] });
    connect(net);
    expect(notifiesIn(net.log.filter((l) => l.from === 'bob')[0].data)).toEqual([NotifyType.NO_PROPOSAL_CHOSEN]);
    expect((net.events('alice', 'error')[0] as Err).notify).toBe('NO_PROPOSAL_CHOSEN');
    expect(net.events('alice', 'ike-sa-down')).toHaveLength(1);
    expect(net.ep('alice').status()).toEqual([]);
    expect(net.ep('bob').status()).toEqual([]);
  });

  it('RFC 7296 section 2.6: above the half-open threshold the responder asks for a COOKIE, and the retry with it is served', () => {
    const net = pair(nodeProvider, {}, {}, { cookieThreshold: 0 });
    connect(net);
    const bob = net.log.filter((l) => l.from === 'bob');
    expect(notifiesIn(bob[0].data)).toEqual([NotifyType.COOKIE]);
    const retry = decodeMessageV2(net.log.filter((l) => l.from === 'alice')[1].data);
    // The COOKIE is the first payload of the retry.
    expect(retry.payloads[0]).toMatchObject({ type: PayloadType.N, notifyType: NotifyType.COOKIE });
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
  });

  it('RFC 7296 section 2.6: a wrong COOKIE is not accepted, and the responder keeps no state for it', () => {
    const net = pair(nodeProvider, {}, {}, { cookieThreshold: 0 });
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    const req = net.wire.shift()!;
    // Bob's answer is a COOKIE; send it back altered.
    const out = net.ep('bob').receive({ data: req.data, local: req.remote, remote: req.local }, net.now);
    expect(notifiesIn(out.datagrams[0].data)).toEqual([NotifyType.COOKIE]);
    const alice = net.ep('alice');
    const reply = alice.receive({ data: out.datagrams[0].data, local: req.local, remote: req.remote }, net.now);
    const retryData = reply.datagrams[0].data;
    const retry = decodeMessageV2(retryData);
    expect(retry.payloads[0]).toMatchObject({ notifyType: NotifyType.COOKIE });
    const tampered = retryData.slice();
    // The cookie value starts after the header (28), generic header (4) and notify fields (4).
    tampered[28 + 8 + 3] ^= 0xff;
    const again = net.ep('bob').receive({ data: tampered, local: req.remote, remote: req.local }, net.now);
    expect(notifiesIn(again.datagrams[0].data)).toEqual([NotifyType.COOKIE]);
    expect(net.ep('bob').status()).toEqual([]);
  });
});

describe('IKE_AUTH failures', () => {
  it('RFC 7296 section 2.21.2: a wrong PSK gets AUTHENTICATION_FAILED in the response, and both sides drop the SA', () => {
    const net = pair(nodeProvider, { psk: 'cisco' }, { psk: 'not-cisco' });
    connect(net);
    expect((net.events('bob', 'error')[0] as Err).notify).toBe('AUTHENTICATION_FAILED');
    expect((net.events('alice', 'error')[0] as Err).notify).toBe('AUTHENTICATION_FAILED');
    expect(net.events('alice', 'ike-sa-up')).toEqual([]);
    expect(net.events('bob', 'ike-sa-up')).toEqual([]);
    expect(net.ep('alice').status()).toEqual([]);
    expect(net.ep('bob').status()).toEqual([]);
  });

  it('RFC 7296 section 2.15: the initiator refuses a responder whose identity is not the configured one', () => {
    const net = new Net();
    const a = config('alice');
    const b = config('bob');
    b.local.id = 'fqdn:mallory.example';
    b.remote.id = undefined;
    a.remote.id = 'fqdn:bob.example';
    net.add('alice', { provider: nodeProvider, configs: [{ ...a, remote: { ...a.remote } }], random: seededRandom('a') }, [16500, 16501]);
    // Bob accepts any IDr by keeping no IDr check: his own ID is mallory.
    net.add('bob', { provider: nodeProvider, configs: [b], random: seededRandom('b') }, [16600, 16601]);
    connect(net);
    expect(net.events('alice', 'ike-sa-up')).toEqual([]);
    expect((net.events('alice', 'error').at(-1) as Err).notify).toBe('AUTHENTICATION_FAILED');
    expect(net.ep('alice').status()).toEqual([]);
  });

  it('RFC 7296 section 2.9: selectors that do not intersect get TS_UNACCEPTABLE; the IKE SA still comes up', () => {
    const net = pair(nodeProvider, {}, { localTs: ['10.9.0.0/24'], remoteTs: ['10.8.0.0/24'] });
    connect(net);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('alice', 'child-sa-up')).toEqual([]);
    expect((net.events('alice', 'error')[0] as Err).notify).toBe('TS_UNACCEPTABLE');
  });

  it('RFC 7296 section 2.9: the responder narrows wider selectors to its own', () => {
    const net = pair(nodeProvider, { localTs: ['10.1.0.0/16'], remoteTs: ['10.0.0.0/8'] }, { localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] });
    connect(net);
    const up = net.events('alice', 'child-sa-up')[0] as Extract<IkeEvent, { event: 'child-sa-up' }>;
    expect(up.localTs).toEqual(['10.1.0.0/24']);
    expect(up.remoteTs).toEqual(['10.2.0.0/24']);
  });

  it('RFC 7296 section 2.7: no common ESP proposal gets NO_PROPOSAL_CHOSEN for the Child SA only', () => {
    const net = pair(nodeProvider, { esp: ['aes128gcm16'] }, { esp: ['aes256-sha512'] });
    connect(net);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('alice', 'child-sa-up')).toEqual([]);
    expect((net.events('alice', 'error')[0] as Err).notify).toBe('NO_PROPOSAL_CHOSEN');
  });
});

describe('unauthenticated input (RFC 7296 section 2.21)', () => {
  it('a tampered Delete does not touch the established SA, and a later genuine one does', () => {
    const net = pair(nodeProvider);
    connect(net);
    net.take('alice', net.ep('alice').deleteIkeSa(net.ep('alice').status()[0].ikeSaId, net.now));
    const del = net.wire.shift()!;
    const bad = del.data.slice();
    bad[bad.length - 1] ^= 1;
    const out = net.ep('bob').receive({ data: bad, local: del.remote, remote: del.local }, net.now);
    expect(out.datagrams).toEqual([]);
    expect(out.events.filter((e) => e.event !== 'trace')).toEqual([]);
    expect(net.ep('bob').status()[0].state).toBe('ESTABLISHED');
    net.wire.push(del);
    net.run();
    expect(net.ep('bob').status()).toEqual([]);
  });

  it('garbage datagrams never throw and change nothing', () => {
    const net = pair(nodeProvider);
    connect(net);
    const r = seededRandom('garbage');
    for (let i = 0; i < 200; i++) {
      const len = r(1)[0] + (i % 3) * 28;
      const data = r(len);
      if (i % 2 === 0 && data.length >= 28) data.set(Uint8Array.from(Buffer.from(net.ep('bob').status()[0].spiI, 'hex')), 0);
      const out = net.ep('bob').receive({ data, local: { address: '127.0.0.1', port: 16600 }, remote: { address: '127.0.0.1', port: 16500 } }, net.now);
      expect(out.events.filter((e) => e.event === 'ike-sa-down')).toEqual([]);
    }
    expect(net.ep('bob').status()[0].state).toBe('ESTABLISHED');
  });
});

describe('version (RFC 7296 section 2.5)', () => {
  it('a request with major version 3 gets INVALID_MAJOR_VERSION in a 2.0 header; IKEv1 and responses get nothing', () => {
    const net = pair(nodeProvider);
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    const req = net.wire.shift()!;
    const v3 = req.data.slice();
    v3[17] = 0x30;
    const at = { local: req.remote, remote: req.local };
    const out = net.ep('bob').receive({ data: v3, ...at }, net.now);
    expect(out.datagrams).toHaveLength(1);
    const answer = decodeMessageV2(out.datagrams[0].data);
    expect(answer.header.flags.response).toBe(true);
    expect(answer.header.messageId).toBe(0);
    expect(notifiesIn(out.datagrams[0].data)).toEqual([NotifyType.INVALID_MAJOR_VERSION]);
    const v1 = req.data.slice();
    v1[17] = 0x10;
    expect(net.ep('bob').receive({ data: v1, ...at }, net.now).datagrams).toEqual([]);
    const resp = v3.slice();
    resp[19] |= 0x20;
    expect(net.ep('bob').receive({ data: resp, ...at }, net.now).datagrams).toEqual([]);
    expect(net.ep('bob').status()).toEqual([]);
  });
});
