/**
 * npm run fuzz -- --execs N --seed S [--provider node|pure] [--states a,b] [--slow-ms 200] [--heap-mb 768] [--ikev1-execs M]
 *
 * With --ikev1-execs, M more inputs go to the IKEv1 fuzzer (fuzz/ikev1.ts) after the IKEv2 run.
 * Mutation fuzzing of the IKEv2 receive path (see engine.ts). Seeds: the datagrams of real
 * exchanges from the in-memory harness, plus the IKE messages of the Wireshark captures in
 * IKESTACK_WIRESHARK_DIR. Findings go to fuzz/findings/ as JSON (replay with fuzz/replay.ts);
 * the exit code is 1 when there are any.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { nodeProvider } from '../src/node/crypto/provider.js';
import { pureProvider } from '../src/crypto/pure.js';
import { captureSeeds } from './captures.js';
import { runFuzz, type FuzzResult } from './engine.js';
import { runFuzzV1 } from './ikev1.js';
import { STATES, type StateName } from './ikev2-targets.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const here = dirname(fileURLToPath(import.meta.url));
const execs = Number(arg('execs') ?? 100_000);
const seed = Number(arg('seed') ?? 1);
const provider = arg('provider') === 'pure' ? pureProvider : nodeProvider;
const states = (arg('states')?.split(',') ?? [...STATES]) as StateName[];
for (const s of states) if (!STATES.includes(s)) throw new Error(`unknown state ${s}; states: ${STATES.join(', ')}`);
const wiresharkDir = process.env.IKESTACK_WIRESHARK_DIR ?? resolve(here, '../../shared/vectors/wireshark');
const extraSeeds = process.argv.includes('--no-captures') ? [] : captureSeeds(existsSync(wiresharkDir) ? wiresharkDir : undefined);

const line = (r: FuzzResult) =>
  `${r.execs} execs, ${r.execsPerSec.toFixed(0)}/s, ${r.resealed} re-sealed, ${r.rebuilds} rebuilds, ${Object.values(r.findingCounts).reduce((a, b) => a + b, 0)} findings, slowest ${r.slowestMs.toFixed(1)} ms (${r.slowRetimed} retimed fast), heap max ${r.heapMaxMb.toFixed(0)} MB`;
const dir = join(here, 'findings');
mkdirSync(dir, { recursive: true });
console.error(`fuzzing ${execs} inputs, seed ${seed}, provider ${provider.name}, ${extraSeeds.length} capture seeds`);
const result = runFuzz({
  execs,
  seed,
  provider,
  states,
  extraSeeds,
  slowMs: Number(arg('slow-ms') ?? 200),
  heapLimitMb: Number(arg('heap-mb') ?? 768),
  progressEvery: 50_000,
  onProgress: (r) => console.error(line(r)),
  onFinding: (f) => {
    writeFileSync(join(dir, `seed${seed}-exec${f.exec}-${f.kind}-${f.state}.json`), JSON.stringify(f, null, 2));
    console.error(`finding: ${f.kind} in ${f.state}/${f.variant}: ${f.detail.slice(0, 200)}`);
  },
});
console.error(line(result));
console.log(JSON.stringify({ seed, provider: provider.name, execs: result.execs, execsPerSec: Math.round(result.execsPerSec), resealed: result.resealed, rebuilds: result.rebuilds, elapsedMs: Math.round(result.elapsedMs), perState: result.perState, slowestMs: +result.slowestMs.toFixed(1), slowRetimed: result.slowRetimed, heapMaxMb: Math.round(result.heapMaxMb), findingCounts: result.findingCounts, reached: result.reached }, null, 2));
let v1Findings = 0;
const v1Execs = Number(arg('ikev1-execs') ?? 0);
if (v1Execs > 0) {
  const v1 = runFuzzV1({ execs: v1Execs, seed, provider });
  v1Findings = v1.findings.length;
  v1.findings.forEach((f) => writeFileSync(join(dir, `ikev1-seed${seed}-exec${f.exec}-${f.kind}.json`), JSON.stringify(f, null, 2)));
  console.log(JSON.stringify({ ikev1: { execs: v1.execs, execsPerSec: Math.round(v1.execsPerSec), rebuilds: v1.rebuilds, findings: v1.findings.length, observationCounts: v1.observationCounts, observations: v1.observations.map((o) => ({ mode: o.mode, message: o.message, detail: o.detail.slice(0, 160) })) } }, null, 2));
}
process.exitCode = result.findings.length || v1Findings ? 1 : 0;
