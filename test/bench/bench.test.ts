/**
 * Smoke tests of `ike bench`: the --quick --json path runs and prints well-formed lines, the load
 * generator completes a handful of IKE SAs on loopback. Nothing here asserts on timing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatLoad, run, table } from '../../src/cli/commands/bench.js';
import { NotifyType, PayloadType } from '../../src/payloads/iana/ikev2.js';
import { nodeProvider } from '../../src/node/crypto/index.js';
import { startIkev2 } from '../../src/node/ikev2-node.js';
import { findFreeUdpPorts } from '../../src/node/transport.js';
import { responderCpuRun } from '../../src/node/bench/cases.js';
import { captureMessages, decodeInner, encodeInner } from '../../src/node/bench/codec.js';
import { Ikev1Pair, Ikev2Pair, ikev2BenchConfigs } from '../../src/node/bench/in-memory.js';
import { stripInitialContact } from '../../src/node/bench/initial-contact.js';
import { runLoad } from '../../src/node/bench/loadgen.js';
import { measureMemoryPerSa } from '../../src/node/bench/memory.js';
import { processCpuMs } from '../../src/node/bench/responder.js';
import { quantile, summarize } from '../../src/node/bench/stats.js';

afterEach(() => vi.restoreAllMocks());

async function bench(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await run(args);
  return { code, lines };
}

function checkResultLine(o: Record<string, unknown>): void {
  for (const k of ['case', 'provider', 'unit', 'metric']) expect(typeof o[k], k).toBe('string');
  for (const k of ['value', 'min', 'median', 'max', 'runs']) {
    expect(typeof o[k], k).toBe('number');
    expect(Number.isFinite(o[k]), k).toBe(true);
  }
  expect(o.value).toBe(o.median);
  expect(o.min as number).toBeLessThanOrEqual(o.median as number);
  expect(o.median as number).toBeLessThanOrEqual(o.max as number);
  expect(o.runs as number).toBeGreaterThanOrEqual(1);
}

describe('ike bench --quick --json', () => {
  it('codec and key schedule: one JSON object a line with case, provider, value, unit, min, median, max, runs', async () => {
    const { code, lines } = await bench(['--quick', '--json', '--case', 'codec', '--case', 'keys', '--provider', 'node']);
    expect(code).toBe(0);
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const o of objs) checkResultLine(o);
    const cases = new Set(objs.map((o) => o.case));
    for (const c of ['codec decode IKE_SA_INIT', 'codec encode IKE_SA_INIT', 'codec decode IKE_AUTH', 'codec encode IKE_AUTH', 'keys SKEYSEED+prf+ (sha256)']) {
      expect(cases).toContain(c);
    }
    expect(objs.filter((o) => o.unit === 'messages/s')).toHaveLength(4);
    expect(objs.filter((o) => o.unit === 'MB/s')).toHaveLength(4);
  });

  it('IKEv2 in-process handshakes: rate, time and responder share for MODP-2048, ECP-256 and X25519; ML-KEM listed as skipped', async () => {
    const { code, lines } = await bench(['--quick', '--json', '--case', 'ikev2-handshake', '--provider', 'node']);
    expect(code).toBe(0);
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const results = objs.filter((o) => !('skipped' in o));
    for (const o of results) checkResultLine(o);
    for (const g of ['MODP-2048', 'ECP-256', 'X25519']) {
      const units = results.filter((o) => o.case === `ikev2-handshake ${g}`).map((o) => o.unit);
      expect(units.sort()).toEqual(['handshakes/s', 'ms/handshake', 'responder cpu ms/handshake']);
    }
    expect(objs.filter((o) => 'skipped' in o).map((o) => o.case)).toEqual(['ikev2-handshake X25519+ML-KEM-768']);
  });

  it('refuses an unknown case and a bad provider with exit code 2', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await bench(['--case', 'no-such-case'])).code).toBe(2);
    expect((await bench(['--provider', 'openssl'])).code).toBe(2);
  });
});

describe('readable output', () => {
  it('the table lists each result with its unit, then notes and skipped cases', () => {
    const text = table([
      { case: 'codec decode IKE_SA_INIT', provider: '-', metric: 'rate', value: 123456.7, unit: 'messages/s', min: 100000, median: 123456.7, max: 130000, runs: 3, note: '454-byte message' },
      { case: 'ikev2-handshake X25519+ML-KEM-768', skipped: 'not implemented' },
    ]);
    expect(text).toMatch(/^case\s+provider\s+median\s+min\s+max\s+unit\s+runs/);
    expect(text).toMatch(/codec decode IKE_SA_INIT\s+-\s+123,457\s+100,000\s+130,000\s+messages\/s\s+3/);
    expect(text).toContain('454-byte message');
    expect(text).toContain('skipped:\n  ikev2-handshake X25519+ML-KEM-768: not implemented');
  });

  it('rows with the same case, provider and unit name their metric', () => {
    const row = (metric: string, value: number) => ({ case: 'memory per IKE SA', provider: 'node', metric, value, unit: 'bytes/SA', min: value, median: value, max: value, runs: 1 });
    const text = table([row('responder heap', 11000), row('responder RSS', 23000)]);
    expect(text).toMatch(/memory per IKE SA: responder heap\s+node\s+11,000/);
    expect(text).toMatch(/memory per IKE SA: responder RSS\s+node\s+23,000/);
  });

  it('median, min, max and nearest-rank percentiles', () => {
    expect(summarize([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5, runs: 3 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    const s = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(s, 0.5), quantile(s, 0.9), quantile(s, 0.99)]).toEqual([50, 90, 99]);
  });
});

describe('in-memory pairs', () => {
  it('RFC 7296 section 2.4: without INITIAL_CONTACT the responder keeps every IKE SA the initiator opens', () => {
    const pair = new Ikev2Pair(nodeProvider, 'aes128-sha256-x25519');
    for (let i = 0; i < 3; i++) pair.handshake();
    const sas = pair.responder.status();
    expect(sas).toHaveLength(3);
    expect(sas.every((s) => s.state === 'ESTABLISHED' && s.children.length === 1)).toBe(true);
    expect(new Set(sas.map((s) => s.spiI)).size).toBe(3);
  });

  it('IKEv1 Main Mode + Quick Mode completes in memory (RFC 2409 sections 5 and 5.5)', () => {
    const pair = new Ikev1Pair(nodeProvider, 'aes128-sha256-modp2048');
    const t = pair.handshake();
    expect(t.responderMs).toBeGreaterThanOrEqual(0);
    expect(t.responderCpuMs).toBeGreaterThanOrEqual(0);
    expect(pair.responder.status().length).toBe(1);
  });

  it('stripInitialContact removes only the INITIAL_CONTACT notify of an IKE_AUTH request and keeps the length (RFC 7296 section 3.14 padding)', () => {
    const m = captureMessages(nodeProvider);
    const inner = decodeInner(m);
    expect(inner[0].type).toBe(PayloadType.IDi);
    expect(inner.some((p) => p.type === PayloadType.N && p.notifyType === NotifyType.INITIAL_CONTACT)).toBe(true);
    // A plaintext as the endpoint encrypts it: chain, padding, Pad Length.
    const padded = new Uint8Array(m.authInner.length + 4);
    padded.set(m.authInner);
    padded[padded.length - 1] = 3;
    const stripped = stripInitialContact(padded);
    expect(stripped.length).toBe(padded.length);
    const padLength = stripped[stripped.length - 1];
    const chain = stripped.subarray(0, stripped.length - 1 - padLength);
    const after = decodeInner({ ...m, authInner: chain });
    expect(after.some((p) => p.type === PayloadType.N && p.notifyType === NotifyType.INITIAL_CONTACT)).toBe(false);
    expect(after.map((p) => p.type)).toEqual(inner.filter((p) => !(p.type === PayloadType.N && p.notifyType === NotifyType.INITIAL_CONTACT)).map((p) => p.type));
    expect(encodeInner(inner)).toEqual(m.authInner);
    // Anything else passes through unchanged.
    const other = Uint8Array.from([1, 2, 3, 4, 0]);
    expect(stripInitialContact(other)).toBe(other);
  });

  it('memory per IKE SA: a small run gives finite per-SA figures for the count asked', async () => {
    const r = await measureMemoryPerSa({ provider: nodeProvider, count: 50 });
    expect(r.count).toBe(50);
    expect(r.stoppedByTime).toBe(false);
    for (const v of [r.responderHeapPerSa, r.responderRssPerSa, r.pairHeapPerSa]) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('load generator on loopback', () => {
  it('opens N IKE SAs with C in flight against an ikestack responder, each with its own SPIs', async () => {
    const [port] = await findFreeUdpPorts('127.0.0.1', 1);
    const c = ikev2BenchConfigs('aes128-sha256-x25519', undefined, [0, port]);
    const responder = await startIkev2({ configs: [c.responder], provider: nodeProvider });
    try {
      const r = await runLoad({ config: c.initiator, count: 6, concurrency: 3, totalTimeoutMs: 60_000 });
      expect(r).toMatchObject({ count: 6, concurrency: 3, completed: 6, failed: 0, failures: {} });
      for (const k of ['min', 'p50', 'p90', 'p99', 'max'] as const) expect(Number.isFinite(r.latency[k])).toBe(true);
      expect(r.latency.min).toBeLessThanOrEqual(r.latency.p50);
      expect(r.latency.p99).toBeLessThanOrEqual(r.latency.max);
      // IKE_SA_INIT and IKE_AUTH: two requests per SA.
      expect(r.sent).toBe(12);
      const sas = responder.status();
      expect(sas.filter((s) => s.state === 'ESTABLISHED')).toHaveLength(6);
      expect(new Set(sas.map((s) => s.spiI)).size).toBe(6);
      expect(formatLoad(r)).toMatch(/IKE SAs\s+6 up, 0 failed of 6 \(concurrency 3\)/);
    } finally {
      await responder.close({ graceMs: 0 });
    }
  });

  it('ike bench --target --config --count --concurrency --json prints one JSON result', async () => {
    const [port, ike, natt] = await findFreeUdpPorts('127.0.0.1', 3);
    const c = ikev2BenchConfigs('aes128-sha256-ecp256', undefined, [0, port]);
    const responder = await startIkev2({ configs: [c.responder], provider: nodeProvider });
    const dir = mkdtempSync(join(tmpdir(), 'ikestack-bench-test-'));
    try {
      const file = join(dir, 'initiator.json');
      writeFileSync(file, JSON.stringify({ ...c.initiator, local: { ...c.initiator.local, port: ike, nattPort: natt } }));
      const { code, lines } = await bench(['--target', `127.0.0.1:${port}`, '--config', file, '--count', '4', '--concurrency', '2', '--json']);
      expect(code).toBe(0);
      expect(lines).toHaveLength(1);
      const r = JSON.parse(lines[0]) as Record<string, unknown>;
      expect(r).toMatchObject({ target: `127.0.0.1:${port}`, count: 4, completed: 4, failed: 0 });
    } finally {
      await responder.close({ graceMs: 0 });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(process.platform !== 'linux')('responder CPU from another process: ike bench --serve answers the load generator and its /proc CPU time is divided by the SAs', async () => {
    const entry = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))];
    const r = await responderCpuRun('aes128-sha256-x25519', 'node', 20, 4, entry);
    expect(r.responder).toBe('ikestack (node)');
    expect(r.load).toMatchObject({ count: 20, completed: 20, failed: 0 });
    expect(Number.isFinite(r.cpuMsPerHandshake)).toBe(true);
    expect(r.cpuMs).toBeGreaterThanOrEqual(0);
  });

  it.skipIf(process.platform !== 'linux')('reads CPU time of a process from /proc/<pid>/stat', () => {
    const ms = processCpuMs(process.pid);
    expect(ms).toBeTypeOf('number');
    expect(ms!).toBeGreaterThan(0);
    expect(processCpuMs(2 ** 30)).toBeUndefined();
  });
});
