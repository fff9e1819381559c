/**
 * `ike initiate` with a version 1 config file against strongSwan charon in IKEv1 mode: we are on
 * 127.0.0.1, charon on 127.0.0.2 (Wireshark's IKEv1 decryption table is only consulted when the
 * two peers' addresses differ). Main Mode + Quick Mode with PFS, JSON events, the Delete before exit
 * (RFC 2408 section 3.15); then tshark decrypts the capture with our ikev1_decryption_table row,
 * given as `-o uat:ikev1_decryption_table:ICOOKIE,KEY`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charonAvailable, freePorts, startCharon, type Charon } from '../helpers/charon.js';

const TSHARK = process.env.IKESTACK_TSHARK ?? '/usr/bin/tshark';
const ROOT = resolve(__dirname, '../..');
const OURS = '127.0.0.1';
const CHARON = '127.0.0.2';

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function startCapture(file: string, ports: number[]): Promise<{ stop: () => Promise<void> }> {
  const filter = ports.map((p) => `udp port ${p}`).join(' or ');
  const proc: ChildProcess = spawn(TSHARK, ['-i', 'lo', '-f', filter, '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let exited = false;
  const exit = new Promise<void>((r) => proc.once('exit', () => ((exited = true), r())));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`tshark did not start capturing: ${err}`)), 10_000);
    proc.stderr!.on('data', (d) => {
      err += String(d);
      if (/Capturing on/.test(err)) {
        clearTimeout(timer);
        ok();
      }
    });
    proc.once('exit', () => {
      clearTimeout(timer);
      fail(new Error(`tshark exited: ${err}`));
    });
  });
  return {
    stop: async () => {
      if (exited) return;
      await new Promise((r) => setTimeout(r, 500));
      proc.kill('SIGINT');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) proc.kill('SIGKILL');
    },
  };
}

describe.skipIf(!charonAvailable())('ike initiate (CLI, IKEv1 config) against strongSwan charon (version = 1)', () => {
  let charon: Charon | undefined;
  let capture: Awaited<ReturnType<typeof startCapture>> | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ikestack-v1-cli-'));
  afterAll(async () => {
    await capture?.stop();
    await charon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Main Mode + Quick Mode with PFS from a version 1 config, JSON events, Delete before exit 0; tshark decrypts with the ikev1_decryption_table row', async () => {
    const [ourPort, ourNatt, charonPort, charonNatt] = await freePorts(4, [OURS, CHARON]);
    charon = await startCharon({
      name: 'v1cli',
      port: charonPort,
      nattPort: charonNatt,
      conns: [
        {
          name: 'v1conn',
          version: 1,
          localAddrs: [CHARON],
          remoteAddrs: [OURS],
          remotePort: ourPort,
          proposals: ['aes256-sha256-modp2048'],
          localId: 'bob.example',
          remoteId: 'alice.example',
          psk: 'interop-v1-cli-secret',
          children: [{ name: 'net', localTs: [`${CHARON}/32`], remoteTs: ['10.1.0.0/24'], espProposals: ['aes128-sha256-modp2048'] }],
        },
      ],
    } as Parameters<typeof startCharon>[0]);
    const configJson = {
      version: 1,
      name: 'charon',
      mode: 'main',
      local: { address: OURS, port: ourPort, nattPort: ourNatt, id: 'fqdn:alice.example' },
      remote: { address: CHARON, port: charonPort, nattPort: charonNatt, id: 'fqdn:bob.example' },
      psk: 'interop-v1-cli-secret',
      ike: { proposals: ['aes256-sha256-modp2048'], lifetime: 3600 },
      child: { proposals: ['aes128-sha256'], localTs: ['10.1.0.0/24'], remoteTs: [`${CHARON}/32`], mode: 'tunnel', pfs: 'modp2048', lifetime: 1200 },
    };
    const file = join(dir, 'alice-v1.json');
    writeFileSync(file, JSON.stringify(configJson, null, 2));
    const pcap = join(dir, 'ikev1.pcapng');
    const ports = [ourPort, ourNatt, charonPort, charonNatt];
    const withTshark = existsSync(TSHARK);
    if (withTshark) capture = await startCapture(pcap, ports);

    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'initiate', '--config', file, '--json', '--keylog', dir, '--timeout', '20'], 60_000);
    if (r.code !== 0) throw new Error(`ike initiate exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncharon log:\n${charon.log()}`);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const names = events.map((e) => e.event);
    expect(names.indexOf('ike-sa-up')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('ike-sa-up')).toBeLessThan(names.indexOf('child-sa-up'));
    const up = events.find((e) => e.event === 'ike-sa-up')!;
    expect(up).toMatchObject({ initiator: true, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    expect(events.find((e) => e.event === 'child-sa-up')).toMatchObject({ mode: expect.stringMatching(/^tunnel/), remoteTs: [`${CHARON}/32`] });
    expect(r.stdout).not.toMatch(/encryptionKey|encrKey/);
    expect(charon.log()).toMatch(/IKE_SA v1conn\[\d+\] established/);
    // RFC 2408 section 3.15: our Delete removed the SAs at charon.
    await charon.waitForSas((s) => s.length === 0);

    const rows = readFileSync(join(dir, 'ikev1_decryption_table'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows).toHaveLength(1);
    expect(rows[0].startsWith(`${String(up.spiI).toLowerCase()},`)).toBe(true);

    if (!withTshark) return;
    await capture!.stop();
    const decode = ports.flatMap((p) => ['-d', `udp.port==${p},udpencap`]);
    const t = await run(TSHARK, ['-r', pcap, ...decode, '-o', `uat:ikev1_decryption_table:${rows[0]}`, '-Y', 'isakmp', '-V'], 30_000);
    if (t.code !== 0) throw new Error(`tshark failed (${t.code}): ${t.stderr}`);
    expect(t.stdout).toMatch(/Exchange type: Identity Protection \(Main Mode\)/);
    expect(t.stdout).toMatch(/Exchange type: Quick Mode/);
    // MM5's identity is encrypted: it shows only when the row decrypts it.
    expect(t.stdout).toMatch(/alice\.example/);
    expect(t.stdout).toMatch(/Payload: Delete/);
    const blind = await run(TSHARK, ['-r', pcap, ...decode, '-Y', 'isakmp', '-V'], 30_000);
    expect(blind.stdout).toMatch(/Exchange type: Quick Mode/);
    expect(blind.stdout).not.toMatch(/alice\.example/);
  }, 90_000);
});
