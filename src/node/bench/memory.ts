/**
 * Memory per established IKE SA with one CHILD SA: one in-process responder endpoint holds `count`
 * SAs made by one initiator endpoint (initiate() of the same config, each with its own SPIs); the
 * heap and RSS after a full GC, less the baseline, divided by the count. The initiator is dropped
 * (and collected) before the responder's figure is taken.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IkeConfig } from '../../config/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { Ikev2Endpoint, type Datagram } from '../../ikev2/index.js';
import { ikev2BenchConfigs } from './in-memory.js';
import { withoutInitialContact } from './initial-contact.js';

/** A full collection, exposed at run time if the process was not started with --expose-gc. */
export function fullGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function settle(gc: () => void): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

export interface MemoryResult {
  /** SAs established (the count asked for unless the time limit stopped it first). */
  count: number;
  /** Responder bytes per IKE SA (heap incl. external), after the initiator is gone. */
  responderHeapPerSa: number;
  responderRssPerSa: number;
  /** Both endpoints together, per SA. */
  pairHeapPerSa: number;
  elapsedMs: number;
  stoppedByTime: boolean;
}

export interface MemoryOptions {
  provider: CryptoProvider;
  count: number;
  proposal?: string;
  esp?: string;
  /** Stop creating SAs after this many ms (the per-SA figure still holds). */
  timeLimitMs?: number;
  onProgress?: (done: number) => void;
}

export async function measureMemoryPerSa(o: MemoryOptions): Promise<MemoryResult> {
  const gc = fullGc();
  const c = ikev2BenchConfigs(o.proposal ?? 'aes128-sha256-x25519', o.esp ?? 'aes128gcm16');
  const base = settle(gc);
  const responder = new Ikev2Endpoint({ provider: o.provider, configs: [c.responder] });
  // The initiator lives only inside populate(), so it is garbage once that returns.
  const { count, elapsedMs, stoppedByTime, pair } = populate(o, c.initiator, responder, gc);
  // A turn of the event loop first: objects touched in this job may be kept alive until it ends.
  await new Promise((r) => setTimeout(r, 0));
  const alone = settle(gc);
  // Keeps the responder (and its SAs) alive until the measurement above is taken.
  if (responder.configs.length === 0) throw new Error('the responder lost its config');
  const per = (x: number) => (count ? x / count : NaN);
  return {
    count,
    responderHeapPerSa: per(alone.heap - base.heap),
    responderRssPerSa: per(alone.rss - base.rss),
    pairHeapPerSa: per(pair.heap - base.heap),
    elapsedMs,
    stoppedByTime,
  };
}

function populate(o: MemoryOptions, config: IkeConfig, responder: Ikev2Endpoint, gc: () => void) {
  const initiator = new Ikev2Endpoint({ provider: withoutInitialContact(o.provider), configs: [config] });
  const flip = (d: Datagram): Datagram => ({ data: d.data, local: d.remote, remote: d.local, ...(d.marker ? { marker: true } : {}) });
  const t0 = performance.now();
  const limit = o.timeLimitMs ?? Infinity;
  let count = 0;
  let stoppedByTime = false;
  let now = 1000;
  for (; count < o.count; count++) {
    if ((count & 255) === 0) {
      if (performance.now() - t0 > limit) {
        stoppedByTime = true;
        break;
      }
      if (count) o.onProgress?.(count);
    }
    // The clock moves on a little per SA, as it would; no timer is due within a day.
    now += 1;
    let toR = initiator.initiate(undefined, now).datagrams;
    let up = 0;
    for (let n = 0; n < 8 && toR.length; n++) {
      const toI: Datagram[] = [];
      for (const d of toR) {
        const out = responder.receive(flip(d), now);
        toI.push(...out.datagrams);
        for (const e of out.events) if (e.event === 'child-sa-up') up++;
      }
      toR = [];
      for (const d of toI) {
        const out = initiator.receive(flip(d), now);
        toR.push(...out.datagrams);
        for (const e of out.events) if (e.event === 'child-sa-up') up++;
      }
    }
    if (up !== 2) throw new Error(`SA ${count + 1} did not reach CHILD SA up on both sides`);
  }
  const elapsedMs = performance.now() - t0;
  const pair = settle(gc);
  // Used after the measurement, so that the initiator is still alive during it.
  if (initiator.configs.length === 0) throw new Error('the initiator lost its config');
  return { count, elapsedMs, stoppedByTime, pair };
}
