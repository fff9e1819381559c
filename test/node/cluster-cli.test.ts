/** `ike respond --workers 2` as a child process (tsx on the sources), answered from this process. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startIkev2, type IkeNode } from '../../src/node/ikev2-node.js';
import { loopbackPair } from './loopback-configs.js';

const MAIN = resolve('src/cli/main.ts');
const procs: ChildProcessWithoutNullStreams[] = [];
const nodes: IkeNode[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close({ graceMs: 300 })));
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

function respond(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'respond', ...args], { stdio: 'pipe' });
  procs.push(proc);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += String(d)));
  createInterface({ input: proc.stdout }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      lines.push({ event: 'non-json', text });
    }
  });
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, lines, exit, stderr: () => stderr };
}

describe('ike respond --workers N', () => {
  it('answers IKE SAs on both workers (JSON events name the worker) and deletes them all on SIGTERM, exit 0 (RFC 7296 section 1.4.1)', async () => {
    const pair = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const dir = mkdtempSync(join(tmpdir(), 'ike-cluster-'));
    const file = join(dir, 'responder.json');
    writeFileSync(file, JSON.stringify(pair.responder));
    const r = respond(['--config', file, '--json', '--workers', '2']);
    await expect.poll(() => r.lines.find((l) => l.event === 'listening'), { timeout: 30_000 }).toMatchObject({ workers: 2 });
    const i = await startIkev2({ configs: [pair.initiator] });
    nodes.push(i);
    await i.connect();
    // After the first SA, no INITIAL_CONTACT (RFC 7296 section 2.4): the others may run at once.
    await Promise.all(Array.from({ length: 11 }, () => i.connect()));
    await expect.poll(() => r.lines.filter((l) => l.event === 'ike-sa-up').length, { timeout: 10_000 }).toBe(12);
    const workers = new Set(r.lines.filter((l) => l.event === 'ike-sa-up').map((l) => l.worker));
    expect(workers).toEqual(new Set([0, 1]));
    const downs = i.status().map((s) => i.waitFor('ike-sa-down', (e) => e.ikeSaId === s.ikeSaId, 10_000));
    r.proc.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    await Promise.all(downs);
    expect(i.status()).toHaveLength(0);
  });

  it('refuses a --workers value that is not 1 to 256, and --keylog with --workers', async () => {
    const pair = await loopbackPair();
    const dir = mkdtempSync(join(tmpdir(), 'ike-cluster-'));
    const file = join(dir, 'responder.json');
    writeFileSync(file, JSON.stringify(pair.responder));
    for (const args of [['--workers', '0'], ['--workers=x'], ['--workers', '2', '--keylog', join(dir, 'k')]]) {
      const r = respond(['--config', file, ...args]);
      expect(await r.exit).toBe(2);
      expect(r.stderr()).toMatch(/--workers|--keylog/);
    }
  });
});
