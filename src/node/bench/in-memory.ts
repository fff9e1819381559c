/**
 * Two sans-IO endpoints wired in memory, for handshake benchmarks without sockets: the initiator's
 * datagrams go to the responder and back, and the time spent inside the responder's receive()
 * calls is measured apart (the responder's share of a handshake).
 */
import { performance } from 'node:perf_hooks';
import { parseConfig, type IkeConfig } from '../../config/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { Ikev1Endpoint, parseConfigV1, type IkeConfigV1 } from '../../ikev1/index.js';
import { Ikev2Endpoint, type Datagram, type Output } from '../../ikev2/index.js';
import { withoutInitialContact } from './initial-contact.js';

export interface HandshakeTiming {
  /** Wall time of the whole exchange, initiator and responder, in ms. */
  totalMs: number;
  /** Wall time inside the responder's receive() calls, in ms. */
  responderMs: number;
  /**
   * CPU time (user + system, process.cpuUsage) inside the responder's receive() calls, in ms: on a
   * busy machine this is steadier than the wall time, which also counts time the process waited.
   */
  responderCpuMs: number;
}

/** Process CPU time in ms (user + system). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Deliveries after which a handshake that has not completed is called stuck (IKE_SA_INIT + IKE_AUTH is 4, Main + Quick Mode 9). */
const MAX_DELIVERIES = 32;

/** An initiator and a responder IKEv2 config that agree, with one CHILD SA each. */
export function ikev2BenchConfigs(proposal: string, esp = 'aes128gcm16', ports: [number, number] = [16500, 16600], address = '127.0.0.1'): { initiator: IkeConfig; responder: IkeConfig } {
  // Port 0 (any free port, for a load generator) is set after parsing, which refuses it in a config file.
  const side = (me: number, peer: number, id: string, peerId: string, ts: string, peerTs: string): IkeConfig => {
    const c = parseConfig({
      version: 2,
      name: id.split('.')[0].slice(5),
      local: { address, port: me || 1, id },
      remote: { address, port: peer || 1, id: peerId },
      psk: 'benchmark pre-shared key',
      ike: { proposals: [proposal], lifetime: 86400 },
      child: { proposals: [esp], localTs: [ts], remoteTs: [peerTs], mode: 'tunnel', lifetime: 86400 },
    });
    return { ...c, local: { ...c.local, port: me }, remote: { ...c.remote, port: peer } };
  };
  return {
    initiator: side(ports[0], ports[1], 'fqdn:alice.bench', 'fqdn:bob.bench', '10.1.0.0/16', '10.2.0.0/16'),
    responder: side(ports[1], ports[0], 'fqdn:bob.bench', 'fqdn:alice.bench', '10.2.0.0/16', '10.1.0.0/16'),
  };
}

/** The shape both endpoints share: datagrams in, datagrams and events out. */
interface SansIo {
  receive(d: Datagram, now: number): Output | { datagrams: Datagram[]; events: Array<{ event: string }> };
}

function flip(d: Datagram): Datagram {
  return { data: d.data, local: d.remote, remote: d.local, ...(d.marker ? { marker: true } : {}) };
}

/**
 * Delivers the initiator's first output and everything that follows until both sides report a
 * CHILD SA up (or nothing is left to deliver), timing the responder's receive() calls.
 */
function pump(first: Output | { datagrams: Datagram[]; events: Array<{ event: string }> }, initiator: SansIo, responder: SansIo, now: number, t0: number): HandshakeTiming & { ok: boolean; errors: string[] } {
  let responderMs = 0;
  let responderCpuMs = 0;
  const errors: string[] = [];
  const note = (out: { events: Array<{ event: string }> }) => {
    for (const e of out.events) if (e.event === 'error') errors.push(JSON.stringify(e));
  };
  note(first);
  let up = first.events.filter((e) => e.event === 'child-sa-up').length;
  let toResponder = first.datagrams;
  let toInitiator: Datagram[] = [];
  for (let n = 0; n < MAX_DELIVERIES && (toResponder.length || toInitiator.length); n++) {
    if (toResponder.length) {
      const d = toResponder.shift()!;
      const c0 = cpuMs();
      const r0 = performance.now();
      const out = responder.receive(flip(d), now);
      responderMs += performance.now() - r0;
      responderCpuMs += cpuMs() - c0;
      toInitiator = toInitiator.concat(out.datagrams);
      note(out);
      up += out.events.filter((e) => e.event === 'child-sa-up').length;
    } else {
      const d = toInitiator.shift()!;
      const out = initiator.receive(flip(d), now);
      toResponder = toResponder.concat(out.datagrams);
      note(out);
      up += out.events.filter((e) => e.event === 'child-sa-up').length;
    }
  }
  return { ok: up >= 2, errors, totalMs: performance.now() - t0, responderMs, responderCpuMs };
}

/**
 * One IKEv2 initiator endpoint and one responder endpoint. Each handshake() is a new IKE SA
 * (fresh SPIs, nonces and key exchange) between them; the SAs stay established.
 */
export class Ikev2Pair {
  readonly initiator: Ikev2Endpoint;
  readonly responder: Ikev2Endpoint;
  now = 1_000;

  constructor(provider: CryptoProvider, proposal: string, esp?: string) {
    const c = ikev2BenchConfigs(proposal, esp);
    // Without INITIAL_CONTACT, so that the SAs accumulate (see initial-contact.ts).
    this.initiator = new Ikev2Endpoint({ provider: withoutInitialContact(provider), configs: [c.initiator] });
    this.responder = new Ikev2Endpoint({ provider, configs: [c.responder] });
  }

  /** IKE_SA_INIT and IKE_AUTH with one CHILD SA; throws when it does not complete. */
  handshake(): HandshakeTiming {
    const t0 = performance.now();
    const first = this.initiator.initiate(undefined, this.now);
    const r = pump(first, this.initiator, this.responder, this.now, t0);
    if (!r.ok) throw new Error(`IKEv2 handshake did not complete: ${r.errors.join('; ') || 'no CHILD SA on both sides'}`);
    return { totalMs: r.totalMs, responderMs: r.responderMs, responderCpuMs: r.responderCpuMs };
  }
}

/** IKEv1 configs (Main Mode, PSK) that agree, with one Quick Mode. */
export function ikev1BenchConfigs(proposal: string, esp = 'aes128-sha256'): { initiator: IkeConfigV1; responder: IkeConfigV1 } {
  const side = (me: string, peer: string, ts: string, peerTs: string): IkeConfigV1 =>
    parseConfigV1({
      version: 1,
      mode: 'main',
      local: { address: me, port: 500, id: `fqdn:${me}.bench` },
      remote: { address: peer, port: 500 },
      psk: 'benchmark pre-shared key',
      ike: { proposals: [proposal], lifetime: 86400 },
      child: { proposals: [esp], localTs: [ts], remoteTs: [peerTs], mode: 'tunnel', lifetime: 86400 },
    });
  return {
    initiator: side('127.0.0.1', '127.0.0.2', '10.1.0.0/16', '10.2.0.0/16'),
    responder: side('127.0.0.2', '127.0.0.1', '10.2.0.0/16', '10.1.0.0/16'),
  };
}

/** Main Mode (RFC 2409 section 5) and one Quick Mode (section 5.5) between two IKEv1 endpoints. */
export class Ikev1Pair {
  readonly initiator: Ikev1Endpoint;
  readonly responder: Ikev1Endpoint;
  now = 1_000;

  constructor(provider: CryptoProvider, proposal: string, esp?: string) {
    const c = ikev1BenchConfigs(proposal, esp);
    this.initiator = new Ikev1Endpoint({ provider, configs: [c.initiator] });
    this.responder = new Ikev1Endpoint({ provider, configs: [c.responder] });
  }

  handshake(): HandshakeTiming {
    const t0 = performance.now();
    const first = this.initiator.initiate(undefined, this.now);
    const r = pump(first, this.initiator, this.responder, this.now, t0);
    if (!r.ok) throw new Error(`IKEv1 Main Mode + Quick Mode did not complete: ${r.errors.join('; ') || 'no CHILD SA on both sides'}`);
    return { totalMs: r.totalMs, responderMs: r.responderMs, responderCpuMs: r.responderCpuMs };
  }
}
