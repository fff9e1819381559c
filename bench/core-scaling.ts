/**
 * Whether the sans-IO IKEv2 core scales with cores when nothing else competes for them: T worker
 * threads each run in-memory IKEv2 PSK handshakes (IKE_SA_INIT + IKE_AUTH with one CHILD SA, both
 * sides in the thread, node provider) for a fixed time; the total rate for 1, 2, ... threads.
 * No sockets and no load generator process, so on a 2-core machine both cores can go to the
 * protocol work (the UDP figures in docs/multicore.md need a core for the load generator).
 *
 *   node --import tsx bench/core-scaling.ts [--threads 1,2] [--seconds 5] [--group x25519|modp2048|ecp256] [--json]
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Ikev2Pair } from '../src/node/bench/in-memory.js';
import { nodeProvider } from '../src/node/crypto/index.js';

const PROPOSALS: Record<string, string> = { x25519: 'aes128-sha256-x25519', modp2048: 'aes128-sha256-modp2048', ecp256: 'aes128-sha256-ecp256' };

interface Job {
  proposal: string;
  ms: number;
}

function work(job: Job): { handshakes: number; ms: number; cpuMs: number } {
  const pair = new Ikev2Pair(nodeProvider, job.proposal);
  // JIT warm-up, not counted.
  for (let i = 0; i < 200; i++) pair.handshake();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < job.ms) {
    pair.handshake();
    n++;
  }
  const c = process.cpuUsage(c0);
  return { handshakes: n, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

if (!isMainThread) {
  parentPort!.postMessage(work(workerData as Job));
} else {
  const { values: v } = parseArgs({
    options: {
      threads: { type: 'string', default: '1,2' },
      seconds: { type: 'string', default: '5' },
      group: { type: 'string', default: 'x25519' },
      json: { type: 'boolean', default: false },
    },
  });
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const proposal = PROPOSALS[v.group!];
  if (!proposal) throw new Error(`--group is one of ${Object.keys(PROPOSALS).join(', ')}`);
  for (const threads of v.threads!.split(',').map(Number)) {
    const job: Job = { proposal, ms: Number(v.seconds) * 1000 };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: threads }, () => new Promise<ReturnType<typeof work>>((resolve, reject) => {
        // This file is TypeScript: the worker loads it through tsx's API, as src/node/cluster does.
        const code = `import(${JSON.stringify(tsxApi)}).then((m) => m.tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
        const w = new Worker(code, { eval: true, workerData: job });
        w.once('message', resolve);
        w.once('error', reject);
      })),
    );
    // Process CPU (every thread: the workers, their GC and compiler threads) over the whole run, warm-up included.
    const c = process.cpuUsage(c0);
    const cores = (c.user + c.system) / 1000 / (performance.now() - t0);
    const rate = results.reduce((s, r) => s + (r.handshakes * 1000) / r.ms, 0);
    const row = { group: v.group, threads, handshakesPerSecond: Math.round(rate), perThread: results.map((r) => Math.round((r.handshakes * 1000) / r.ms)), coresUsed: Number(cores.toFixed(2)) };
    console.log(v.json ? JSON.stringify(row) : `${v.group} ${threads} thread${threads > 1 ? 's' : ' '}  ${row.handshakesPerSecond} handshakes/s (both sides)  per thread ${row.perThread.join(', ')}  cores used ${row.coresUsed}`);
  }
}
