/**
 * `ike bench --vs-charon` (run with tsx from a source checkout: it starts charon with the interop
 * test harness): the same load generator against `ike bench --serve` and against strongSwan's
 * charon, each responder in its own process, and each one's CPU time per completed handshake from
 * /proc/<pid>/stat (utime + stime, all threads), with the ratio.
 *
 *   node --import tsx bench/vs-charon.ts [--quick] [--json] [--count N] [--concurrency C] [--provider node|pure]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseConfig, type IkeConfig } from '../src/config/index.js';
import { GROUPS, type ProviderName } from '../src/node/bench/cases.js';
import { measureResponderCpu, spawnBenchResponder, type ResponderCpuResult, type ResponderUnderTest } from '../src/node/bench/responder.js';
import { round } from '../src/node/bench/stats.js';
import { charonAvailable, freePorts, startCharon } from '../test/helpers/charon.js';

const ADDRESS = '127.0.0.1';
const PSK = 'benchmark pre-shared key';
/** kernel-libipsec installs CHILD SAs whose local selector is the loopback host (test/interop/fixture.ts). */
const RESPONDER_TS = '127.0.0.1/32';
const INITIATOR_TS = '10.1.0.0/16';
const ESP = 'aes128gcm16';

function initiatorConfig(proposal: string, ports: { ike: number; natt: number; peer: number }): IkeConfig {
  return parseConfig({
    version: 2,
    name: 'load',
    local: { address: ADDRESS, port: ports.ike, nattPort: ports.natt, id: 'fqdn:alice.bench' },
    remote: { address: ADDRESS, port: ports.peer, id: 'fqdn:bob.bench' },
    psk: PSK,
    ike: { proposals: [proposal], lifetime: 86400 },
    child: { proposals: [ESP], localTs: [INITIATOR_TS], remoteTs: [RESPONDER_TS], mode: 'tunnel', lifetime: 86400 },
  });
}

/** Our responder: `ike bench --serve` with the mirror of the initiator's config. */
async function startOurs(proposal: string, provider: ProviderName, port: number, natt: number, dir: string): Promise<ResponderUnderTest> {
  const file = join(dir, `responder-${port}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      version: 2,
      name: 'bench',
      local: { address: ADDRESS, port, nattPort: natt, id: 'fqdn:bob.bench' },
      remote: { address: ADDRESS, port: 500, id: 'fqdn:alice.bench' },
      psk: PSK,
      ike: { proposals: [proposal], lifetime: 86400 },
      child: { proposals: [ESP], localTs: [RESPONDER_TS], remoteTs: [INITIATOR_TS], mode: 'tunnel', lifetime: 86400 },
    }),
  );
  const entry = ['--import', 'tsx', resolve(import.meta.dirname ?? '.', '../src/cli/main.ts')];
  return spawnBenchResponder({ configFile: file, provider, entry, address: ADDRESS, port });
}

/**
 * charon as responder. Its per-peer limits are lifted (block_threshold, cookie_threshold and
 * init_limit_half_open all act on many half-open SAs from one address, which is what a load
 * generator is) and its log is cut to level 0, as our responder prints nothing per SA.
 */
async function startTheirs(proposal: string, port: number, natt: number, peerPort: number): Promise<ResponderUnderTest> {
  const charon = await startCharon({
    name: 'bench',
    port,
    nattPort: natt,
    logLevel: 0,
    extraConf: [
      'block_threshold = 1000000',
      'cookie_threshold = 1000000',
      'init_limit_half_open = 0',
      'filelog {',
      'interop {',
      'default = 0',
      'ike = 0',
      'net = 0',
      'cfg = 0',
      'chd = 0',
      '}',
      '}',
    ].join('\n'),
    conns: [
      {
        name: 'bench',
        localAddrs: [ADDRESS],
        remoteAddrs: [ADDRESS],
        remotePort: peerPort,
        proposals: [proposal],
        localId: 'bob.bench',
        remoteId: 'alice.bench',
        psk: PSK,
        children: [{ name: 'net', localTs: [RESPONDER_TS], remoteTs: [INITIATOR_TS], espProposals: [ESP] }],
      },
    ],
  });
  // charon writes no PID file; ours is the one whose environment names this instance's strongswan.conf.
  const pids = pidsWithEnv(`STRONGSWAN_CONF=${join(charon.dir, 'strongswan.conf')}`).filter((pid) => commOf(pid) === 'charon-systemd');
  if (pids.length !== 1) {
    await charon.stop();
    throw new Error(`expected one charon-systemd process for ${charon.dir}, found ${pids.length}`);
  }
  return { name: 'charon', pid: pids[0], address: ADDRESS, port, stop: () => charon.stop() };
}

function pidsWithEnv(entry: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`, 'latin1').split('\0').includes(entry)) out.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

interface Row {
  group: string;
  ours: ResponderCpuResult;
  charon: ResponderCpuResult;
}

async function main(): Promise<number> {
  const { values: o } = parseArgs({
    args: process.argv.slice(2),
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      count: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      provider: { type: 'string', default: 'node' },
    },
    strict: true,
  });
  const skip = (why: string) => {
    console.log(o.json ? JSON.stringify({ case: 'vs-charon', skipped: why }) : `ike bench --vs-charon: skipped: ${why}`);
    return 0;
  };
  if (!charonAvailable()) return skip('charon-systemd or swanctl is not installed (scripts/ci-install-strongswan.sh)');
  if (process.platform !== 'linux') return skip('responder CPU is read from /proc');
  const provider: ProviderName = o.provider === 'pure' ? 'pure' : 'node';
  const count = Number(o.count ?? (o.quick ? 300 : 2000));
  const concurrency = Number(o.concurrency);
  const groups = o.quick ? [GROUPS[2]] : GROUPS;
  const dir = mkdtempSync(join(tmpdir(), 'ikestack-vs-charon-'));
  const rows: Row[] = [];
  try {
    for (const g of groups) {
      const [ike, natt, port, portNatt] = await freePorts(4, [ADDRESS]);
      const initiator = initiatorConfig(g.proposal, { ike, natt, peer: port });
      const measure = async (r: ResponderUnderTest) => {
        try {
          return await measureResponderCpu({ responder: r, initiator, count, concurrency, warmup: Math.min(100, count / 4), totalTimeoutMs: 300_000 });
        } finally {
          await r.stop();
        }
      };
      if (!o.json) process.stderr.write(`  ${g.label}: ikestack (${provider})...\n`);
      const ours = await measure(await startOurs(g.proposal, provider, port, portNatt, dir));
      if (!o.json) process.stderr.write(`  ${g.label}: charon...\n`);
      const charon = await measure(await startTheirs(g.proposal, port, portNatt, ike));
      rows.push({ group: g.label, ours, charon });
      if (o.json) {
        for (const r of [ours, charon]) {
          const v = round(r.cpuMsPerHandshake);
          const l = r.load;
          console.log(JSON.stringify({ case: `vs-charon ${g.label}`, provider: r.responder, metric: 'responder cpu', value: v, unit: 'responder cpu ms/handshake', min: v, median: v, max: v, runs: 1, completed: l.completed, failed: l.failed, rate: round(l.rate), p50: round(l.latency.p50), p99: round(l.latency.p99) }));
        }
        console.log(JSON.stringify({ case: `vs-charon ${g.label}`, provider: `ikestack (${provider}) / charon`, metric: 'ratio', value: round(ours.cpuMsPerHandshake / charon.cpuMsPerHandshake), unit: 'x', runs: 1 }));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!o.json) {
    console.log(`responder CPU per IKEv2 PSK handshake (one CHILD SA), ${count} IKE SAs, concurrency ${concurrency}, load generator in this process`);
    const head = ['group', `ikestack (${provider}) ms`, 'charon ms', 'ratio', 'ikestack SAs/s', 'charon SAs/s', 'failed (ours/charon)'];
    const cells = rows.map((r) => [
      r.group,
      r.ours.cpuMsPerHandshake.toFixed(3),
      r.charon.cpuMsPerHandshake.toFixed(3),
      (r.ours.cpuMsPerHandshake / r.charon.cpuMsPerHandshake).toFixed(2),
      r.ours.load.rate.toFixed(0),
      r.charon.load.rate.toFixed(0),
      `${r.ours.load.failed}/${r.charon.load.failed}`,
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    for (const c of [head, w.map((n) => '-'.repeat(n)), ...cells]) console.log(c.map((x, i) => (i ? x.padStart(w[i]) : x.padEnd(w[i]))).join('  '));
  }
  return rows.some((r) => r.ours.load.failed || r.charon.load.failed) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
