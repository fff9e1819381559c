/**
 * `ike initiate` / `ike respond` with `"version": 1` configs: the responder is a child process
 * (tsx on the sources) on 127.0.0.2, the initiator runs here on 127.0.0.1; --json events, --trace
 * state names and status view, --keylog DIR with ikev1_decryption_table.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as initiate } from '../../src/cli/commands/initiate.js';
import { loadVersionedConfigFile, parseVersionedConfigText } from '../../src/node/config-file.js';
import { loopbackPairV1 } from '../node/ikev1-loopback.js';

const MAIN = resolve('src/cli/main.ts');
const procs: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

function respond(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'respond', ...args], { stdio: 'pipe' });
  procs.push(proc);
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ event: string; resolve: (l: Record<string, unknown>) => void }> = [];
  createInterface({ input: proc.stdout }).on('line', (text) => {
    let l: Record<string, unknown>;
    try {
      l = JSON.parse(text) as Record<string, unknown>;
    } catch {
      l = { event: 'non-json', text };
    }
    lines.push(l);
    const i = waiters.findIndex((w) => w.event === l.event);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(l);
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += String(d)));
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const next = (event: string) =>
    new Promise<Record<string, unknown>>((res, rej) => {
      const seen = lines.find((l) => l.event === event);
      if (seen) return res(seen);
      const t = setTimeout(() => rej(new Error(`no ${event} from ike respond; stderr: ${stderr}`)), 30_000);
      waiters.push({ event, resolve: (l) => (clearTimeout(t), res(l)) });
    });
  return { proc, lines, next, exit };
}

async function capture(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await initiate(args), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

async function files(o: Parameters<typeof loopbackPairV1>[0] = {}) {
  const pair = await loopbackPairV1(o);
  const dir = mkdtempSync(join(tmpdir(), 'ike-v1-cli-'));
  const i = join(dir, 'initiator.json');
  const r = join(dir, 'responder.json');
  writeFileSync(i, JSON.stringify(pair.json.initiator));
  writeFileSync(r, JSON.stringify(pair.json.responder));
  return { i, r, dir };
}

describe('config files dispatch on "version"', () => {
  it('a version 1 config loads as IKEv1, others as IKEv2; one file holds one version', async () => {
    const f = await files();
    const loaded = await loadVersionedConfigFile(f.i);
    expect(loaded.version).toBe(1);
    expect(loaded.configs[0]).toMatchObject({ version: 1, mode: 'main' });
    const v1 = readFileSync(f.i, 'utf8');
    expect(() => parseVersionedConfigText(`[${v1}, {"version": 2}]`, 'mixed.json')).toThrow(/mixed\.json: version 1 and version 2/);
    expect(() => parseVersionedConfigText(`[${v1.replace('"main"', '"quick"')}]`, 'bad.json')).toThrow(/bad\.json: config \[0\]: .*mode/);
  });
});

describe('ike initiate against ike respond with version 1 configs', () => {
  it('Main Mode + Quick Mode: --json ike-sa-up (phase 1) and child-sa-up (phase 2) on both sides; keylog DIR has ikev1_decryption_table', async () => {
    const f = await files({ mode: 'main' });
    const r = respond(['--config', f.r, '--json']);
    await r.next('listening');
    const { code, out, err } = await capture(['--config', f.i, '--json', '--keylog', f.dir]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const events = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    const up = events.find((e) => e.event === 'ike-sa-up');
    expect(up).toMatchObject({ initiator: true, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    expect(events.find((e) => e.event === 'child-sa-up')).toMatchObject({ localTs: ['10.1.0.0/16'], remoteTs: ['10.2.0.0/16'] });
    // No key material on stdout, even as JSON.
    expect(out.join('\n')).not.toMatch(/encryptionKey|encrKey/);
    expect(await r.next('ike-sa-up')).toMatchObject({ initiator: false, spiI: up!.spiI, spiR: up!.spiR });
    await r.next('child-sa-up');
    // initiate deleted its SAs before exiting (RFC 2408 section 3.15): the responder saw them go.
    await r.next('ike-sa-down');
    r.proc.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(readFileSync(join(f.dir, 'ikev1_decryption_table'), 'utf8')).toMatch(new RegExp(`^${String(up!.spiI)},[0-9a-f]{32,64}\\n$`));
    expect(readFileSync(join(f.dir, 'esp_sa'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('Aggressive Mode --trace: AM1..AM3, QM1..QM3, IKE_P1_COMPLETE, "life duration 86400", and the status view of both phases', async () => {
    const f = await files({ mode: 'aggressive' });
    const r = respond(['--config', f.r, '--json']);
    await r.next('listening');
    const { code, out } = await capture(['--config', f.i, '--trace']);
    expect(code).toBe(0);
    const text = out.join('\n');
    for (const s of ['AM1', 'AM2', 'AM3', 'QM1', 'QM2', 'QM3', 'IKE_I_AM1', 'IKE_P1_COMPLETE']) expect(text).toContain(s);
    // The proposal's attributes as sent (RFC 2409 Appendix A: Life Type seconds, Life Duration).
    expect(text).toMatch(/LIFE_DURATION = 86400/);
    expect(text).toContain('ISAKMP SA isakmp-1');
    expect(text).toContain('QM_IDLE');
    expect(text).toMatch(/IPsec SA .*PFS/);
    expect(text).toContain('IKE_QM_PHASE2_COMPLETE');
    r.proc.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('respond --workers is refused for version 1 configs (usage, exit 2)', async () => {
    const f = await files();
    const r = respond(['--config', f.r, '--workers', '2']);
    expect(await r.exit).toBe(2);
  });
});
