/**
 * NAT traversal (RFC 7296 section 2.23, RFC 3948 non-ESP marker) and IKE fragmentation (RFC 7383)
 * between two endpoints in memory.
 */
import { describe, expect, it } from 'vitest';
import { nodeProvider } from '../../src/node/crypto/provider.js';
import { decodeMessageV2 } from '../../src/payloads/ikev2/message.js';
import { ExchangeType, PayloadType } from '../../src/payloads/iana/ikev2.js';
import type { IkeEvent } from '../../src/ikev2/types.js';
import { connect, pair, type Net } from './session-harness.js';

type Up = Extract<IkeEvent, { event: 'ike-sa-up' }>;

type Sent = { from: string; local: number; remote: number; marker: boolean; exchange: number };

/** Records port, marker and exchange of every datagram each side hands to the transport. */
function record(net: Net): Sent[] {
  const sent: Sent[] = [];
  const take = net.take.bind(net);
  net.take = (name, out) => {
    for (const d of out.datagrams) sent.push({ from: name, local: d.local.port, remote: d.remote.port, marker: !!d.marker, exchange: decodeMessageV2(d.data).header.exchangeType });
    take(name, out);
  };
  return sent;
}

describe('NAT traversal (RFC 7296 section 2.23) and the non-ESP marker (RFC 3948 section 2.2)', () => {
  it('on ports 500 without a NAT, nobody floats and no datagram carries the marker', () => {
    const net = pair(nodeProvider, { standardPorts: true });
    const sent = record(net);
    connect(net);
    expect((net.events('alice', 'ike-sa-up')[0] as Up).natDetected).toEqual({ local: false, remote: false });
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.every((s) => !s.marker && s.local === 500 && s.remote === 500)).toBe(true);
  });

  it('on ports 500 behind a NAT: IKE_SA_INIT on 500 without the marker, then both move to 4500 with it', () => {
    const net = pair(nodeProvider, { standardPorts: true });
    net.nat = { node: 'alice', address: '198.51.100.7', inside: '127.0.0.1' };
    const sent = record(net);
    connect(net);
    expect((net.events('alice', 'ike-sa-up')[0] as Up).natDetected).toEqual({ local: true, remote: false });
    expect((net.events('bob', 'ike-sa-up')[0] as Up).natDetected).toEqual({ local: false, remote: true });
    const init = sent.filter((s) => s.exchange === ExchangeType.IKE_SA_INIT);
    const later = sent.filter((s) => s.exchange !== ExchangeType.IKE_SA_INIT);
    expect(init.every((s) => !s.marker && s.local === 500)).toBe(true);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((s) => s.marker && s.local === 4500)).toBe(true);
    // Bob answers the NAT's mapping of Alice's port 4500, and follows it for his own requests.
    expect(later.filter((s) => s.from === 'bob').every((s) => s.remote === 14500)).toBe(true);
    const bobSa = net.ep('bob').status()[0];
    expect(bobSa.remote).toEqual({ address: '198.51.100.7', port: 14500 });
    net.take('bob', net.ep('bob').createChildSa(bobSa.ikeSaId, net.now));
    net.run();
    expect(net.events('alice', 'child-sa-up')).toHaveLength(2);
  });

  it("on other ports (strongSwan's convention, the default): every datagram carries the marker, IKE_SA_INIT included", () => {
    const net = pair(nodeProvider);
    const sent = record(net);
    connect(net);
    expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
    expect(sent.every((s) => s.marker)).toBe(true);
    expect(net.ep('alice').status()[0].local.port).toBe(16500);
  });

  it("'nat-t-port-only': on other ports the marker goes only to and from the NAT-T ports after the float", () => {
    const net = pair(nodeProvider, {}, undefined, { nonEspMarker: 'nat-t-port-only' });
    const none = record(net);
    connect(net);
    expect(none.every((s) => !s.marker)).toBe(true);

    const natted = pair(nodeProvider, {}, undefined, { nonEspMarker: 'nat-t-port-only' });
    natted.nat = { node: 'alice', address: '198.51.100.7', inside: '127.0.0.1' };
    const sent = record(natted);
    connect(natted);
    expect(natted.events('bob', 'child-sa-up')).toHaveLength(1);
    const later = sent.filter((s) => s.exchange !== ExchangeType.IKE_SA_INIT);
    expect(sent.filter((s) => s.exchange === ExchangeType.IKE_SA_INIT).every((s) => !s.marker)).toBe(true);
    expect(later.filter((s) => s.from === 'alice').every((s) => s.marker && s.local === 16501 && s.remote === 16601)).toBe(true);
    expect(later.filter((s) => s.from === 'bob').every((s) => s.marker && s.local === 16601 && s.remote === 26501)).toBe(true);
  });

  it("'nat-t-port-only': a peer that sends the marker is answered with it", () => {
    const net = pair(nodeProvider, {}, undefined, { nonEspMarker: 'nat-t-port-only' });
    net.take('alice', net.ep('alice').initiate(undefined, net.now));
    const req = net.wire.shift()!;
    const out = net.ep('bob').receive({ data: req.data, local: req.remote, remote: { ...req.local, port: 16501 }, marker: true }, net.now);
    expect(out.datagrams).toHaveLength(1);
    expect(out.datagrams[0].marker).toBe(true);
    expect(out.datagrams[0].remote.port).toBe(16501);
  });
});

describe('IKE fragmentation (RFC 7383)', () => {
  it('with a small MTU, IKE_AUTH and later messages go as SKF fragments that fit, and are put together', () => {
    const mtu = 200;
    const net = pair(nodeProvider, { mtu, esp: ['aes128gcm16', 'aes256gcm16', 'aes128-sha256', 'aes256-sha512'] });
    connect(net);
    expect(net.events('alice', 'child-sa-up')).toHaveLength(1);
    const skf = net.log.filter((l) => decodeMessageV2(l.data).payloads.some((p) => p.type === PayloadType.SKF));
    expect(skf.length).toBeGreaterThan(2);
    // IP (20) + UDP (8) + non-ESP marker (4) + IKE message fits the MTU.
    expect(skf.every((l) => l.data.length + 32 <= mtu)).toBe(true);
    expect(net.ep('alice').status()[0].fragmentation).toBe(true);
  });

  it('a lost fragment is recovered by retransmitting the whole fragmented request', () => {
    const net = pair(nodeProvider, { mtu: 200, esp: ['aes128gcm16', 'aes256gcm16', 'aes128-sha256'] });
    // The second datagram from Alice is her first IKE_AUTH fragment.
    let aliceSent = 0;
    net.drop = (d) => d.from === 'alice' && ++aliceSent === 2;
    connect(net);
    expect(net.events('bob', 'ike-sa-up')).toEqual([]);
    net.advance(600);
    expect(net.events('bob', 'ike-sa-up')).toHaveLength(1);
    expect(net.events('alice', 'ike-sa-up')).toHaveLength(1);
  });

  it('RFC 7383 section 2.5.3: without a configured MTU nothing is fragmented', () => {
    const net = pair(nodeProvider, { esp: ['aes128gcm16', 'aes256gcm16', 'aes128-sha256', 'aes256-sha512'] });
    connect(net);
    expect(net.log.some((l) => decodeMessageV2(l.data).payloads.some((p) => p.type === PayloadType.SKF))).toBe(false);
  });
});

describe('deterministic replay', () => {
  it('the same random source and times give byte-identical datagrams', () => {
    const run = () => {
      const net = pair(nodeProvider, { pfs: 'x25519' }, undefined, { seed: 'replay' });
      connect(net);
      net.take('alice', net.ep('alice').rekeyChildSa((net.events('alice', 'child-sa-up')[0] as Extract<IkeEvent, { event: 'child-sa-up' }>).childSaId, net.now));
      net.run();
      return net.log.map((l) => Buffer.from(l.data).toString('hex'));
    };
    const a = run();
    const b = run();
    expect(a.length).toBeGreaterThan(6);
    expect(a).toEqual(b);
    const c = (() => {
      const net = pair(nodeProvider, { pfs: 'x25519' }, undefined, { seed: 'other' });
      connect(net);
      return net.log.map((l) => Buffer.from(l.data).toString('hex'));
    })();
    expect(c[0]).not.toBe(a[0]);
  });
});

describe('trace', () => {
  it('emits payload dumps of sent and received messages, decrypted SK contents and state transitions', () => {
    const net = pair(nodeProvider, {}, undefined, { trace: true });
    connect(net);
    const traces = net.events('alice', 'trace').map((e) => (e as Extract<IkeEvent, { event: 'trace' }>).text);
    expect(traces.some((t) => t.includes('state: INIT_SENT -> INIT_DONE'))).toBe(true);
    expect(traces.some((t) => t.includes('state: AUTH_SENT -> ESTABLISHED'))).toBe(true);
    expect(traces.some((t) => t.startsWith('IKE_SA 1 sending') && t.includes('IKE_SA_INIT request 0'))).toBe(true);
    expect(traces.some((t) => t.includes('IKE_AUTH response 1') && t.includes('decrypted:'))).toBe(true);
    const none = pair(nodeProvider);
    connect(none);
    expect(none.events('alice', 'trace')).toEqual([]);
  });
});

describe('NAT keepalives (RFC 3948 section 4)', () => {
  it('the side behind the NAT sends a one-octet 0xFF every natKeepalive seconds; the other side does not', () => {
    const net = pair(nodeProvider, { standardPorts: true, extra: { natKeepalive: 10 } });
    net.nat = { node: 'alice', address: '198.51.100.7', inside: '127.0.0.1' };
    connect(net);
    const keepalives = (from: string) => net.log.filter((l) => l.from === from && l.data.length === 1);
    net.advance(35_000);
    expect(keepalives('alice')).toHaveLength(3);
    expect(keepalives('alice').every((l) => l.data[0] === 0xff && !l.marker)).toBe(true);
    expect(keepalives('bob')).toHaveLength(0);
    // Keepalives never disturb the SA (the transport drops them before the endpoint).
    expect(net.ep('bob').status()[0].state).toBe('ESTABLISHED');
  });
});

describe('half-open limit (RFC 7296 section 2.6)', () => {
  it('beyond maxHalfOpen, new IKE_SA_INIT requests make no state and get no answer', async () => {
    const { Net, config, seededRandom } = await import('./session-harness.js');
    const net = new Net();
    net.add('alice', { provider: nodeProvider, configs: [config('alice')], random: seededRandom('a') }, [16500, 16501]);
    net.add('bob', { provider: nodeProvider, configs: [config('bob')], random: seededRandom('b'), maxHalfOpen: 2 }, [16600, 16601]);
    // Bob's answers are lost, so his SAs stay half open.
    net.drop = (d) => d.from === 'bob';
    for (let i = 0; i < 4; i++) {
      net.take('alice', net.ep('alice').initiate(undefined, net.now));
      net.run();
    }
    expect(net.ep('bob').status()).toHaveLength(2);
    expect(net.log.filter((l) => l.from === 'bob')).toHaveLength(2);
  });
});

describe('reassembly limits (RFC 7383 section 2.6)', () => {
  it('a message in more fragments than maxFragments is never put together, and nothing breaks', async () => {
    const { Net, config, seededRandom } = await import('./session-harness.js');
    const net = new Net();
    const esp = ['aes128gcm16', 'aes256gcm16', 'aes128-sha256', 'aes256-sha512', 'aes192-sha384'];
    net.add('alice', { provider: nodeProvider, configs: [config('alice', { mtu: 160, esp })], random: seededRandom('a'), retransmitTries: 1 }, [16500, 16501]);
    net.add('bob', { provider: nodeProvider, configs: [config('bob', { esp })], random: seededRandom('b'), maxFragments: 3 }, [16600, 16601]);
    connect(net);
    const fragments = net.log.filter((l) => l.from === 'alice' && decodeMessageV2(l.data).payloads.some((p) => p.type === PayloadType.SKF));
    expect(fragments.length).toBeGreaterThan(3);
    expect(net.events('bob', 'ike-sa-up')).toEqual([]);
    net.advance(5_000);
    expect(net.events('alice', 'ike-sa-down')).toHaveLength(1);
    expect(net.events('bob', 'error')).toEqual([]);
  });
});
