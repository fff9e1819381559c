/**
 * A load generator in the manner of strongSwan's load-tester: one Ikev2Endpoint on one UDP socket
 * pair opens `count` IKE SAs (each with its own SPIs, nonces and key exchange, and one CHILD SA)
 * against a responder, at most `concurrency` at a time, and reports the rate, the latency
 * percentiles and the failures. Bounded in count and in time.
 *
 * It drives the endpoint itself rather than through EndpointDriver: receive() outputs are sent at
 * once, and timeout() runs on a fixed tick, so the generator's own cost does not grow with the
 * number of SAs it holds.
 */
import { performance } from 'node:perf_hooks';
import type { IkeConfig } from '../../config/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { defaultNattPort, Ikev2Endpoint, type IkeEvent, type Output } from '../../ikev2/index.js';
import { nodeProvider } from '../crypto/index.js';
import { UdpTransport } from '../transport.js';
import { withoutInitialContact } from './initial-contact.js';
import { quantile } from './stats.js';

export interface LoadOptions {
  /** The initiator's config; `remote` is the target. A local port of 0 takes free ports. */
  config: IkeConfig;
  count: number;
  concurrency: number;
  provider?: CryptoProvider;
  /** An SA not up within this many ms counts as failed (default 10000). */
  saTimeoutMs?: number;
  /** The whole run stops after this many ms (default 300000); SAs not finished count as failed. */
  totalTimeoutMs?: number;
  /** Send INITIAL_CONTACT as the endpoint does (default false: see initial-contact.ts). */
  initialContact?: boolean;
  /** Delete the IKE SAs at the end (RFC 7296 section 1.4.1), waiting up to 2 s for the answers. */
  deleteAtEnd?: boolean;
  /** Called every 1000 completions. */
  onProgress?: (done: number, failed: number) => void;
}

export interface LoadResult {
  target: string;
  count: number;
  concurrency: number;
  completed: number;
  failed: number;
  /** Failure reasons and how often each happened. */
  failures: Record<string, number>;
  elapsedMs: number;
  /** Completed IKE SAs per second. */
  rate: number;
  /** Milliseconds from initiate() to the CHILD SA up. */
  latency: { min: number; p50: number; p90: number; p99: number; max: number };
  /** Datagrams the generator sent and received, and socket errors (send failures, ICMP unreachable). */
  sent: number;
  received: number;
  socketErrors: number;
}

/** How often timeout() runs (retransmissions, RFC 7296 section 2.4). */
const TICK_MS = 100;

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  if (!(o.count >= 1) || !(o.concurrency >= 1)) throw new Error('count and concurrency must be at least 1');
  const provider = o.initialContact ? (o.provider ?? nodeProvider) : withoutInitialContact(o.provider ?? nodeProvider);
  const saTimeoutMs = o.saTimeoutMs ?? 10_000;
  const totalTimeoutMs = o.totalTimeoutMs ?? 300_000;
  const clock = () => performance.now();

  let endpoint: Ikev2Endpoint | undefined;
  let received = 0;
  let socketErrors = 0;
  const queue: Parameters<Ikev2Endpoint['receive']>[0][] = [];
  const transport = await UdpTransport.open({
    bindings: [
      { address: o.config.local.address, port: o.config.local.port, role: 'ike' },
      { address: o.config.local.address, port: o.config.local.port === 0 ? 0 : (o.config.local.nattPort ?? defaultNattPort(o.config.local.port)), role: 'natt' },
    ],
    onDatagram: (d) => {
      received++;
      if (endpoint) apply(endpoint.receive(d, clock()));
      else queue.push(d);
    },
    onError: () => void socketErrors++,
  });
  const [ike, natt] = transport.bound;
  const config: IkeConfig = { ...o.config, local: { ...o.config.local, port: ike.port, nattPort: natt.port } };
  endpoint = new Ikev2Endpoint({ provider, configs: [config], retransmitBase: 1000, retransmitTries: 3 });
  const ep = endpoint;

  const started = new Map<string, number>();
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let initiated = 0;
  let completed = 0;
  let failed = 0;
  let sent = 0;
  let nextId = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));

  const fail = (id: string, reason: string) => {
    if (!started.delete(id)) return;
    failed++;
    failures[reason] = (failures[reason] ?? 0) + 1;
    next();
  };

  function onEvent(e: IkeEvent): void {
    switch (e.event) {
      case 'child-sa-up': {
        const t = started.get(e.ikeSaId);
        if (t === undefined || e.rekeyOf) return;
        started.delete(e.ikeSaId);
        latencies.push(clock() - t);
        completed++;
        if (completed % 1000 === 0) o.onProgress?.(completed, failed);
        next();
        return;
      }
      case 'error':
        if (e.ikeSaId !== undefined) fail(e.ikeSaId, e.notify ?? e.message.replace(/[0-9a-f]{16}/g, '…'));
        return;
      case 'ike-sa-down':
        fail(e.ikeSaId, `IKE SA down: ${e.reason}`);
        return;
      default:
    }
  }

  function apply(out: Output): void {
    for (const d of out.datagrams) {
      transport.send(d);
      sent++;
    }
    for (const e of out.events) onEvent(e);
  }

  // Starts SAs while below the concurrency and the count. The endpoint numbers its IKE SAs 1, 2, ...
  // in creation order, and only initiate() creates them here.
  function next(): void {
    while (started.size < o.concurrency && initiated < o.count) {
      initiated++;
      const id = String(++nextId);
      started.set(id, clock());
      apply(ep.initiate(undefined, clock()));
    }
    if (completed + failed >= o.count) finish();
  }

  const t0 = clock();
  for (const d of queue.splice(0)) apply(ep.receive(d, clock()));
  const ticker = setInterval(() => {
    const now = clock();
    apply(ep.timeout(now));
    for (const [id, t] of started) {
      if (now - t > saTimeoutMs) {
        fail(id, 'timeout');
        try {
          apply(ep.deleteIkeSa(id, now));
        } catch {
          // already gone
        }
      }
    }
    if (now - t0 > totalTimeoutMs) {
      for (const id of [...started.keys()]) fail(id, 'run time limit');
      failed += o.count - initiated;
      if (o.count > initiated) failures['not started (run time limit)'] = o.count - initiated;
      initiated = o.count;
      finish();
    }
  }, TICK_MS);
  next();
  await done;
  const elapsedMs = clock() - t0;
  clearInterval(ticker);

  if (o.deleteAtEnd) {
    for (const s of ep.status()) {
      try {
        apply(ep.deleteIkeSa(s.ikeSaId, clock()));
      } catch {
        // half-open or closing
      }
    }
    await new Promise((r) => setTimeout(r, Math.min(2000, 200 + completed / 10)));
  }
  await transport.close();

  const sorted = latencies.sort((a, b) => a - b);
  return {
    target: `${o.config.remote.address}:${o.config.remote.port}`,
    count: o.count,
    concurrency: o.concurrency,
    completed,
    failed,
    failures,
    elapsedMs,
    rate: (completed * 1000) / elapsedMs,
    latency: { min: sorted[0] ?? NaN, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN },
    sent,
    received,
    socketErrors,
  };
}
