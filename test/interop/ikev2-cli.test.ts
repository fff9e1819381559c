/**
 * The `ike initiate` CLI against strongSwan charon: a JSON config file in, JSON event lines out
 * (IKE SA and CHILD SA up, then the clean delete of RFC 7296 1.4.1 before exit 0), with a Wireshark
 * key table written by --keylog. When tshark is installed, a capture of that exchange on loopback is
 * decoded with the key table: the IKE_AUTH payloads (RFC 7296 3.14, encrypted) come out in clear.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charonAvailable } from '../helpers/charon.js';
import { CHILD, established, oursMarksCustomPorts, startCharonFor, type CharonSide } from './fixture.js';

const MARKS = oursMarksCustomPorts();
const TSHARK = process.env.IKESTACK_TSHARK ?? '/usr/bin/tshark';
const ROOT = resolve(__dirname, '../..');

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** tshark capturing UDP on lo to `file`; resolves once it says it is capturing. */
async function startCapture(file: string, ports: number[]): Promise<{ proc: ChildProcess; stop: () => Promise<void> }> {
  const filter = ports.map((p) => `udp port ${p}`).join(' or ');
  const proc = spawn(TSHARK, ['-i', 'lo', '-f', filter, '-w', file, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    proc,
    stop: async () => {
      if (exited) return;
      // Let the last datagrams reach the capture file before stopping.
      await new Promise((r) => setTimeout(r, 500));
      proc.kill('SIGINT');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) proc.kill('SIGKILL');
    },
  };
}

describe.skipIf(!charonAvailable())('ike initiate (CLI) against strongSwan charon', () => {
  let side: CharonSide | undefined;
  let capture: Awaited<ReturnType<typeof startCapture>> | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ikestack-cli-'));
  afterAll(async () => {
    await capture?.stop();
    await side?.charon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!MARKS)('brings up the IKE SA and CHILD SA from a config file, prints JSON events, deletes cleanly and exits 0 (RFC 7296 1.2, 1.4.1); tshark decrypts the capture with --keylog', async () => {
    side = await startCharonFor({ ike: ['aes128-sha256-modp2048'], esp: ['aes128-sha256'] });
    const { charon, config, configJson } = side;
    const file = join(dir, 'alice.json');
    writeFileSync(file, JSON.stringify(configJson, null, 2));
    const keylog = join(dir, 'keys');
    const pcap = join(dir, 'ike.pcapng');
    const ports = [config.local.port, config.local.nattPort!, charon.port, charon.nattPort];
    const withTshark = existsSync(TSHARK);
    if (withTshark) capture = await startCapture(pcap, ports);

    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'initiate', '--config', file, '--json', '--keylog', keylog, '--timeout', '20'], 60_000);
    if (r.code !== 0) throw new Error(`ike initiate exited ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncharon log:\n${charon.log()}`);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const names = events.map((e) => e.event);
    expect(names).toContain('ike-sa-up');
    expect(names).toContain('child-sa-up');
    expect(names.indexOf('ike-sa-up')).toBeLessThan(names.indexOf('child-sa-up'));
    const up = events.find((e) => e.event === 'ike-sa-up')!;
    expect(up).toMatchObject({ initiator: true, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    const child = events.find((e) => e.event === 'child-sa-up')!;
    expect(child).toMatchObject({ mode: 'tunnel', remoteTs: [expect.stringMatching(/^127\.0\.0\.1/)] });
    // The JSON lines carry no key material (keys go to the keylog file only).
    expect(r.stdout).not.toMatch(/SK_e|SK_a|encrKey/);

    // charon saw the SA come up and our DELETE before exit.
    expect(charon.log()).toMatch(/IKE_SA ours\[\d+\] established/);
    await charon.waitForLog(/received DELETE for IKE_SA/, 5000);
    await charon.waitForSas((s) => s.length === 0);

    const table = join(keylog, 'ikev2_decryption_table');
    const keyFile = existsSync(table) ? table : keylog;
    const rows = readFileSync(keyFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0].toLowerCase()).toContain(String(up.spiI).toLowerCase());

    if (!withTshark) return;
    await capture!.stop();
    const decode = ports.flatMap((p) => ['-d', `udp.port==${p},udpencap`]);
    const uat = rows.flatMap((row) => ['-o', `uat:ikev2_decryption_table:${row}`]);
    const t = await run(TSHARK, ['-r', pcap, ...decode, ...uat, '-Y', 'isakmp', '-V'], 30_000);
    if (t.code !== 0) throw new Error(`tshark failed (${t.code}): ${t.stderr}`);
    // IKE_SA_INIT is in clear anyway; the identities and AUTH only appear once SK payloads decrypt.
    expect(t.stdout).toMatch(/Exchange type: IKE_SA_INIT/);
    expect(t.stdout).toMatch(/Exchange type: IKE_AUTH/);
    expect(t.stdout).toMatch(/Decrypted Data/);
    expect(t.stdout).toMatch(/Payload: Identification - Initiator/);
    expect(t.stdout).toMatch(/alice\.example/);
    expect(t.stdout).toMatch(/Payload: Authentication/);
    expect(t.stdout).toMatch(/Payload: Delete/);
    // Without the key table the same capture shows no identities: the rows above did the decrypting.
    const blind = await run(TSHARK, ['-r', pcap, ...decode, '-Y', 'isakmp', '-V'], 30_000);
    expect(blind.stdout).toMatch(/Exchange type: IKE_AUTH/);
    expect(blind.stdout).not.toMatch(/Payload: Identification - Initiator/);
    expect(blind.stdout).not.toMatch(/alice\.example/);
  });
});

describe.skipIf(!charonAvailable())('ike respond (CLI) against strongSwan charon', () => {
  let side: CharonSide | undefined;
  let proc: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ikestack-cli-respond-'));
  afterAll(async () => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await side?.charon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers charon from a config file, prints JSON events, and on SIGTERM deletes the IKE SA and exits 0 (RFC 7296 1.2, 1.4.1)', async () => {
    side = await startCharonFor({ ike: ['aes256gcm16-prfsha384-ecp384'], esp: ['aes256gcm16'] });
    const { charon, configJson } = side;
    const file = join(dir, 'alice.json');
    writeFileSync(file, JSON.stringify(configJson, null, 2));
    // node with tsx's loader, not the tsx launcher, so that SIGTERM reaches the command itself.
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'respond', '--config', file, '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    let out = '';
    let err = '';
    p.stderr!.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const waitLine = (pred: (e: Record<string, unknown>) => boolean, what: string) =>
      new Promise<Record<string, unknown>>((ok, fail) => {
        const check = () => {
          const hit = lines().find(pred);
          if (hit) {
            clearTimeout(timer);
            p.stdout!.off('data', check);
            ok(hit);
          }
        };
        const timer = setTimeout(() => fail(new Error(`no ${what} line; stdout:\n${out}\nstderr:\n${err}`)), 20_000);
        p.stdout!.on('data', check);
        check();
      });
    p.stdout!.on('data', (d) => (out += String(d)));
    const listening = await waitLine((e) => e.event === 'listening', 'listening');
    expect(JSON.stringify(listening)).toContain(String(side.config.local.port));

    await charon.initiate(CHILD);
    const child = await waitLine((e) => e.event === 'child-sa-up', 'child-sa-up');
    const up = lines().find((e) => e.event === 'ike-sa-up')!;
    expect(up).toMatchObject({ initiator: false, localId: 'fqdn:alice.example', remoteId: 'fqdn:bob.example' });
    const [sa] = await charon.waitForSas(established());
    expect(sa.spiI).toBe(String(up.spiI).toLowerCase());
    expect(sa.children[0].spiIn).toBe(String(child.spiOut).toLowerCase());
    expect(sa).toMatchObject({ encrAlg: 'AES_GCM_16', encrKeysize: '256', dhGroup: 'ECP_384' });

    p.kill('SIGTERM');
    expect(await exited).toBe(0);
    await charon.waitForLog(/received DELETE for IKE_SA/, 5000);
    await charon.waitForSas((s) => s.length === 0);
  });
});
