/**
 * UDP transport for a sans-IO IKE endpoint over node:dgram: binds the IKE port and the NAT-T
 * port of each local address, applies the RFC 3948 framing, and drives the endpoint's single
 * timer. The endpoint never sees sockets or clocks; this module never sees IKE semantics.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Address, Datagram, IkeEvent, Output } from '../ikev2/index.js';

/** RFC 3948 section 2.2: the non-ESP marker, four zero octets where an ESP SPI would be. */
const MARKER_LENGTH = 4;

/** What one bound socket is for: IKE only, or the NAT-T port shared with UDP-encapsulated ESP. */
export type SocketRole = 'ike' | 'natt';

export interface Binding extends Address {
  role: SocketRole;
}

export interface TransportCounters {
  received: number;
  sent: number;
  /** RFC 3948 section 2.3: one-octet 0xFF datagrams, dropped. */
  keepalives: number;
  /** RFC 3948 section 2.2: datagrams on a NAT-T port with a non-zero first word, dropped (no ESP here). */
  espDropped: number;
  /** Datagrams with the non-ESP marker removed. */
  markerStripped: number;
  /** Datagrams too short to carry anything after the marker, dropped. */
  runts: number;
}

export interface UdpTransportOptions {
  bindings: Binding[];
  onDatagram: (dgram: Datagram) => void;
  onError: (error: Error, where?: Address) => void;
}

function key(a: Address): string {
  return `${a.address}|${a.port}`;
}

/**
 * How a received datagram is framed (RFC 3948 sections 2.2 and 2.3). Pure, so that tests can
 * check each rule without sockets.
 */
export type Received =
  | { kind: 'ike'; data: Uint8Array; marker: boolean }
  | { kind: 'keepalive' }
  | { kind: 'esp' }
  | { kind: 'runt' };

export function classifyReceived(data: Uint8Array, role: SocketRole): Received {
  if (data.length === 1 && data[0] === 0xff) return { kind: 'keepalive' };
  // An IKE SPIi is never zero (RFC 7296 section 3.1), so four zero octets can only be the marker.
  if (data.length >= MARKER_LENGTH && data[0] === 0 && data[1] === 0 && data[2] === 0 && data[3] === 0) {
    const rest = data.subarray(MARKER_LENGTH);
    return rest.length === 0 ? { kind: 'runt' } : { kind: 'ike', data: rest, marker: true };
  }
  if (role === 'natt') return data.length >= MARKER_LENGTH ? { kind: 'esp' } : { kind: 'runt' };
  return data.length === 0 ? { kind: 'runt' } : { kind: 'ike', data, marker: false };
}

/** The bytes to put on the wire for a datagram: the marker first when the endpoint asks for it. */
export function frameForSending(dgram: Datagram): Uint8Array {
  if (!dgram.marker) return dgram.data;
  const out = new Uint8Array(MARKER_LENGTH + dgram.data.length);
  out.set(dgram.data, MARKER_LENGTH);
  return out;
}

interface Bound {
  binding: Binding;
  socket: Socket;
}

export class UdpTransport {
  readonly counters: TransportCounters = { received: 0, sent: 0, keepalives: 0, espDropped: 0, markerStripped: 0, runts: 0 };
  private readonly sockets = new Map<string, Bound>();
  private closed = false;

  private constructor(private readonly opts: UdpTransportOptions) {}

  /**
   * Binds every distinct address/port pair (each port 0 picks its own free port; see `bound`). A
   * pair listed twice is bound once, as NAT-T if either listing says so.
   */
  static async open(opts: UdpTransportOptions): Promise<UdpTransport> {
    const t = new UdpTransport(opts);
    const wanted = new Map<string, Binding>();
    for (const [i, b] of opts.bindings.entries()) {
      const k = b.port === 0 ? `any#${i}` : key(b);
      const prev = wanted.get(k);
      if (!prev || b.role === 'natt') wanted.set(k, { ...b, role: prev?.role === 'natt' ? 'natt' : b.role });
    }
    try {
      for (const b of wanted.values()) await t.bind(b);
    } catch (err) {
      await t.close();
      throw err;
    }
    return t;
  }

  /** The sockets actually bound, with the ports the system picked for port 0. */
  get bound(): Binding[] {
    return [...this.sockets.values()].map((s) => s.binding);
  }

  private bind(b: Binding): Promise<void> {
    const socket = createSocket({ type: isIPv6(b.address) ? 'udp6' : 'udp4', reuseAddr: true, ipv6Only: isIPv6(b.address) });
    return new Promise((resolve, reject) => {
      const onBindError = (err: Error) => {
        socket.close();
        reject(new Error(`cannot bind UDP ${formatAddress(b)}: ${err.message}`));
      };
      socket.once('error', onBindError);
      socket.bind({ address: b.address, port: b.port, exclusive: false }, () => {
        socket.off('error', onBindError);
        const actual: Binding = { address: b.address, port: socket.address().port, role: b.role };
        const entry: Bound = { binding: actual, socket };
        this.sockets.set(key(actual), entry);
        socket.on('error', (err) => this.opts.onError(err, actual));
        socket.on('message', (msg, rinfo) => this.onMessage(entry, msg, { address: rinfo.address, port: rinfo.port }));
        resolve();
      });
    });
  }

  private onMessage(entry: Bound, msg: Buffer, remote: Address): void {
    this.counters.received++;
    // A copy: the endpoint may keep received messages (RFC 7296 section 2.1 retransmission checks).
    const data = Uint8Array.from(msg);
    const r = classifyReceived(data, entry.binding.role);
    switch (r.kind) {
      case 'keepalive':
        this.counters.keepalives++;
        return;
      case 'esp':
        this.counters.espDropped++;
        return;
      case 'runt':
        this.counters.runts++;
        return;
      case 'ike': {
        if (r.marker) this.counters.markerStripped++;
        const local: Address = { address: entry.binding.address, port: entry.binding.port };
        const dgram: Datagram = { data: r.data, local, remote };
        if (r.marker) dgram.marker = true;
        this.opts.onDatagram(dgram);
      }
    }
  }

  /** Sends from the socket bound to `dgram.local`; a missing socket or a send error goes to onError. */
  send(dgram: Datagram): void {
    if (this.closed) return;
    const entry = this.sockets.get(key(dgram.local)) ?? this.byPort(dgram.local);
    if (!entry) {
      this.opts.onError(new Error(`no socket bound to ${formatAddress(dgram.local)} to send to ${formatAddress(dgram.remote)}`), dgram.local);
      return;
    }
    const bytes = frameForSending(dgram);
    entry.socket.send(bytes, dgram.remote.port, dgram.remote.address, (err) => {
      if (err) this.opts.onError(err, entry.binding);
    });
    this.counters.sent++;
  }

  /**
   * Without an exact match (a wildcard bind, or the same address spelt differently), the socket of
   * that port and address family.
   */
  private byPort(local: Address): Bound | undefined {
    for (const s of this.sockets.values()) {
      if (s.binding.port === local.port && isIPv6(s.binding.address) === isIPv6(local.address)) return s;
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.sockets.values()];
    this.sockets.clear();
    await Promise.all(all.map((s) => new Promise<void>((resolve) => {
      try {
        s.socket.close(() => resolve());
      } catch {
        resolve();
      }
    })));
  }
}

/** host:port, with IPv6 addresses in brackets. */
export function formatAddress(a: Address): string {
  return isIPv6(a.address) ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** The part of the sans-IO endpoint that the driver calls. */
export interface SansIoEndpoint {
  receive(dgram: Datagram, now: number): Output;
  timeout(now: number): Output;
  nextTimeout(): number | undefined;
}

/** Longest delay setTimeout accepts (2^31 - 1 ms); later deadlines are re-armed on expiry. */
const MAX_DELAY = 0x7fffffff;

/**
 * Connects an endpoint to a transport: feeds it datagrams, sends what it returns, hands its
 * events to `emit`, and keeps exactly one timer armed at `endpoint.nextTimeout()`.
 */
export class EndpointDriver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly endpoint: SansIoEndpoint,
    private readonly transport: { send(d: Datagram): void },
    private readonly emit: (events: IkeEvent[]) => void,
    readonly clock: () => number = () => performance.now(),
  ) {}

  /** Runs one endpoint call with the current time and applies its output; errors become 'error' events. */
  run(call: (now: number) => Output): void {
    if (this.stopped) return;
    let out: Output;
    try {
      out = call(this.clock());
    } catch (err) {
      this.emit([{ event: 'error', message: err instanceof Error ? err.message : String(err) }]);
      this.arm();
      return;
    }
    this.apply(out);
  }

  receive(dgram: Datagram): void {
    this.run((now) => this.endpoint.receive(dgram, now));
  }

  private apply(out: Output): void {
    for (const d of out.datagrams) this.transport.send(d);
    if (out.events.length > 0) this.emit(out.events);
    this.arm();
  }

  /** Re-arms the single timer for the endpoint's next deadline. */
  arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const next = this.endpoint.nextTimeout();
    if (next === undefined) return;
    const delay = Math.min(MAX_DELAY, Math.max(0, Math.ceil(next - this.clock())));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.clock() + 1 < next) this.arm();
      else this.run((now) => this.endpoint.timeout(now));
    }, delay);
    // The sockets keep the process alive; the timer alone never should.
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * `count` distinct UDP ports that were free on `address` a moment ago: bound together on port 0,
 * read, released. For demos and tests on loopback; another process may take one meanwhile.
 */
export async function findFreeUdpPorts(address: string, count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const s = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(0, address, () => resolve());
      });
    }
    return sockets.map((s) => s.address().port);
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
