/**
 * The IKEv2 receive-path fuzzer: endpoints in every state (ikev2-targets.ts) are fed mutated
 * datagrams, raw or re-sealed with the SA's keys, and checked after each one against oracles:
 *  - receive() never throws, and no internal (non-protocol) error is turned into an event;
 *  - the state of an SA with keys changes only through a message with a valid ICV (RFC 7296
 *    section 2.21: an unauthenticated message changes nothing, never deletes or rekeys);
 *  - status() stays consistent (known states, 32-bit Message IDs, bounded SA and Child SA counts);
 *  - an SA left ESTABLISHED by a re-sealed input still answers a liveness check (section 2.4);
 *  - bounded time per input and bounded heap over the run (measured by the caller's limits).
 * Everything runs from one seed, so a finding replays.
 */
import { performance } from 'node:perf_hooks';
import type { CryptoProvider } from '../src/crypto/provider.js';
import { sealSk } from '../src/crypto/sk.js';
import { unprotectMessage } from '../src/ikev2/protection.js';
import type { Datagram, IkeEvent, Output } from '../src/ikev2/types.js';
import { bytesEqual, fromHex, toHex } from '../src/util/bytes.js';
import { ACTIONS, build, peerSealKeys, saFor, STATES, VARIANTS, type Built, type StateName } from './ikev2-targets.js';
import { addToPool, mutateBytes, mutateChain, mutateDatagram, mutateHeader, parseChain, type SplicePool } from './mutate.js';
import { Rng } from './rng.js';

export type FindingKind = 'throw' | 'internal-error' | 'unauthenticated-change' | 'invariant' | 'liveness' | 'slow' | 'heap';

export interface Finding {
  kind: FindingKind;
  state: StateName;
  variant: string;
  action?: string;
  /** The harness seed the target was built with (build() replays it byte for byte). */
  buildSeed: string;
  /** True when the input was re-sealed with the SA's keys (it passed the ICV). */
  resealed: boolean;
  detail: string;
  /** The datagram as delivered (hex). */
  input: string;
  /** Untouched datagrams (other fragments of the seed) delivered just before it. */
  before?: string[];
  /** The mutated inner payload chain before sealing (hex), for re-sealed inputs. */
  plaintext?: string;
  plaintextFirst?: number;
  exec: number;
}

export interface FuzzOptions {
  execs: number;
  seed: number;
  provider: CryptoProvider;
  states?: readonly StateName[];
  /** Share of inputs re-sealed with the SA's keys when the seed is an SK message (default 0.25). */
  resealShare?: number;
  /** An input slower than this is a finding (default: not checked). */
  slowMs?: number;
  /** Heap above this after a GC is a finding (default: not checked). */
  heapLimitMb?: number;
  /** Rebuild the target after this many inputs even when nothing changed (default 200). */
  rebuildEvery?: number;
  /** Extra seeds, e.g. IKE messages from captures. */
  extraSeeds?: Uint8Array[];
  onProgress?: (r: FuzzResult) => void;
  /** Called with each distinct finding as it is found. */
  onFinding?: (f: Finding) => void;
  progressEvery?: number;
}

export interface FuzzResult {
  execs: number;
  resealed: number;
  rebuilds: number;
  elapsedMs: number;
  execsPerSec: number;
  perState: Record<string, number>;
  /** Distinct findings (deduplicated by kind and message shape); counts in `findingCounts`. */
  findings: Finding[];
  findingCounts: Record<string, number>;
  slowestMs: number;
  /** Inputs over slowMs once that were fast when timed again on a fresh copy of the state (process pauses). */
  slowRetimed: number;
  heapMaxMb: number;
  /** Events seen from re-sealed inputs, by event kind and notify: a rough picture of how deep inputs reached. */
  reached: Record<string, number>;
}

const INTERNAL = /TypeError|RangeError|ReferenceError|SyntaxError|Cannot read|Cannot set|is not a function|is not iterable|of undefined|of null|Maximum call stack|Invalid array length|out of bounds|outside the bounds|INTERNAL_ERROR/;
const SA_STATES = new Set(['CREATED', 'INIT_SENT', 'INIT_DONE', 'AUTH_SENT', 'ESTABLISHED', 'REKEYING', 'REKEYED', 'DELETING', 'CLOSED']);
const CHILD_STATES = new Set(['INSTALLED', 'REKEYING', 'REKEYED', 'DELETING', 'DELETED']);
const AUTHENTICATED_EVENTS = new Set(['ike-sa-down', 'child-sa-down', 'ike-sa-rekeyed', 'child-sa-rekeyed', 'child-sa-up', 'ike-sa-up']);

function internalErrors(events: IkeEvent[]): string[] {
  return events.filter((e) => e.event === 'error' && (e.notify === 'INTERNAL_ERROR' || INTERNAL.test(e.message))).map((e) => (e as { message: string }).message);
}

function invariants(b: Built): string | undefined {
  const rows = b.ep.status();
  if (rows.length > 64) return `${rows.length} IKE SAs`;
  for (const r of rows) {
    if (!SA_STATES.has(r.state)) return `IKE SA state ${r.state}`;
    for (const id of [r.messageIds.nextRequest, r.messageIds.expectedRequest]) if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) return `Message ID ${id}`;
    if (r.children.length > 64) return `${r.children.length} Child SAs`;
    for (const c of r.children) if (!CHILD_STATES.has(c.state)) return `Child SA state ${c.state}`;
  }
  return undefined;
}

/** The status row of the SA a datagram names, as text (what an unauthenticated message must not change). */
function rowOf(b: Built, data: Uint8Array): string | undefined {
  if (data.length < 28) return undefined;
  const ours = toHex(data[19] & 0x08 ? data.subarray(8, 16) : data.subarray(0, 8));
  const row = b.ep.status().find((r) => r.localSpi === ours);
  return row ? JSON.stringify(row) : undefined;
}

function shape(f: Finding): string {
  return `${f.kind}|${f.state}|${f.detail.replace(/[0-9a-f]{8,}/g, 'H').replace(/\d+/g, 'N').slice(0, 120)}`;
}

/** RFC 7296 section 2.4: an empty INFORMATIONAL request with the next Message ID gets its response. */
function livenessProbe(b: Built, seed: Datagram, rng: Rng, now: number): string | undefined {
  const sa = saFor(b.ep, seed.data);
  if (!sa?.crypto || sa.state !== 'ESTABLISHED') return undefined;
  const prefix = new Uint8Array(28);
  prefix.set(seed.data.subarray(0, 16));
  prefix[16] = 46;
  prefix[17] = 0x20;
  prefix[18] = 37;
  prefix[19] = sa.initiator ? 0 : 0x08;
  const id = sa.expectedRequestId >>> 0;
  prefix[20] = id >>> 24;
  prefix[21] = (id >>> 16) & 0xff;
  prefix[22] = (id >>> 8) & 0xff;
  prefix[23] = id & 0xff;
  const data = sealSk({ prefix, nextPayload: 0, plaintext: new Uint8Array(0), encr: sa.crypto.encr, integ: sa.crypto.integ, keys: peerSealKeys(sa.crypto), random: (n) => rng.bytes(n) });
  const out = b.ep.receive({ ...seed, data }, now);
  const answered = out.datagrams.some((d) => d.data.length >= 28 && d.data[18] === 37 && (d.data[19] & 0x20) !== 0 && bytesEqual(d.data.subarray(20, 24), prefix.subarray(20, 24)));
  return answered ? undefined : `no answer to a liveness check with Message ID ${id}`;
}

export function runFuzz(o: FuzzOptions): FuzzResult {
  const rng = new Rng(o.seed);
  const states = o.states ?? STATES;
  const resealShare = o.resealShare ?? 0.25;
  const rebuildEvery = o.rebuildEvery ?? 200;
  const pool: SplicePool = new Map();
  const corpus: Uint8Array[] = [];
  const realHex = new Set<string>();
  for (const s of o.extraSeeds ?? []) {
    corpus.push(s);
    if (s.length >= 28) addToPool(pool, parseChain(s.subarray(28), s[16]));
  }
  const result: FuzzResult = { execs: 0, resealed: 0, rebuilds: 0, elapsedMs: 0, execsPerSec: 0, perState: {}, findings: [], findingCounts: {}, slowestMs: 0, slowRetimed: 0, heapMaxMb: 0, reached: {} };
  const seen = new Set<string>();
  const started = performance.now();
  let cur: Built | undefined;
  let age = 0;
  let builds = 0;

  const report = (f: Finding) => {
    const k = shape(f);
    result.findingCounts[k] = (result.findingCounts[k] ?? 0) + 1;
    if (!seen.has(k) && result.findings.length < 100) {
      seen.add(k);
      result.findings.push(f);
      o.onFinding?.(f);
    }
  };

  for (let exec = 0; exec < o.execs; exec++) {
    if (!cur || age >= rebuildEvery || cur.seeds.length === 0) {
      const state = states[builds % states.length];
      const variant = VARIANTS[rng.int(VARIANTS.length)];
      const action = ACTIONS[rng.int(ACTIONS.length)];
      // A handful of distinct runs per state: rebuilds mostly replay one of them exactly.
      cur = build(o.provider, state, variant, action, `fuzz-${rng.int(4)}`);
      builds++;
      result.rebuilds++;
      age = 0;
      for (const s of cur.seeds) {
        if (corpus.length < 400 && !corpus.some((c) => bytesEqual(c, s.data))) corpus.push(s.data);
        realHex.add(toHex(s.data));
        if (s.data.length >= 28) addToPool(pool, parseChain(s.data.subarray(28), s.data[16]));
        const sa = saFor(cur.ep, s.data);
        if (sa?.crypto && (s.data[16] === 46 || s.data[16] === 53)) {
          try {
            const opened = unprotectMessage(sa.crypto, s.data);
            addToPool(pool, parseChain(opened.plaintext, opened.nextPayload));
          } catch {
            // A seed that does not open with the target's keys is used raw only.
          }
        }
      }
      if (cur.seeds.length === 0) continue;
    }
    age++;
    const b = cur;
    const fromCorpus = !rng.chance(0.9);
    const seedDgram = fromCorpus ? { ...b.seeds[0], data: rng.pick(corpus) } : b.seeds[rng.int(b.seeds.length)];
    const sa = saFor(b.ep, seedDgram.data);
    const hadKeys = !!sa?.crypto;
    let data: Uint8Array;
    let plaintext: Uint8Array | undefined;
    let plaintextFirst: number | undefined;
    let resealed = false;
    const pre: string[] = [];
    const sealable = seedDgram.data[16] === 46 || seedDgram.data[16] === 53;
    if (sa?.crypto && sealable && rng.chance(resealShare)) {
      try {
        const opened = unprotectMessage(sa.crypto, seedDgram.data);
        const firstPiece = opened.fragmentNumber === undefined || opened.fragmentNumber === 1;
        const m = firstPiece ? mutateChain(rng, parseChain(opened.plaintext, opened.nextPayload), pool) : { first: 0, bytes: mutateBytes(rng, opened.plaintext) };
        plaintext = m.bytes;
        plaintextFirst = m.first;
        const prefix = seedDgram.data.slice(0, 28);
        // Now and then an edited exchange type, flags or Message ID under a valid ICV.
        if (rng.chance(0.15)) prefix.set(mutateHeader(rng, prefix).subarray(17, 24), 17);
        let fragment: { number: number; total: number } | undefined;
        if (opened.fragmentNumber !== undefined) {
          // RFC 7383 section 2.5: Fragment Number and Total Fragments, sometimes edited (under a valid ICV).
          fragment = { number: opened.fragmentNumber, total: opened.totalFragments! };
          if (rng.chance(0.2)) {
            const total = rng.pick([1, fragment.total, fragment.total + 1, 64, 65, 0xffff]);
            fragment = { number: 1 + rng.int(Math.min(total, fragment.total + 2)), total };
          }
          if (rng.chance(0.7)) {
            // The other fragments, untouched, go first so that reassembly completes with the mutated one.
            for (const s2 of b.seeds) {
              if (s2 === seedDgram) continue;
              pre.push(toHex(s2.data));
              b.ep.receive(s2, b.net.now);
            }
          }
        }
        prefix[16] = fragment ? 53 : 46;
        data = sealSk({ prefix, nextPayload: m.first, plaintext: m.bytes, encr: sa.crypto.encr, integ: sa.crypto.integ, keys: peerSealKeys(sa.crypto), random: (n) => rng.bytes(n), fragment });
        resealed = true;
      } catch {
        data = mutateDatagram(rng, seedDgram.data, pool);
      }
    } else {
      data = mutateDatagram(rng, seedDgram.data, pool);
    }
    // Builds from one harness seed share keys, so a datagram of another build can be authentic here:
    // only inputs that no real exchange sent count as unauthenticated.
    const inputHex = toHex(data);
    const unchanged = realHex.has(inputHex);
    if (!resealed && !fromCorpus && b.seeds.length > 1 && rng.chance(0.3)) {
      // The other fragments first, untouched, then the mutated one (RFC 7383 section 2.6 reassembly).
      for (const s of b.seeds) {
        if (s === seedDgram) continue;
        pre.push(toHex(s.data));
        b.ep.receive(s, b.net.now);
      }
    }
    // Untouched fragments may complete a message buffered earlier: that change is authenticated.
    const before = rowOf(b, seedDgram.data);
    const dgram: Datagram = { ...seedDgram, data };
    let out: Output;
    const t0 = performance.now();
    const base = { state: b.state, variant: b.variant, action: b.action, buildSeed: b.buildSeed, resealed, input: inputHex, before: pre.length ? pre : undefined, plaintext: plaintext && toHex(plaintext), plaintextFirst, exec };
    try {
      out = b.ep.receive(dgram, b.net.now);
    } catch (e) {
      report({ ...base, kind: 'throw', detail: String((e as Error)?.stack ?? e) });
      cur = undefined;
      continue;
    }
    const dt = performance.now() - t0;
    result.execs++;
    result.perState[b.state] = (result.perState[b.state] ?? 0) + 1;
    if (dt > result.slowestMs) result.slowestMs = dt;
    if (o.slowMs !== undefined && dt > o.slowMs) {
      // A pause of the process (GC, a busy machine) is not the input's fault: time it again, in CPU
      // time, on fresh copies of the same state, and report it only when every retiming is slow.
      let best = Infinity;
      for (let k = 0; k < 3 && best > o.slowMs; k++) {
        const again = build(o.provider, b.state, VARIANTS.find((v) => v.name === b.variant)!, b.action ?? 'dpd', b.buildSeed);
        for (const h of pre) again.ep.receive({ ...seedDgram, data: fromHex(h) }, again.net.now);
        const c0 = process.cpuUsage();
        again.ep.receive(dgram, again.net.now);
        const c = process.cpuUsage(c0);
        best = Math.min(best, (c.user + c.system) / 1000);
      }
      if (best > o.slowMs) report({ ...base, kind: 'slow', detail: `${dt.toFixed(1)} ms, at best ${best.toFixed(1)} ms CPU when timed again` });
      else result.slowRetimed++;
    }
    for (const m of internalErrors(out.events)) report({ ...base, kind: 'internal-error', detail: m });
    const bad = invariants(b);
    if (bad) report({ ...base, kind: 'invariant', detail: bad });

    if (resealed) {
      result.resealed++;
      for (const e of out.events) {
        const k = e.event === 'error' ? `error:${e.notify ?? e.message.replace(/[0-9a-f]{8,}/g, 'H').replace(/\d+/g, 'N').slice(0, 60)}` : e.event;
        result.reached[k] = (result.reached[k] ?? 0) + 1;
      }
      if (rng.chance(0.5)) {
        const why = livenessProbe(b, seedDgram, rng, b.net.now);
        if (why) report({ ...base, kind: 'liveness', detail: why });
      }
      if (rng.chance(0.2)) {
        // Timers after a hostile input: retransmissions, expiries and rekeys must not throw either.
        const t = b.ep.timeout(b.net.now + 3_600_000);
        for (const m of internalErrors(t.events)) report({ ...base, kind: 'internal-error', detail: `timeout(): ${m}` });
      }
      cur = undefined;
    } else if (hadKeys && !unchanged) {
      const after = rowOf(b, seedDgram.data);
      const authEvents = out.events.filter((e) => AUTHENTICATED_EVENTS.has(e.event));
      if (before !== after || authEvents.length) {
        report({ ...base, kind: 'unauthenticated-change', detail: authEvents.length ? `events ${authEvents.map((e) => e.event).join(',')}` : `status changed: ${before} -> ${after}` });
        cur = undefined;
      }
    } else if (before !== rowOf(b, seedDgram.data) || b.ep.status().length > 16) {
      cur = undefined;
    }
    if (o.heapLimitMb !== undefined && exec % 5000 === 4999) {
      (globalThis as { gc?: () => void }).gc?.();
      const mb = process.memoryUsage().heapUsed / 1048576;
      if (mb > result.heapMaxMb) result.heapMaxMb = mb;
      if (mb > o.heapLimitMb) report({ ...base, kind: 'heap', detail: `${mb.toFixed(0)} MB heap` });
    }
    if (o.onProgress && o.progressEvery && result.execs % o.progressEvery === 0) {
      result.elapsedMs = performance.now() - started;
      result.execsPerSec = result.execs / (result.elapsedMs / 1000);
      o.onProgress(result);
    }
  }
  result.elapsedMs = performance.now() - started;
  result.execsPerSec = result.execs / (result.elapsedMs / 1000);
  return result;
}
