/**
 * IKEv1 receive-path fuzzing (RFC 2409): real Main Mode and Aggressive Mode exchanges with a
 * Quick Mode (PFS) and a Delete (RFC 2408 section 3.15) are recorded with the IKEv1
 * harness (test/ikev1/harness.ts); for each message, a fresh pair replayed up to it is the
 * target and the message the seed. Inputs are raw, header and payload-chain mutations (the
 * encrypted ones are not re-sealed: their HASH payloads would need recomputing, RFC 2409
 * section 5.5). Oracles (findings): receive() returns, no internal error, bounded status().
 * Observations, reported but not failures: an encrypted message that no real exchange sent and
 * that still changed an ISAKMP SA. IKEv1 has no ICV (the HASH payloads cover chosen fields
 * only), so some of these are the protocol's; docs/robustness.md lists the classes.
 */
import { performance } from 'node:perf_hooks';
import type { CryptoProvider } from '../src/crypto/provider.js';
import { Ikev1Endpoint, type Datagram, type OutputV1 } from '../src/ikev1/index.js';
import { toHex } from '../src/util/bytes.js';
import { config, seededRandom, Wire, type Peer } from '../test/ikev1/harness.js';
import { addToPool, mutateDatagram, parseChain, type SplicePool } from './mutate.js';
import { Rng } from './rng.js';

export interface FindingV1 {
  kind: 'throw' | 'internal-error' | 'unauthenticated-change' | 'invariant';
  mode: string;
  message: number;
  detail: string;
  input: string;
  exec: number;
}

export interface FuzzResultV1 {
  /** Unauthenticated changes, one per class (see the module comment). */
  observations: FindingV1[];
  observationCounts: Record<string, number>;
  execs: number;
  rebuilds: number;
  elapsedMs: number;
  execsPerSec: number;
  findings: FindingV1[];
  perMessage: Record<string, number>;
}

type Mode = 'main' | 'aggressive';

function makePair(provider: CryptoProvider, mode: Mode, seed: string) {
  const wire = new Wire();
  const c = { mode, ike: { proposals: ['aes128-sha256-modp2048'] }, child: { proposals: ['aes128-sha1'], pfs: 'modp2048' } };
  const aliceCfg = config({ local: '192.0.2.1', remote: '192.0.2.2', ...c });
  const bobCfg = config({ local: '192.0.2.2', remote: '192.0.2.1', ...c, child: { ...c.child, localTs: ['10.2.0.0/24'], remoteTs: ['10.1.0.0/24'] } });
  const alice = wire.add('alice', '192.0.2.1', new Ikev1Endpoint({ provider, configs: [aliceCfg], random: seededRandom(`${seed}/alice`) }));
  const bob = wire.add('bob', '192.0.2.2', new Ikev1Endpoint({ provider, configs: [bobCfg], random: seededRandom(`${seed}/bob`) }));
  return { wire, alice, bob };
}

/** The scripted run: phase 1, Quick Mode, a liveness check from Bob when his config runs DPD, Delete of the IPsec SA. */
function script(p: ReturnType<typeof makePair>, stopAfter: number): void {
  let delivered = 0;
  p.wire.opts.filter = () => delivered++ < stopAfter;
  const steps: Array<() => OutputV1 | undefined> = [
    () => p.alice.endpoint.initiate(undefined, p.wire.now),
    () => {
      const sa = p.alice.endpoint.status().find((s) => s.state === 'ESTABLISHED');
      return sa ? p.alice.endpoint.startQuickMode(sa.ikeSaId, p.wire.now) : undefined;
    },
    () => {
      const sa = p.bob.endpoint.status().find((s) => s.state === 'ESTABLISHED');
      return sa ? p.bob.endpoint.checkLiveness(sa.ikeSaId, p.wire.now) : undefined;
    },
    () => {
      const child = p.alice.endpoint.status()[0]?.children?.[0];
      return child ? p.alice.endpoint.deleteIpsecSa(child.childSaId, p.wire.now) : undefined;
    },
  ];
  for (const step of steps) {
    if (delivered >= stopAfter) return;
    const from = step === steps[2] ? p.bob : p.alice;
    const out = step();
    if (out) p.wire.apply(from, out);
    p.wire.pump();
  }
}

interface Recorded {
  to: 'alice' | 'bob';
  d: Datagram;
}

export function record(provider: CryptoProvider, mode: Mode, seed: string): Recorded[] {
  const p = makePair(provider, mode, seed);
  script(p, Infinity);
  return p.wire.log.map((l) => ({ to: l.from === 'alice' ? 'bob' : 'alice', d: l.d }));
}

function target(provider: CryptoProvider, mode: Mode, seed: string, log: Recorded[], n: number): Peer {
  const p = makePair(provider, mode, seed);
  script(p, n);
  return log[n].to === 'alice' ? p.alice : p.bob;
}

export function runFuzzV1(o: { execs: number; seed: number; provider: CryptoProvider }): FuzzResultV1 {
  const rng = new Rng(o.seed);
  const started = performance.now();
  const logs = new Map<Mode, Recorded[]>();
  const real = new Set<string>();
  const pool: SplicePool = new Map();
  for (const mode of ['main', 'aggressive'] as const) {
    const log = record(o.provider, mode, `v1-${mode}`);
    logs.set(mode, log);
    for (const r of log) {
      real.add(toHex(r.d.data));
      if (r.d.data.length >= 28 && !(r.d.data[19] & 1)) addToPool(pool, parseChain(r.d.data.subarray(28), r.d.data[16]));
    }
  }
  const result: FuzzResultV1 = { observations: [], observationCounts: {}, execs: 0, rebuilds: 0, elapsedMs: 0, execsPerSec: 0, findings: [], perMessage: {} };
  const seen = new Set<string>();
  const report = (f: FindingV1) => {
    const k = `${f.kind}|${f.mode}|${f.message}|${f.detail.replace(/\d+/g, 'N').slice(0, 100)}`;
    const list = f.kind === 'unauthenticated-change' ? result.observations : result.findings;
    if (f.kind === 'unauthenticated-change') result.observationCounts[`${f.mode}#${f.message}`] = (result.observationCounts[`${f.mode}#${f.message}`] ?? 0) + 1;
    if (!seen.has(k) && list.length < 100) {
      seen.add(k);
      list.push(f);
    }
  };
  let cur: { peer: Peer; mode: Mode; n: number; seed: Datagram; age: number } | undefined;
  for (let exec = 0; exec < o.execs; exec++) {
    if (!cur || cur.age >= 100) {
      const mode = rng.pick(['main', 'aggressive'] as const);
      const log = logs.get(mode)!;
      const n = rng.int(log.length);
      const d = log[n].d;
      cur = { peer: target(o.provider, mode, `v1-${mode}`, log, n), mode, n, seed: { data: d.data, local: { ...d.remote }, remote: { ...d.local }, marker: d.marker }, age: 0 };
      result.rebuilds++;
    }
    cur.age++;
    const ep = cur.peer.endpoint;
    const data = mutateDatagram(rng, cur.seed.data, pool);
    const hex = toHex(data);
    const before = JSON.stringify(ep.status(0));
    const encrypted = cur.seed.data.length >= 28 && (cur.seed.data[19] & 1) === 1;
    const key = `${cur.mode}#${cur.n}`;
    result.perMessage[key] = (result.perMessage[key] ?? 0) + 1;
    const base = { mode: cur.mode, message: cur.n, input: hex, exec };
    let out: OutputV1;
    try {
      out = ep.receive({ ...cur.seed, data }, 2_000_000);
    } catch (e) {
      report({ ...base, kind: 'throw', detail: String((e as Error)?.stack ?? e) });
      cur = undefined;
      continue;
    }
    result.execs++;
    for (const e of out.events) if (e.event === 'error' && /internal error|TypeError|RangeError/.test(e.message)) report({ ...base, kind: 'internal-error', detail: e.message });
    const rows = ep.status(0);
    if (rows.length > 64) report({ ...base, kind: 'invariant', detail: `${rows.length} ISAKMP SAs` });
    const after = JSON.stringify(rows);
    if (after !== before) {
      if (encrypted && !real.has(hex)) report({ ...base, kind: 'unauthenticated-change', detail: `status changed: ${before.slice(0, 400)} -> ${after.slice(0, 400)}` });
      cur = undefined;
    }
  }
  result.elapsedMs = performance.now() - started;
  result.execsPerSec = result.execs / (result.elapsedMs / 1000);
  return result;
}

/** Rebuilds a finding's target and delivers its input again; returns the status before and after and the output. */
export function replayV1(provider: CryptoProvider, f: Pick<FindingV1, 'mode' | 'message' | 'input'>) {
  const mode = f.mode as Mode;
  const log = record(provider, mode, `v1-${mode}`);
  const peer = target(provider, mode, `v1-${mode}`, log, f.message);
  const d = log[f.message].d;
  const before = peer.endpoint.status(0);
  const out = peer.endpoint.receive({ data: fromHexV1(f.input), local: { ...d.remote }, remote: { ...d.local }, marker: d.marker }, 2_000_000);
  return { before, after: peer.endpoint.status(0), out };
}

function fromHexV1(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
