/**
 * `ike initiate` against an `ike respond` process on loopback: the responder is a real child
 * process (tsx on the sources), the initiator runs in this process; both print --json events.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as initiate } from '../../src/cli/commands/initiate.js';
import { startIkev2 } from '../../src/node/ikev2-node.js';
import { loopbackPair } from '../node/loopback-configs.js';

const MAIN = resolve('src/cli/main.ts');

interface Responder {
  proc: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  next: (event: string) => Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

const procs: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

function respond(args: string[]): Responder {
  // node with the tsx loader, not the tsx launcher: signals then reach the CLI process itself.
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

function configFiles(pair: Awaited<ReturnType<typeof loopbackPair>>): { i: string; r: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ike-cli-'));
  const i = join(dir, 'initiator.json');
  const r = join(dir, 'responder.json');
  writeFileSync(i, JSON.stringify(pair.initiator));
  writeFileSync(r, JSON.stringify(pair.responder));
  return { i, r, dir };
}

describe('ike initiate against ike respond (--json)', () => {
  it('initiate exits 0 at its first CHILD SA; respond reports the SAs and exits 0 on SIGTERM after deleting them', async () => {
    const files = configFiles(await loopbackPair());
    const r = respond(['--config', files.r, '--json']);
    await r.next('listening');
    const keylog = join(files.dir, 'keys');
    const { code, out } = await capture(['--config', files.i, '--json', '--keylog', keylog]);
    const events = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(code).toBe(0);
    const up = events.find((e) => e.event === 'ike-sa-up');
    expect(up).toMatchObject({ initiator: true, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    expect(events.find((e) => e.event === 'child-sa-up')).toMatchObject({
      localTs: [expect.stringMatching(/^10\.1\.0\.0(\/24|-10\.1\.0\.255)$/)],
      remoteTs: [expect.stringMatching(/^10\.2\.0\.0(\/24|-10\.2\.0\.255)$/)],
    });
    // initiate deleted its IKE SA before exiting (RFC 7296 section 1.4.1).
    expect(events.some((e) => e.event === 'ike-sa-down')).toBe(true);
    expect(await r.next('ike-sa-up')).toMatchObject({ initiator: false, spiI: up!.spiI, spiR: up!.spiR });
    await r.next('child-sa-up');
    await r.next('ike-sa-down');
    r.proc.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    // The keylog file has the IKE SA's row, keyed by its SPIs.
    expect(readFileSync(keylog, 'utf8')).toContain(`${String(up!.spiI)},${String(up!.spiR)},`);
  });

  it('an error exits 1 and prints an error event naming the notify', async () => {
    const pair = await loopbackPair({ psk: 'one', responderPsk: 'two' });
    const files = configFiles(pair);
    const r = respond(['--config', files.r, '--json']);
    await r.next('listening');
    const { code, out } = await capture(['--config', files.i, '--json', '--timeout', '15']);
    expect(code).toBe(1);
    const errors = out.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => `${String(e.notify)} ${String(e.message)}`).join('\n')).toMatch(/AUTHENTICATION_FAILED/);
    r.proc.kill('SIGINT');
    expect(await r.exit).toBe(0);
  });

  it('respond deletes its live IKE SAs on SIGTERM before exiting 0 (RFC 7296 section 1.4.1)', async () => {
    const pair = await loopbackPair();
    const files = configFiles(pair);
    const r = respond(['--config', files.r, '--json', '--trace']);
    await r.next('listening');
    const i = await startIkev2({ configs: [pair.initiator] });
    try {
      const { ikeSaId } = await i.connect();
      await r.next('child-sa-up');
      // SIGUSR1: the status view, here as a JSON line listing the IKE SA and its CHILD SA.
      r.proc.kill('SIGUSR1');
      const status = await r.next('status');
      expect(status.sas).toMatchObject([{ state: 'ESTABLISHED', initiator: false, children: [{ state: 'INSTALLED' }] }]);
      const down = i.waitFor('ike-sa-down', (e) => e.ikeSaId === ikeSaId, 10_000);
      r.proc.kill('SIGTERM');
      await expect(down).resolves.toMatchObject({ ikeSaId });
      expect(await r.exit).toBe(0);
      // --trace: the status view again at the end, and the traces.
      expect(r.lines.filter((l) => l.event === 'status')).toHaveLength(2);
      expect(r.lines.some((l) => l.event === 'trace')).toBe(true);
    } finally {
      await i.close({ graceMs: 200 });
    }
  });

  it('without --json: readable lines; --trace adds the payload dumps and the SA status view at the end', async () => {
    const pair = await loopbackPair();
    const files = configFiles(pair);
    const r = respond(['--config', files.r, '--json']);
    await r.next('listening');
    const { code, out } = await capture(['--config', files.i, '--trace', '--provider', 'pure']);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^IKE SA \S+ up \(initiator\): 127\.0\.0\.1:\d+ fqdn:alice\.example <=> 127\.0\.0\.1:\d+ fqdn:bob\.example; SPIi [0-9a-f]{16} SPIr [0-9a-f]{16}; .*; no NAT$/m);
    expect(text).toMatch(/^CHILD SA \S+ up in \S+: /m);
    expect(text).toMatch(/^ {2}\| IKE_AUTH request 1 \[I\]/m);
    expect(text).toMatch(/message IDs next request \d+, expected request \d+, window \d+/);
    expect(text).not.toMatch(/^\{/m);
    r.proc.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('--stay keeps the SA until the peer deletes it, then exits 1', async () => {
    const pair = await loopbackPair();
    const files = configFiles(pair);
    const r = respond(['--config', files.r, '--json']);
    await r.next('listening');
    const result = capture(['--config', files.i, '--json', '--stay']);
    await r.next('child-sa-up');
    await new Promise((res) => setTimeout(res, 200));
    r.proc.kill('SIGTERM');
    const { code, out } = await result;
    expect(code).toBe(1);
    expect(out.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === 'ike-sa-down')).toMatchObject({ event: 'ike-sa-down' });
    expect(await r.exit).toBe(0);
  });

  it('usage errors exit 2; a bad config file exits 1 naming the file', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture(['--config', 'x.json', '--provider', 'hsm'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'ike-cli-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1}');
    const res = await capture(['--config', bad]);
    expect(res.code).toBe(1);
    expect(res.err.join('\n')).toContain('bad.json');
  });
});
