import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { Address, Datagram, IkeEvent, Output } from '../../src/ikev2/index.js';
import { defaultNattPort } from '../../src/ikev2/index.js';
import { bindingsOf } from '../../src/node/ikev2-node.js';
import { classifyReceived, EndpointDriver, frameForSending, UdpTransport, type Binding } from '../../src/node/transport.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A stand-in IKE header: non-zero SPIi, then filler up to the 28-octet header length. */
const IKE = Uint8Array.from({ length: 28 }, (_, i) => (i === 0 ? 0x11 : i));

async function peer(type: 'udp4' | 'udp6', address: string): Promise<{ socket: Socket; port: number; received: Promise<Buffer> }> {
  const socket = createSocket(type);
  cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
  await new Promise<void>((r) => socket.bind(0, address, () => r()));
  const received = new Promise<Buffer>((r) => socket.once('message', (m) => r(m)));
  return { socket, port: socket.address().port, received };
}

async function transport(bindings: Binding[]): Promise<{ t: UdpTransport; got: Datagram[]; errors: Error[]; next: () => Promise<Datagram> }> {
  const got: Datagram[] = [];
  const errors: Error[] = [];
  let waiter: ((d: Datagram) => void) | undefined;
  const t = await UdpTransport.open({
    bindings,
    onDatagram: (d) => {
      got.push(d);
      waiter?.(d);
    },
    onError: (e) => errors.push(e),
  });
  cleanups.push(() => t.close());
  const next = () => new Promise<Datagram>((r) => (waiter = r));
  return { t, got, errors, next };
}

function sendTo(s: Socket, port: number, address: string, bytes: Uint8Array): Promise<void> {
  return new Promise((r, j) => s.send(bytes, port, address, (e) => (e ? j(e) : r())));
}

describe('RFC 3948 framing of received datagrams (pure)', () => {
  it('section 2.3: a lone 0xFF octet is a NAT-keepalive on either socket', () => {
    expect(classifyReceived(Uint8Array.of(0xff), 'natt').kind).toBe('keepalive');
    expect(classifyReceived(Uint8Array.of(0xff), 'ike').kind).toBe('keepalive');
  });
  it('section 2.2: four zero octets are the non-ESP marker, removed from the data', () => {
    const r = classifyReceived(Uint8Array.of(0, 0, 0, 0, ...IKE), 'natt');
    expect(r).toEqual({ kind: 'ike', data: IKE, marker: true });
  });
  it('section 2.2: on the NAT-T port a non-zero first word is an ESP SPI', () => {
    expect(classifyReceived(IKE, 'natt').kind).toBe('esp');
  });
  it('on the IKE port a datagram without the marker is IKE as is', () => {
    expect(classifyReceived(IKE, 'ike')).toEqual({ kind: 'ike', data: IKE, marker: false });
  });
  it('a bare marker or a datagram shorter than an SPI carries nothing and is dropped', () => {
    expect(classifyReceived(new Uint8Array(4), 'natt').kind).toBe('runt');
    expect(classifyReceived(Uint8Array.of(1, 2), 'natt').kind).toBe('runt');
    expect(classifyReceived(new Uint8Array(0), 'ike').kind).toBe('runt');
  });
  it('sending prepends the marker only when asked', () => {
    const local = { address: '127.0.0.1', port: 1 };
    expect([...frameForSending({ data: IKE, local, remote: local, marker: true }).subarray(0, 5)]).toEqual([0, 0, 0, 0, 0x11]);
    expect(frameForSending({ data: IKE, local, remote: local })).toBe(IKE);
  });
  it('contract: each config binds its IKE port and its NAT-T port (4500 for port 500, else port + 1, unless configured)', () => {
    expect(defaultNattPort(500)).toBe(4500);
    const local = (port: number, nattPort?: number) => ({ local: { address: '::1', port, nattPort, id: 'fqdn:a' } }) as never;
    expect(bindingsOf([local(16500)])).toEqual([
      { address: '::1', port: 16500, role: 'ike' },
      { address: '::1', port: 16501, role: 'natt' },
    ]);
    expect(bindingsOf([local(500)])[1].port).toBe(4500);
    expect(bindingsOf([local(500, 4600)])[1].port).toBe(4600);
  });
});

describe('UdpTransport over loopback', () => {
  it('strips the marker on receipt and says so; keepalives and ESP never reach the endpoint', async () => {
    const { t, got, next } = await transport([{ address: '127.0.0.1', port: 0, role: 'natt' }]);
    const port = t.bound[0].port;
    const p = await peer('udp4', '127.0.0.1');
    await sendTo(p.socket, port, '127.0.0.1', Uint8Array.of(0xff));
    await sendTo(p.socket, port, '127.0.0.1', Uint8Array.of(0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 1));
    const arrived = next();
    await sendTo(p.socket, port, '127.0.0.1', Uint8Array.of(0, 0, 0, 0, ...IKE));
    const d = await arrived;
    expect(d.marker).toBe(true);
    expect([...d.data]).toEqual([...IKE]);
    expect(d.remote).toEqual({ address: '127.0.0.1', port: p.port });
    expect(d.local).toEqual({ address: '127.0.0.1', port });
    expect(got).toHaveLength(1);
    expect(t.counters.keepalives).toBe(1);
    expect(t.counters.espDropped).toBe(1);
    expect(t.counters.markerStripped).toBe(1);
  });

  it('sends with the marker when the datagram asks, from the socket bound to local.port', async () => {
    const { t } = await transport([
      { address: '127.0.0.1', port: 0, role: 'ike' },
      { address: '127.0.0.1', port: 0, role: 'natt' },
    ]);
    const [ike, natt] = t.bound;
    const p = await peer('udp4', '127.0.0.1');
    const remote = { address: '127.0.0.1', port: p.port };
    const srcPort = new Promise<number>((r) => p.socket.once('message', (_m, rinfo) => r(rinfo.port)));
    t.send({ data: IKE, local: { address: '127.0.0.1', port: natt.port }, remote, marker: true });
    const bytes = await p.received;
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...bytes.subarray(4)]).toEqual([...IKE]);
    expect(await srcPort).toBe(natt.port);
    expect(ike.port).not.toBe(natt.port);
  });

  it('sends without the marker from the IKE socket', async () => {
    const { t } = await transport([{ address: '127.0.0.1', port: 0, role: 'ike' }]);
    const p = await peer('udp4', '127.0.0.1');
    t.send({ data: IKE, local: t.bound[0], remote: { address: '127.0.0.1', port: p.port } });
    expect([...(await p.received)]).toEqual([...IKE]);
  });

  it('IPv6 ::1: binds udp6 and passes datagrams both ways', async () => {
    const { t, next } = await transport([{ address: '::1', port: 0, role: 'natt' }]);
    const port = t.bound[0].port;
    const p = await peer('udp6', '::1');
    const arrived = next();
    await sendTo(p.socket, port, '::1', Uint8Array.of(0, 0, 0, 0, ...IKE));
    const d = await arrived;
    expect(d.marker).toBe(true);
    expect(d.remote.address).toBe('::1');
    t.send({ data: IKE, local: d.local, remote: d.remote, marker: true });
    expect((await p.received).length).toBe(IKE.length + 4);
  });

  it('a datagram for an unbound local port is an error, not a crash', async () => {
    const { t, errors } = await transport([{ address: '127.0.0.1', port: 0, role: 'ike' }]);
    t.send({ data: IKE, local: { address: '127.0.0.1', port: 9 }, remote: { address: '127.0.0.1', port: 9 } });
    expect(errors[0]?.message).toMatch(/no socket bound to 127\.0\.0\.1:9/);
  });

  it('binding a port twice in one transport binds it once, as NAT-T if either says so', async () => {
    const first = await transport([{ address: '127.0.0.1', port: 0, role: 'ike' }]);
    const port = first.t.bound[0].port;
    await first.t.close();
    const { t } = await transport([
      { address: '127.0.0.1', port, role: 'ike' },
      { address: '127.0.0.1', port, role: 'natt' },
    ]);
    expect(t.bound).toEqual([{ address: '127.0.0.1', port, role: 'natt' }]);
  });
});

describe('EndpointDriver', () => {
  /** An endpoint that records calls and asks for a timeout at a set time. */
  function fakeEndpoint(deadlines: Array<number | undefined>) {
    const calls: string[] = [];
    let next: number | undefined = deadlines.shift();
    return {
      calls,
      receive(d: Datagram, now: number): Output {
        calls.push(`receive ${d.data.length} @${now >= 0}`);
        return { datagrams: [{ ...d, local: d.local, remote: d.remote }], events: [{ event: 'trace', text: 'got it' }] };
      },
      timeout(now: number): Output {
        calls.push(`timeout ${now >= (next ?? 0)}`);
        next = deadlines.shift();
        return { datagrams: [], events: [] };
      },
      nextTimeout: () => next,
    };
  }

  it('sends what the endpoint returns, emits its events and fires the timer at nextTimeout', async () => {
    let t = 1000;
    const ep = fakeEndpoint([undefined]);
    const sent: Datagram[] = [];
    const events: IkeEvent[] = [];
    const driver = new EndpointDriver(ep, { send: (d) => sent.push(d) }, (e) => events.push(...e), () => t);
    cleanups.push(() => driver.stop());
    const a: Address = { address: '127.0.0.1', port: 1 };
    driver.receive({ data: IKE, local: a, remote: a });
    expect(sent).toHaveLength(1);
    expect(events).toEqual([{ event: 'trace', text: 'got it' }]);
    expect(ep.calls).toEqual(['receive 28 @true']);
    t = 0;
  });

  it('runs timeout() once the deadline passes, then re-arms for the next one', async () => {
    let now = 0;
    const ep = fakeEndpoint([5, 10, undefined]);
    const done = new Promise<void>((resolve) => {
      const orig = ep.timeout.bind(ep);
      ep.timeout = (n: number) => {
        const out = orig(n);
        if (ep.calls.length === 2) resolve();
        return out;
      };
    });
    const driver = new EndpointDriver(ep, { send: () => {} }, () => {}, () => (now += 3));
    cleanups.push(() => driver.stop());
    driver.arm();
    await done;
    expect(ep.calls).toEqual(['timeout true', 'timeout true']);
  });

  it('an endpoint that throws produces an error event', () => {
    const events: IkeEvent[] = [];
    const driver = new EndpointDriver(
      { receive: () => { throw new Error('boom'); }, timeout: () => ({ datagrams: [], events: [] }), nextTimeout: () => undefined },
      { send: () => {} },
      (e) => events.push(...e),
    );
    const a: Address = { address: '127.0.0.1', port: 1 };
    driver.receive({ data: IKE, local: a, remote: a });
    expect(events).toEqual([{ event: 'error', message: 'boom' }]);
  });
});
