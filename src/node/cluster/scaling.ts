/**
 * How the responder scales with worker threads: a responder in this process (startIkev2, then
 * startIkev2Cluster with 1, 2, ... workers) answers the load generator (`ike bench --target`) run
 * in child processes; for each setup the handshake rate and the responder's CPU time per IKE SA
 * (process.cpuUsage: every thread of this process). Figures for docs/multicore.md; run from a
 * source checkout:
 *
 *   node --import tsx src/node/cluster/scaling.ts [--groups x25519,modp2048] [--workers 1,2]
 *     [--count N] [--concurrency C] [--loaders L] [--repeat R] [--warmup N] [--json]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, type IkeConfig } from '../../config/index.js';
import { startIkev2 } from '../ikev2-node.js';
import { findFreeUdpPorts } from '../transport.js';
import { startIkev2Cluster } from './cluster.js';

interface LoadResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  failures: Record<string, number>;
}

export interface ScalingRow {
  group: string;
  /** 0: startIkev2 on the main thread; N: startIkev2Cluster with N workers. */
  workers: number;
  completed: number;
  failed: number;
  /** Completed IKE SAs per second of wall time, all loaders together. */
  rate: number;
  /** Responder CPU milliseconds (user + system, all threads) per completed IKE SA. */
  cpuMsPerSa: number;
  /** Responder CPU time over the load's elapsed time: how many cores it kept busy. */
  cores: number;
  /** Each worker's busy event-loop time over the load's elapsed time (0 to 1). */
  workerBusy: number[];
}

function configs(group: string, port: number, nattPort: number, loaderPorts: (readonly [number, number])[]): { responder: IkeConfig; initiators: IkeConfig[] } {
  const ike = { proposals: [`aes128gcm16-prfsha256-${group}`], lifetime: 3600 };
  const child = { proposals: ['aes128gcm16'], mode: 'tunnel' as const, lifetime: 1200 };
  const responder = parseConfig({
    version: 2,
    name: 'responder',
    local: { address: '127.0.0.1', port, nattPort, id: 'fqdn:responder.example' },
    remote: { address: '127.0.0.1', port: 500, id: 'fqdn:loader.example' },
    psk: 'scaling-test-psk',
    ike,
    child: { ...child, localTs: ['10.2.0.0/16'], remoteTs: ['10.1.0.0/16'] },
  });
  const initiators = loaderPorts.map(([p, pn]) =>
    parseConfig({
      version: 2,
      name: 'loader',
      local: { address: '127.0.0.1', port: p, nattPort: pn, id: 'fqdn:loader.example' },
      remote: { address: '127.0.0.1', port, nattPort, id: 'fqdn:responder.example' },
      psk: 'scaling-test-psk',
      ike,
      child: { ...child, localTs: ['10.1.0.0/16'], remoteTs: ['10.2.0.0/16'] },
    }),
  );
  return { responder, initiators };
}

function loader(main: string, file: string, port: number, count: number, concurrency: number): Promise<LoadResult> {
  return new Promise((res, rej) => {
    const args = ['--import', 'tsx', main, 'bench', '--target', `127.0.0.1:${port}`, '--config', file, '--count', String(count), '--concurrency', String(concurrency), '--json', '--timeout', '600'];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += String(d)));
    p.stderr.on('data', (d) => (err += String(d)));
    p.on('exit', () => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        res(JSON.parse(line) as LoadResult);
      } catch {
        rej(new Error(`load generator: ${err || out}`));
      }
    });
  });
}

export async function measure(o: { group: string; workers: number; count: number; concurrency: number; loaders: number; warmup: number }): Promise<ScalingRow> {
  const [port, nattPort, ...free] = await findFreeUdpPorts('127.0.0.1', 2 + 2 * o.loaders);
  const loaderPorts = Array.from({ length: o.loaders }, (_, k) => [free[2 * k], free[2 * k + 1]] as const);
  const { responder, initiators } = configs(o.group, port, nattPort, loaderPorts);
  const dir = mkdtempSync(join(tmpdir(), 'ike-scaling-'));
  const files = initiators.map((c, k) => {
    const file = join(dir, `loader-${k}.json`);
    writeFileSync(file, JSON.stringify(c));
    return file;
  });
  const server = o.workers === 0 ? await startIkev2({ configs: [responder] }) : await startIkev2Cluster({ configs: [responder], workers: o.workers, provider: 'node' });
  try {
    const main = resolve('src/cli/main.ts');
    const per = Math.ceil(o.count / o.loaders);
    // Fresh workers run cold code: a first load, not measured, warms up their JIT.
    if (o.warmup > 0) await Promise.all(files.map((file) => loader(main, file, port, Math.ceil(o.warmup / o.loaders), o.concurrency)));
    const cpu0 = process.cpuUsage();
    const elu0 = 'utilization' in server ? server.utilization() : undefined;
    const results = await Promise.all(files.map((file) => loader(main, file, port, per, o.concurrency)));
    const cpu = process.cpuUsage(cpu0);
    const busy = 'utilization' in server ? server.utilization(elu0).map((u) => u.active) : [];
    const completed = results.reduce((n, r) => n + r.completed, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    // The loaders' own time, without their start-up (tsx, worker-free): the longest run.
    const elapsed = Math.max(...results.map((r) => r.elapsedMs));
    return {
      group: o.group,
      workers: o.workers,
      completed,
      failed,
      rate: completed / (elapsed / 1000),
      cpuMsPerSa: completed ? (cpu.user + cpu.system) / 1000 / completed : Number.NaN,
      // Over the loaders' own elapsed time, which leaves out their start-up (idle here).
      cores: (cpu.user + cpu.system) / 1000 / elapsed,
      workerBusy: busy.map((active) => active / elapsed),
    };
  } finally {
    await server.close({ graceMs: 0 });
  }
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      groups: { type: 'string', default: 'x25519,modp2048' },
      workers: { type: 'string', default: '0,1,2' },
      count: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '32' },
      loaders: { type: 'string', default: '1' },
      repeat: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    },
  });
  const rows: ScalingRow[] = [];
  for (const group of v.groups.split(',')) {
    for (let k = 0; k < Number(v.repeat); k++) {
      for (const workers of v.workers.split(',').map(Number)) {
        const count = group.startsWith('modp') ? Math.ceil(Number(v.count) / 4) : Number(v.count);
        const row = await measure({ group, workers, count, concurrency: Number(v.concurrency), loaders: Number(v.loaders), warmup: Number(v.warmup) });
        rows.push(row);
        console.log(v.json ? JSON.stringify(row) : `${group.padEnd(9)} ${workers === 0 ? 'main thread' : `${workers} worker${workers > 1 ? 's' : ' '}  `}  ${row.rate.toFixed(0).padStart(6)} IKE SAs/s  ${row.cpuMsPerSa.toFixed(2)} ms CPU/SA  ${row.cores.toFixed(2)} cores${row.workerBusy.length ? ` (workers busy ${row.workerBusy.map((b) => `${Math.round(b * 100)}%`).join(' ')})` : ''}  (${row.completed} up, ${row.failed} failed)`);
      }
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
