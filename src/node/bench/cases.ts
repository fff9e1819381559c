/**
 * The benchmark cases of `ike bench`. Each yields result lines (median of repeated runs with
 * min/max) or a skip with its reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CryptoProvider } from '../../crypto/provider.js';
import { pureProvider } from '../../crypto/pure.js';
import type { Datagram, Output } from '../../ikev2/index.js';
import { nodeProvider } from '../crypto/index.js';
import { startIkev2 } from '../ikev2-node.js';
import { findFreeUdpPorts } from '../transport.js';
import { captureMessages, codecOperations, keyScheduleOperation } from './codec.js';
import { cpuMs, Ikev1Pair, Ikev2Pair, ikev2BenchConfigs } from './in-memory.js';
import { withoutInitialContact } from './initial-contact.js';
import { measureMemoryPerSa } from './memory.js';
import { runLoad } from './loadgen.js';
import { measureResponderCpu, spawnBenchResponder } from './responder.js';
import { extraEach, measure, measureAsync, measureBatched, msEach, perSecond, QUICK_PLAN, FULL_PLAN, type RunPlan, type RunSample } from './runner.js';
import { result, type BenchLine } from './stats.js';

export type ProviderName = 'node' | 'pure';

export const PROVIDERS: Record<ProviderName, CryptoProvider> = { node: nodeProvider, pure: pureProvider };

export interface CaseOptions {
  quick: boolean;
  providers: ProviderName[];
  /** Handshakes/SAs for the memory case (default 100000, 10000 with quick). */
  memoryCount?: number;
  /** Time limit of the memory case in s (default 300, 8 with quick). */
  memorySeconds?: number;
  /** How to start `ike bench --serve` in a child process (node flags and entry script). */
  cliEntry?: string[];
  /** Progress text, for a person watching. */
  progress?: (text: string) => void;
}

export interface BenchCase {
  name: string;
  summary: string;
  run(o: CaseOptions): AsyncIterable<BenchLine> | Iterable<BenchLine>;
}

/** The IKE proposals measured: the key exchange is what differs (RFC 7296 section 3.3.2, Transform Type 4). */
export const GROUPS: Array<{ label: string; proposal: string }> = [
  { label: 'MODP-2048', proposal: 'aes128-sha256-modp2048' },
  { label: 'ECP-256', proposal: 'aes128-sha256-ecp256' },
  { label: 'X25519', proposal: 'aes128-sha256-x25519' },
];

const plan = (o: CaseOptions, slow = false): RunPlan => {
  const p = o.quick ? QUICK_PLAN : FULL_PLAN;
  return slow ? { ...p, runMs: p.runMs * 2 } : p;
};

function handshakeLines(c: string, provider: string, samples: RunSample[]): BenchLine[] {
  return [
    result(c, provider, 'rate', 'handshakes/s', samples.map(perSecond)),
    result(c, provider, 'time', 'ms/handshake', samples.map(msEach)),
    result(c, provider, 'responder cpu', 'responder cpu ms/handshake', samples.map(extraEach)),
  ];
}

const ikev2InProcess: BenchCase = {
  name: 'ikev2-handshake',
  summary: 'IKEv2 PSK handshake (IKE_SA_INIT + IKE_AUTH, one CHILD SA), two endpoints in memory',
  *run(o) {
    for (const g of GROUPS) {
      for (const pn of o.providers) {
        o.progress?.(`ikev2-handshake ${g.label} ${pn}`);
        const pair = new Ikev2Pair(PROVIDERS[pn], g.proposal);
        yield* handshakeLines(`ikev2-handshake ${g.label}`, pn, measure(plan(o), () => pair.handshake().responderCpuMs));
      }
    }
    yield { case: 'ikev2-handshake X25519+ML-KEM-768', skipped: 'RFC 9370 additional key exchanges are not implemented in the session (config refuses "ke1_")' };
  },
};

const ikev2Udp: BenchCase = {
  name: 'ikev2-udp',
  summary: 'the same handshake over UDP on loopback (startIkev2 on both sides), one at a time',
  async *run(o) {
    for (const g of GROUPS) {
      for (const pn of o.providers) {
        o.progress?.(`ikev2-udp ${g.label} ${pn}`);
        const [pi, pr] = await findFreeUdpPorts('127.0.0.1', 2);
        // Each port's NAT-T companion is port + 1; keep them apart.
        const c = ikev2BenchConfigs(g.proposal, undefined, [pi + 2, pr + 4]);
        const provider = PROVIDERS[pn];
        const responder = await startIkev2({ configs: [c.responder], provider });
        const initiator = await startIkev2({ configs: [c.initiator], provider: withoutInitialContact(provider) });
        const ep = responder.endpoint;
        const receive = ep.receive.bind(ep);
        let inResponder = 0;
        ep.receive = (d: Datagram, now: number): Output => {
          const t = cpuMs();
          try {
            return receive(d, now);
          } finally {
            inResponder += cpuMs() - t;
          }
        };
        try {
          const samples = await measureAsync(plan(o), async () => {
            const before = inResponder;
            await initiator.connect(undefined, { timeoutMs: 10_000 });
            return inResponder - before;
          });
          yield* handshakeLines(`ikev2-udp ${g.label}`, pn, samples);
        } finally {
          await initiator.close({ graceMs: 0 });
          await responder.close({ graceMs: 0 });
        }
      }
    }
  },
};

const ikev1InProcess: BenchCase = {
  name: 'ikev1-main-quick',
  summary: 'IKEv1 Main Mode (PSK) + Quick Mode, two endpoints in memory',
  *run(o) {
    for (const g of [GROUPS[0], GROUPS[2]]) {
      for (const pn of o.providers) {
        o.progress?.(`ikev1-main-quick ${g.label} ${pn}`);
        let pair: Ikev1Pair;
        try {
          pair = new Ikev1Pair(PROVIDERS[pn], g.proposal);
          pair.handshake();
        } catch (e) {
          yield { case: `ikev1-main-quick ${g.label}`, provider: pn, skipped: (e as Error).message };
          continue;
        }
        yield* handshakeLines(`ikev1-main-quick ${g.label}`, pn, measure(plan(o), () => pair.handshake().responderCpuMs));
      }
    }
  },
};

const codec: BenchCase = {
  name: 'codec',
  summary: 'encode and decode of an IKE_SA_INIT request (MODP-2048) and an IKE_AUTH request (outer message and plaintext chain)',
  *run(o) {
    const m = captureMessages(nodeProvider);
    for (const [name, { bytes, op }] of Object.entries(codecOperations(m))) {
      o.progress?.(`codec ${name}`);
      const samples = measureBatched(plan(o), 200, op);
      const note = `${bytes}-byte message`;
      yield result(`codec ${name}`, '-', 'rate', 'messages/s', samples.map(perSecond), note);
      yield result(`codec ${name}`, '-', 'throughput', 'MB/s', samples.map((s) => (perSecond(s) * bytes) / 1e6), note);
    }
  },
};

const keySchedule: BenchCase = {
  name: 'keys',
  summary: 'SKEYSEED and prf+ for the seven SK_* keys (RFC 7296 section 2.14), PRF_HMAC_SHA2_256',
  *run(o) {
    for (const pn of o.providers) {
      o.progress?.(`keys ${pn}`);
      const op = keyScheduleOperation(PROVIDERS[pn]);
      const samples = measureBatched(plan(o), 20, op);
      yield result('keys SKEYSEED+prf+ (sha256)', pn, 'rate', 'key schedules/s', samples.map(perSecond));
    }
  },
};

const memory: BenchCase = {
  name: 'memory',
  summary: 'memory per established IKE SA with one CHILD SA on an in-process responder (X25519, node provider)',
  async *run(o) {
    const count = o.memoryCount ?? (o.quick ? 10_000 : 100_000);
    const timeLimitMs = (o.memorySeconds ?? (o.quick ? 8 : 300)) * 1000;
    o.progress?.(`memory: ${count} IKE SAs`);
    const r = await measureMemoryPerSa({ provider: nodeProvider, count, timeLimitMs, onProgress: (n) => n % 10_000 === 0 && o.progress?.(`memory: ${n} IKE SAs up`) });
    const note = `${r.count} IKE SAs${r.stoppedByTime ? ` (stopped by the ${timeLimitMs / 1000} s limit before ${count})` : ''}; made in ${(r.elapsedMs / 1000).toFixed(1)} s`;
    const one = (metric: string, v: number) => ({ ...result('memory per IKE SA', 'node', metric, 'bytes/SA', [v], note) });
    yield one('responder heap', r.responderHeapPerSa);
    yield one('responder RSS', r.responderRssPerSa);
    yield one('initiator+responder heap', r.pairHeapPerSa);
    const gb = (r.responderRssPerSa * 100_000) / 2 ** 30;
    yield { ...result('memory per IKE SA', 'node', '100k SAs (RSS)', 'GiB', [gb], note) };
    // The deployed shape: the responder alone in its process, the initiators in this one over UDP,
    // so that no initiator state (live or freed) sits in the responder's RSS.
    if (!o.cliEntry && !/main\.(js|ts)$/.test(process.argv[1] ?? '')) {
      yield { case: 'memory per IKE SA (responder process)', skipped: 'needs the ike CLI entry script to start a responder process' };
      return;
    }
    o.progress?.(`memory: ${count} IKE SAs on \`ike bench --serve\``);
    const s = await servedMemoryRun(count, timeLimitMs, o.cliEntry, (n) => n % 10_000 === 0 && o.progress?.(`memory (responder process): ${n} IKE SAs up`));
    const servedNote = `${s.count} IKE SAs up on \`ike bench --serve\` (load generator in this process, concurrency 32, ${s.load.failed} failed)${s.load.completed < count ? ` before the ${timeLimitMs / 1000} s limit` : ''}; made in ${(s.load.elapsedMs / 1000).toFixed(1)} s`;
    const served = (metric: string, v: number, unit = 'bytes/SA') => ({ ...result('memory per IKE SA (responder process)', 'node', metric, unit, [v], servedNote) });
    yield served('heap', s.heapPerSa);
    yield served('RSS', s.rssPerSa);
    yield served('100k SAs (RSS)', (s.rssPerSa * 100_000) / 1e9, 'GB');
  },
};

/** Memory per IKE SA of `ike bench --serve` in its own process, from its SIGUSR2 reports before and after the load. */
export async function servedMemoryRun(count: number, timeLimitMs: number, cliEntry?: string[], onProgress?: (done: number) => void) {
  const [port] = await findFreeUdpPorts('127.0.0.1', 1);
  const c = ikev2BenchConfigs('aes128-sha256-x25519', 'aes128gcm16', [0, port]);
  const dir = mkdtempSync(join(tmpdir(), 'ikestack-bench-'));
  const file = join(dir, 'responder.json');
  writeFileSync(file, JSON.stringify({ ...c.responder, remote: { ...c.responder.remote, port: 500 } }));
  const responder = await spawnBenchResponder({ configFile: file, provider: 'node', entry: cliEntry, address: '127.0.0.1', port });
  try {
    const before = await responder.memory!();
    const config = { ...c.initiator, remote: { ...c.initiator.remote, address: responder.address, port: responder.port } };
    const load = await runLoad({ config, count, concurrency: 32, totalTimeoutMs: timeLimitMs, onProgress });
    const after = await responder.memory!();
    const n = after.ikeSasUp - before.ikeSasUp;
    return { count: n, heapPerSa: n ? (after.heap - before.heap) / n : NaN, rssPerSa: n ? (after.rss - before.rss) / n : NaN, load };
  } finally {
    await responder.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const responderCpu: BenchCase = {
  name: 'responder-cpu',
  summary: 'responder CPU per handshake: `ike bench --serve` in its own process, load from this one (/proc utime+stime)',
  async *run(o) {
    if (!o.cliEntry && !/main\.(js|ts)$/.test(process.argv[1] ?? '')) {
      yield { case: 'responder-cpu', skipped: 'needs the ike CLI entry script to start a responder process' };
      return;
    }
    const groups = o.quick ? [GROUPS[2]] : GROUPS;
    const providers = o.quick ? o.providers.filter((p) => p === 'node') : o.providers;
    for (const g of groups) {
      for (const pn of providers) {
        o.progress?.(`responder-cpu ${g.label} ${pn}`);
        const count = (o.quick ? 160 : 2000) / (pn === 'pure' ? 4 : 1);
        const r = await responderCpuRun(g.proposal, pn, count, 8, o.cliEntry);
        const note = `${r.load.completed}/${r.load.count} up, ${r.load.failed} failed, concurrency ${r.load.concurrency}, ${r.load.rate.toFixed(0)} SAs/s, latency p50 ${r.load.latency.p50.toFixed(1)} ms p99 ${r.load.latency.p99.toFixed(1)} ms`;
        yield result(`responder-cpu ${g.label}`, pn, 'responder cpu', 'responder cpu ms/handshake', [r.cpuMsPerHandshake], note);
      }
    }
  },
};

/** One separate-process measurement against `ike bench --serve`. */
export async function responderCpuRun(proposal: string, provider: ProviderName, count: number, concurrency: number, cliEntry?: string[]) {
  const [port] = await findFreeUdpPorts('127.0.0.1', 1);
  const c = ikev2BenchConfigs(proposal, undefined, [0, port]);
  const dir = mkdtempSync(join(tmpdir(), 'ikestack-bench-'));
  const file = join(dir, 'responder.json');
  writeFileSync(file, JSON.stringify({ ...c.responder, remote: { ...c.responder.remote, port: 500 } }));
  const responder = await spawnBenchResponder({ configFile: file, provider, entry: cliEntry, address: '127.0.0.1', port });
  try {
    return await measureResponderCpu({ responder, initiator: c.initiator, count, concurrency, warmup: Math.min(100, count / 4), totalTimeoutMs: 120_000 });
  } finally {
    await responder.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const CASES: BenchCase[] = [ikev2InProcess, ikev2Udp, ikev1InProcess, codec, keySchedule, memory, responderCpu];
