/**
 * `ike bench`: benchmarks and a load generator.
 *
 *   ike bench [--json] [--quick] [--case NAME...] [--provider pure|node|both]
 *   ike bench --target HOST:PORT --config FILE [--name NAME] --count N --concurrency C [--json] [--provider pure|node] [--timeout S] [--delete]
 *   ike bench --vs-charon [--quick] [--json]
 *   ike bench --serve --config FILE [--provider pure|node]     (the responder the responder-cpu case starts)
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { IkeConfig } from '../../config/index.js';
import { loadConfigFile } from '../../node/config-file.js';
import { startIkev2 } from '../../node/ikev2-node.js';
import { CASES, PROVIDERS, type ProviderName } from '../../node/bench/cases.js';
import { runLoad, type LoadResult } from '../../node/bench/loadgen.js';
import { fullGc } from '../../node/bench/memory.js';
import { isSkip, round, type BenchLine, type BenchResult } from '../../node/bench/stats.js';

const USAGE = `usage:
  ike bench [--json] [--quick] [--case NAME...] [--provider pure|node|both] [--memory-count N] [--memory-seconds S]
  ike bench --target HOST:PORT --config FILE [--name NAME] --count N --concurrency C [--json] [--provider pure|node] [--timeout S] [--delete]
  ike bench --vs-charon [--quick] [--json]
  ike bench --serve --config FILE [--provider pure|node]
cases: ${CASES.map((c) => c.name).join(', ')}`;

export async function run(args: string[]): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        json: { type: 'boolean', default: false },
        quick: { type: 'boolean', default: false },
        case: { type: 'string', multiple: true },
        provider: { type: 'string' },
        'memory-count': { type: 'string' },
        'memory-seconds': { type: 'string' },
        target: { type: 'string' },
        config: { type: 'string', short: 'c' },
        name: { type: 'string' },
        count: { type: 'string', default: '1000' },
        concurrency: { type: 'string', default: '16' },
        timeout: { type: 'string', default: '300' },
        delete: { type: 'boolean', default: false },
        serve: { type: 'boolean', default: false },
        'vs-charon': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    console.error(`ike bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const o = v.values;
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  if (o.serve) return serve(o.config, o.provider);
  if (o.target !== undefined) return load(o);
  if (o['vs-charon']) return vsCharon(args);
  return suite({ ...o, cases: [...(o.case ?? []), ...v.positionals] });
}

function providerList(p: string | undefined): ProviderName[] | string {
  if (p === undefined || p === 'both') return ['node', 'pure'];
  if (p === 'node' || p === 'pure') return [p];
  return `--provider must be pure, node or both`;
}

async function suite(o: { json: boolean; quick: boolean; cases: string[]; provider?: string; 'memory-count'?: string; 'memory-seconds'?: string }): Promise<number> {
  const providers = providerList(o.provider);
  if (typeof providers === 'string') {
    console.error(`ike bench: ${providers}`);
    return 2;
  }
  const unknown = o.cases.filter((n) => !CASES.some((c) => c.name === n || c.name.startsWith(n)));
  if (unknown.length) {
    console.error(`ike bench: unknown case ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const chosen = o.cases.length ? CASES.filter((c) => o.cases.some((n) => c.name === n || c.name.startsWith(n))) : CASES;
  const memoryCount = o['memory-count'] !== undefined ? Number(o['memory-count']) : undefined;
  if (memoryCount !== undefined && !(memoryCount >= 1)) {
    console.error('ike bench: --memory-count must be a positive number');
    return 2;
  }
  const memorySeconds = o['memory-seconds'] !== undefined ? Number(o['memory-seconds']) : undefined;
  if (memorySeconds !== undefined && !(memorySeconds > 0)) {
    console.error('ike bench: --memory-seconds must be a positive number');
    return 2;
  }
  const lines: BenchLine[] = [];
  const progress = o.json ? undefined : (t: string) => process.stderr.write(`  ${t}...\n`);
  let failed = 0;
  for (const c of chosen) {
    if (!o.json) console.log(`# ${c.name}: ${c.summary}`);
    try {
      for await (const line of c.run({ quick: o.quick, providers, memoryCount, memorySeconds, progress })) {
        lines.push(line);
        if (o.json) console.log(JSON.stringify(jsonLine(line)));
      }
    } catch (err) {
      failed++;
      const line = { case: c.name, skipped: `failed: ${(err as Error).message}` };
      lines.push(line);
      if (o.json) console.log(JSON.stringify(line));
    }
  }
  if (!o.json) console.log(table(lines));
  return failed ? 1 : 0;
}

function jsonLine(l: BenchLine): BenchLine {
  if (isSkip(l)) return l;
  return { ...l, value: round(l.value), min: round(l.min), median: round(l.median), max: round(l.max) };
}

/** The readable table: one row per result, skips at the end. */
export function table(lines: BenchLine[]): string {
  const rows = lines.filter((l): l is BenchResult => !isSkip(l));
  const head = ['case', 'provider', 'median', 'min', 'max', 'unit', 'runs'];
  // Rows that share case, provider and unit are told apart by their metric.
  const key = (r: BenchResult) => `${r.case}|${r.provider}|${r.unit}`;
  const shared = new Set(rows.filter((r, i) => rows.findIndex((x) => key(x) === key(r)) !== i).map(key));
  const cells = rows.map((r) => [shared.has(key(r)) ? `${r.case}: ${r.metric}` : r.case, r.provider, fmt(r.median), fmt(r.min), fmt(r.max), r.unit, String(r.runs)]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = new Set([2, 3, 4, 6]);
  const line = (c: string[]) => c.map((x, i) => (right.has(i) ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.case} (${r.provider}): ${r.note}`);
  const uniqueNotes = [...new Set(notes)];
  if (uniqueNotes.length) out.push('', 'notes:', ...uniqueNotes);
  const skips = lines.filter(isSkip);
  if (skips.length) out.push('', 'skipped:', ...skips.map((s) => `  ${s.case}${s.provider ? ` (${s.provider})` : ''}: ${s.skipped}`));
  return out.join('\n');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const r = round(v);
  return Math.abs(r) >= 1000 ? Math.round(r).toLocaleString('en-US') : String(r);
}

/** `--target`: the load generator against any responder. */
async function load(o: { target?: string; config?: string; name?: string; count: string; concurrency: string; timeout: string; json: boolean; provider?: string; delete: boolean }): Promise<number> {
  const m = /^(.+):(\d+)$/.exec(o.target ?? '');
  if (!m) {
    console.error(`ike bench: --target must be HOST:PORT\n${USAGE}`);
    return 2;
  }
  const host = m[1].replace(/^\[(.*)\]$/, '$1');
  const port = Number(m[2]);
  const count = Number(o.count);
  const concurrency = Number(o.concurrency);
  const timeout = Number(o.timeout);
  if (!o.config) {
    console.error(`ike bench: --target needs --config FILE (the initiator's config)\n${USAGE}`);
    return 2;
  }
  if (!(count >= 1) || !(concurrency >= 1) || !(timeout > 0) || !(port > 0 && port < 65536)) {
    console.error('ike bench: --count, --concurrency and --timeout must be positive, the port 1-65535');
    return 2;
  }
  if (o.provider !== undefined && o.provider !== 'node' && o.provider !== 'pure') {
    console.error('ike bench: --target takes --provider pure or node (default node)');
    return 2;
  }
  const provider = PROVIDERS[o.provider === 'pure' ? 'pure' : 'node'];
  let configs: IkeConfig[];
  try {
    configs = await loadConfigFile(o.config);
  } catch (err) {
    console.error(`ike bench: ${(err as Error).message}`);
    return 1;
  }
  const base = o.name === undefined ? configs[0] : configs.find((c) => c.name === o.name);
  if (!base) {
    console.error(`ike bench: no config named ${o.name} in ${o.config}`);
    return 1;
  }
  const config: IkeConfig = { ...base, remote: { ...base.remote, address: host, port } };
  const r = await runLoad({
    config,
    count,
    concurrency,
    provider,
    totalTimeoutMs: timeout * 1000,
    deleteAtEnd: o.delete,
    onProgress: o.json ? undefined : (d, f) => process.stderr.write(`  ${d} up, ${f} failed\n`),
  });
  console.log(o.json ? JSON.stringify(r) : formatLoad(r));
  return r.failed ? 1 : 0;
}

export function formatLoad(r: LoadResult): string {
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const lines = [
    `target        ${r.target}`,
    `IKE SAs       ${r.completed} up, ${r.failed} failed of ${r.count} (concurrency ${r.concurrency})`,
    `elapsed       ${(r.elapsedMs / 1000).toFixed(2)} s`,
    `rate          ${r.rate.toFixed(1)} IKE SAs/s`,
    `latency       min ${ms(r.latency.min)}  p50 ${ms(r.latency.p50)}  p90 ${ms(r.latency.p90)}  p99 ${ms(r.latency.p99)}  max ${ms(r.latency.max)}`,
    `datagrams     ${r.sent} sent, ${r.received} received${r.socketErrors ? `, ${r.socketErrors} socket errors` : ''}`,
  ];
  for (const [why, n] of Object.entries(r.failures)) lines.push(`failure       ${n} x ${why}`);
  return lines.join('\n');
}

/**
 * `--serve`: a responder that prints nothing per SA (printing costs CPU the measurement should not
 * see), for the responder-cpu case. Stops on SIGTERM/SIGINT without deleting its SAs.
 */
async function serve(configFile: string | undefined, providerName: string | undefined): Promise<number> {
  if (!configFile) {
    console.error(`ike bench: --serve needs --config FILE\n${USAGE}`);
    return 2;
  }
  const configs = await loadConfigFile(configFile);
  const node = await startIkev2({ configs, provider: PROVIDERS[providerName === 'pure' ? 'pure' : 'node'] });
  let up = 0;
  node.on('ike-sa-up', () => up++);
  // SIGUSR2: full collections, then the heap and RSS on stdout (the memory case's separate-process figure).
  process.on('SIGUSR2', () => {
    setTimeout(() => {
      const gc = fullGc();
      for (let i = 0; i < 3; i++) gc();
      const m = process.memoryUsage();
      console.log(JSON.stringify({ event: 'memory', ikeSasUp: up, heap: m.heapUsed + m.external, rss: m.rss }));
    }, 0);
  });
  console.log(JSON.stringify({ event: 'listening', addresses: node.transport.bound }));
  await new Promise<void>((r) => {
    process.once('SIGTERM', () => r());
    process.once('SIGINT', () => r());
  });
  console.error(JSON.stringify({ event: 'served', ikeSasUp: up, cpu: process.cpuUsage() }));
  node.transport.close();
  return 0;
}

/**
 * `--vs-charon` lives in bench/vs-charon.ts (it starts charon with the test harness), run with tsx
 * from a source checkout; an installed package has neither.
 */
async function vsCharon(args: string[]): Promise<number> {
  const here = dirname(fileURLToPath(import.meta.url));
  const roots = [resolve(here, '../../..'), resolve(here, '../..'), process.cwd()];
  const root = roots.find((r) => existsSync(join(r, 'bench', 'vs-charon.ts')));
  if (!root) {
    console.log('ike bench --vs-charon: skipped: needs a source checkout (bench/vs-charon.ts and the charon test harness)');
    return 0;
  }
  const rest = args.filter((a) => a !== '--vs-charon');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench', 'vs-charon.ts'), ...rest], { cwd: root, stdio: 'inherit' });
  return new Promise((r) => child.once('exit', (code) => r(code ?? 1)));
}
