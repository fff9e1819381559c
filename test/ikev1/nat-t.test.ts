import { describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { Ikev1Endpoint, type Datagram } from '../../src/ikev1/index.js';
import { decodeMessageV1, isEncryptedMessageV1 } from '../../src/payloads/ikev1/message.js';
import { PayloadType } from '../../src/payloads/iana/ikev1.js';
import { config, eventsOf, seededRandom, Wire } from './harness.js';

const PRIVATE = '192.168.1.10';
const PUBLIC = '203.0.113.7';
const OUT: Record<number, number> = { 500: 40500, 4500: 44500 };
const BACK: Record<number, number> = { 40500: 500, 44500: 4500 };

/** A NAT in front of alice: her source address and port are rewritten, answers are mapped back. */
function nat(d: Datagram, from: { name: string }): Datagram {
  if (from.name === 'alice') return { ...d, local: { address: PUBLIC, port: OUT[d.local.port] } };
  if (d.remote.address === PUBLIC) return { ...d, remote: { address: PRIVATE, port: BACK[d.remote.port] } };
  return d;
}

function natPair(trace = false, transport = false) {
  const wire = new Wire({ rewrite: nat });
  const mode = transport ? ('transport' as const) : ('tunnel' as const);
  const aliceCfg = config({ local: PRIVATE, remote: '192.0.2.2', ike: { natKeepalive: 20 }, child: transport ? { mode, localTs: [`${PRIVATE}/32`], remoteTs: ['192.0.2.2/32'] } : {} });
  const bobCfg = config({ local: '192.0.2.2', remote: '%any', child: transport ? { mode, localTs: ['192.0.2.2/32'], remoteTs: [`${PRIVATE}/32`] } : { localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] } });
  const alice = wire.add('alice', PRIVATE, new Ikev1Endpoint({ provider: pureProvider, configs: [aliceCfg], random: seededRandom('nat/a'), trace }));
  const bob = wire.add('bob', '192.0.2.2', new Ikev1Endpoint({ provider: pureProvider, configs: [bobCfg], random: seededRandom('nat/b'), trace }));
  wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
  wire.pump();
  return { wire, alice, bob };
}

describe('NAT traversal (RFC 3947)', () => {
  it('section 3.2: NAT-D hashes reveal which side is behind the NAT', () => {
    const { alice, bob } = natPair();
    expect([...eventsOf(alice, 'error'), ...eventsOf(bob, 'error')]).toEqual([]);
    expect(eventsOf(alice, 'ike-sa-up')[0].natDetected).toEqual({ local: true, remote: false });
    expect(eventsOf(bob, 'ike-sa-up')[0].natDetected).toEqual({ local: false, remote: true });
    expect(eventsOf(bob, 'ike-sa-up')[0].remote).toEqual({ address: PUBLIC, port: 44500 });
  });

  it('section 4: the initiator floats to port 4500 after MM4 and every later message carries the non-ESP marker', () => {
    const { wire } = natPair();
    const fromAlice = wire.log.filter((l) => l.from === 'alice');
    expect(fromAlice.slice(0, 2).map((l) => [l.d.local.port, l.d.remote.port, l.d.marker === true])).toEqual([
      [500, 500, false],
      [500, 500, false],
    ]);
    for (const l of fromAlice.slice(2)) expect([l.d.local.port, l.d.remote.port, l.d.marker]).toEqual([4500, 4500, true]);
    const fromBob = wire.log.filter((l) => l.from === 'bob');
    for (const l of fromBob.slice(2)) expect([l.d.local.port, l.d.remote, l.d.marker]).toEqual([4500, { address: PUBLIC, port: 44500 }, true]);
  });

  it('section 3.1 / 3.2: both Vendor IDs and two NAT-D payloads are exchanged in MM1-MM4', () => {
    const { wire } = natPair();
    const [mm1, , mm3, mm4] = wire.log.slice(0, 4).map((l) => decodeMessageV1(l.d.data));
    if (isEncryptedMessageV1(mm1) || isEncryptedMessageV1(mm3) || isEncryptedMessageV1(mm4)) throw new Error('clear text expected');
    expect(mm1.payloads.filter((p) => p.type === PayloadType.VID)).toHaveLength(2);
    expect(mm3.payloads.filter((p) => p.type === PayloadType.NAT_D)).toHaveLength(2);
    expect(mm4.payloads.filter((p) => p.type === PayloadType.NAT_D)).toHaveLength(2);
  });

  it('section 5.1: Quick Mode negotiates UDP-Encapsulated-Tunnel', () => {
    const { alice, bob } = natPair();
    expect(eventsOf(alice, 'child-sa-up')[0].mode).toBe('tunnel (UDP-encapsulated)');
    expect(eventsOf(bob, 'child-sa-up')[0].mode).toBe('tunnel (UDP-encapsulated)');
    expect(bob.endpoint.status()[0].children[0].mode).toBe('tunnel (UDP)');
  });

  it('section 5.2: transport mode behind a NAT negotiates UDP-Encapsulated-Transport and both sides send NAT-OA', () => {
    const { alice, bob } = natPair(true, true);
    expect([...eventsOf(alice, 'error'), ...eventsOf(bob, 'error')]).toEqual([]);
    expect(eventsOf(alice, 'child-sa-up')[0].mode).toBe('transport (UDP-encapsulated)');
    const traces = (p: typeof alice) => p.events.filter((e) => e.event === 'trace').map((e) => (e as { text: string }).text).join('\n');
    // QM1 from alice: her private address and bob's; QM2 from bob: the address he sees for her (the NAT's) and his own.
    expect(traces(bob)).toMatch(/< QM1 \(decrypted\)[\s\S]*NAT_OA \(12 bytes\) ID_IPV4_ADDR 192\.168\.1\.10[\s\S]*NAT_OA \(12 bytes\) ID_IPV4_ADDR 192\.0\.2\.2/);
    expect(traces(alice)).toMatch(/< QM2 \(decrypted\)[\s\S]*NAT_OA \(12 bytes\) ID_IPV4_ADDR 203\.0\.113\.7[\s\S]*NAT_OA \(12 bytes\) ID_IPV4_ADDR 192\.0\.2\.2/);
  });

  it('RFC 3948 section 2.3: the side behind the NAT sends one-octet 0xFF keepalives', () => {
    const { wire } = natPair();
    const before = wire.log.length;
    wire.advance(wire.now + 45_000);
    const keepalives = wire.log.slice(before).filter((l) => l.d.data.length === 1);
    expect(keepalives).toHaveLength(2);
    expect(keepalives[0]).toMatchObject({ from: 'alice', d: { data: new Uint8Array([0xff]), marker: false, remote: { port: 4500 } } });
  });

  it('without a NAT nobody floats and no marker is used', () => {
    const wire = new Wire();
    const alice = wire.add('alice', '192.0.2.1', new Ikev1Endpoint({ provider: pureProvider, configs: [config({ local: '192.0.2.1', remote: '192.0.2.2' })], random: seededRandom('x') }));
    wire.add('bob', '192.0.2.2', new Ikev1Endpoint({ provider: pureProvider, configs: [config({ local: '192.0.2.2', remote: '192.0.2.1', child: { localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] } })], random: seededRandom('y') }));
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(wire.log).toHaveLength(9);
    for (const l of wire.log) expect([l.d.local.port, l.d.remote.port, l.d.marker]).toEqual([500, 500, false]);
    expect(eventsOf(alice, 'child-sa-up')[0].mode).toBe('tunnel');
  });

  it('RFC 3948 section 2.2 on custom ports: by default every message from a port other than 500 carries the marker (charon expects it)', () => {
    const wire = new Wire();
    const alice = wire.add('alice', '127.0.0.2', new Ikev1Endpoint({ provider: pureProvider, configs: [config({ local: '127.0.0.2', remote: '127.0.0.3', port: 16500 })], random: seededRandom('p') }));
    wire.add('bob', '127.0.0.3', new Ikev1Endpoint({ provider: pureProvider, configs: [config({ local: '127.0.0.3', remote: '127.0.0.2', port: 16500, child: { localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] } })], random: seededRandom('q') }));
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(wire.log).toHaveLength(9);
    for (const l of wire.log) expect([l.d.local.port, l.d.marker]).toEqual([16500, true]);
  });

  it("with nonEspMarker 'nat-t-port-only' messages on the IKE port go without the marker, and the responder answers in kind", () => {
    const wire = new Wire();
    const mk = (me: string, peer: string, seed: string, ts: [string, string]) =>
      new Ikev1Endpoint({ provider: pureProvider, nonEspMarker: 'nat-t-port-only', configs: [config({ local: me, remote: peer, port: 16500, child: { localTs: [ts[0]], remoteTs: [ts[1]] } })], random: seededRandom(seed) });
    const alice = wire.add('alice', '127.0.0.2', mk('127.0.0.2', '127.0.0.3', 'p', ['10.1.0.0/24', '10.2.0.0/24']));
    wire.add('bob', '127.0.0.3', mk('127.0.0.3', '127.0.0.2', 'q', ['10.2.0.0/24', '10.1.0.0/24']));
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    expect(wire.log).toHaveLength(9);
    for (const l of wire.log) expect(l.d.marker).toBe(false);
  });
});

describe('path updates follow authenticated messages only (RFC 3947 section 4)', () => {
  it('an established responder does not move its path for a message that fails HASH(1)', () => {
    const wire = new Wire();
    const alice = wire.add('alice', '192.0.2.1', new Ikev1Endpoint({ provider: pureProvider, configs: [config({ local: '192.0.2.1', remote: '192.0.2.2' })], random: seededRandom('f1') }));
    const bob = wire.add('bob', '192.0.2.2', new Ikev1Endpoint({ provider: pureProvider, configs: [config({ local: '192.0.2.2', remote: '192.0.2.1', child: { localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] } })], random: seededRandom('f2') }));
    wire.apply(alice, alice.endpoint.initiate(undefined, wire.now));
    wire.pump();
    const id = bob.endpoint.status()[0].ikeSaId;
    const dpd = alice.endpoint.checkLiveness(alice.endpoint.status()[0].ikeSaId, wire.now).datagrams[0];
    const forged = dpd.data.slice();
    forged[28 + 2] ^= 0x10;
    const out = bob.endpoint.receive({ data: forged, local: dpd.remote, remote: { address: '198.51.100.9', port: 999 } }, wire.now);
    expect(out.datagrams).toEqual([]);
    expect(bob.endpoint.status()[0].remote).toEqual({ address: '192.0.2.1', port: 500 });
    // The genuine message from a new address moves the path (the peer's NAT mapping changed).
    const ok = bob.endpoint.receive({ data: dpd.data, local: dpd.remote, remote: { address: '198.51.100.9', port: 999 } }, wire.now);
    expect(ok.datagrams[0].remote).toEqual({ address: '198.51.100.9', port: 999 });
    expect(bob.endpoint.status()[0]).toMatchObject({ ikeSaId: id, remote: { address: '198.51.100.9', port: 999 } });
  });
});
