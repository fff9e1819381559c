/**
 * The charon harness proven on itself: two strongSwan charons on 127.0.0.1 (custom ports, PSK,
 * aes128-sha256-modp2048) bring up an IKE SA and a CHILD SA (RFC 7296 1.2), both list the CHILD SA as
 * INSTALLED with mirrored SPIs and traffic selectors, and a terminate deletes both (RFC 7296 1.4.1).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charonAvailable, freePorts, parseListSas, startCharon, swanctlConf, type Charon } from '../helpers/charon.js';

const ROOT = resolve(__dirname, '../..');

describe('charon helper: swanctl --raw parsing', () => {
  it('reads nested sections, lists and values of a list-sa event', () => {
    const text =
      'list-sa event {ab {uniqueid=1 version=2 state=ESTABLISHED local-host=127.0.0.1 local-port=21501 local-id=alice.example ' +
      'remote-host=127.0.0.1 remote-port=21503 remote-id=bob.example initiator=yes initiator-spi=0123456789abcdef ' +
      'responder-spi=fedcba9876543210 nat-remote=yes encr-alg=AES_CBC encr-keysize=128 integ-alg=HMAC_SHA2_256_128 ' +
      'prf-alg=PRF_HMAC_SHA2_256 dh-group=MODP_2048 child-sas {net-1 {name=net uniqueid=1 reqid=1 state=INSTALLED ' +
      'mode=TUNNEL protocol=ESP spi-in=c1234567 spi-out=c7654321 local-ts=[10.1.0.0/24] remote-ts=[10.2.0.0/24 10.3.0.0/24[tcp/http]]}}}}\n' +
      'list-sa event {cd {uniqueid=2 version=2 state=CONNECTING remote-id=carol@example.org initiator=no child-sas {}}}\n';
    const sas = parseListSas(text);
    expect(sas).toHaveLength(2);
    expect(sas[0]).toMatchObject({ name: 'ab', state: 'ESTABLISHED', initiator: true, spiI: '0123456789abcdef', natRemote: true, dhGroup: 'MODP_2048' });
    expect(sas[0].children[0]).toMatchObject({ name: 'net', state: 'INSTALLED', spiIn: 'c1234567', localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24', '10.3.0.0/24[tcp/http]'] });
    expect(sas[1]).toMatchObject({ name: 'cd', state: 'CONNECTING', initiator: false, remoteId: 'carol@example.org', children: [] });
  });

  it('writes one swanctl.conf setting per line (a one-line section fails to load)', () => {
    const conf = swanctlConf({
      name: 'x',
      port: 1,
      nattPort: 2,
      conns: [{ name: 'c', localAddrs: ['127.0.0.1'], remoteAddrs: ['127.0.0.1'], remotePort: 3, proposals: ['aes128-sha256-modp2048'], localId: 'a', remoteId: 'b', psk: 'p w', children: [{ name: 'n', localTs: ['10.1.0.0/24'], remoteTs: ['10.2.0.0/24'] }] }],
    });
    for (const line of conf.split('\n')) expect(line.split('=').length).toBeLessThanOrEqual(2);
    expect(conf).toContain('secret = "p w"');
  });
});

describe.skipIf(!charonAvailable())('charon harness: charon against charon on loopback', () => {
  let a: Charon | undefined;
  let b: Charon | undefined;

  beforeAll(async () => {
    const [pa, pan, pb, pbn] = await freePorts(4);
    const conn = (port: number, peer: number, me: string, them: string, lts: string, rts: string) => ({
      name: 'ab',
      localAddrs: ['127.0.0.1'],
      remoteAddrs: ['127.0.0.1'],
      localPort: port,
      remotePort: peer,
      proposals: ['aes128-sha256-modp2048'],
      localId: me,
      remoteId: them,
      psk: 'cisco',
      children: [{ name: 'net', localTs: [lts], remoteTs: [rts], espProposals: ['aes128-sha256'] }],
    });
    [a, b] = await Promise.all([
      startCharon({ name: 'a', port: pa, nattPort: pan, conns: [conn(pa, pb, 'alice.example', 'bob.example', '127.0.0.1/32', '127.0.0.1/32')] }),
      startCharon({ name: 'b', port: pb, nattPort: pbn, conns: [conn(pb, pa, 'bob.example', 'alice.example', '127.0.0.1/32', '127.0.0.1/32')] }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('brings up IKE and CHILD SAs (RFC 7296 1.2), lists them INSTALLED on both sides, and terminates them (1.4.1)', async () => {
    const out = await a!.initiate('net');
    expect(out).toMatch(/CHILD_SA .* established/);
    const [sa] = await a!.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.children.some((c) => c.state === 'INSTALLED')));
    const [peer] = await b!.waitForSas((s) => s.some((x) => x.state === 'ESTABLISHED' && x.children.some((c) => c.state === 'INSTALLED')));
    expect(sa).toMatchObject({ initiator: true, encrAlg: 'AES_CBC', encrKeysize: '128', integAlg: 'HMAC_SHA2_256_128', prfAlg: 'PRF_HMAC_SHA2_256', dhGroup: 'MODP_2048' });
    expect(peer.initiator).toBe(false);
    expect(peer.spiI).toBe(sa.spiI);
    expect(peer.spiR).toBe(sa.spiR);
    const [ca] = sa.children;
    const [cb] = peer.children;
    expect(ca.spiIn).toBe(cb.spiOut);
    expect(ca.spiOut).toBe(cb.spiIn);
    expect(ca.localTs).toEqual(cb.remoteTs);
    expect(ca.localTs).toEqual(['127.0.0.1/32']);
    // kernel-libipsec makes charon claim to be behind a NAT, so the SA floats to the NAT-T ports (RFC 7296 2.23).
    expect(sa.localPort).toBe(String(a!.nattPort));

    await a!.terminate('ab');
    await a!.waitForSas((s) => s.length === 0);
    await b!.waitForSas((s) => s.length === 0);
    expect(b!.log()).toMatch(/received DELETE for IKE_SA/);
  });
});

describe.skipIf(!charonAvailable())('charon harness: no charon outlives its test process', () => {
  it('a test process killed with SIGKILL (no exit handler runs) still takes its charon down', async () => {
    const script = [
      '(async () => {',
      `  const { startCharon, freePorts } = await import(${JSON.stringify(join(ROOT, 'test/helpers/charon.ts'))});`,
      '  const [p, n] = await freePorts(2);',
      "  const c = await startCharon({ name: 'orphan', port: p, nattPort: n, conns: [] });",
      "  console.log('ready ' + c.logFile);",
      '  setInterval(() => {}, 1000);',
      '})();',
    ].join('\n');
    // node itself with tsx's loader (the tsx launcher would put one more process in between).
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, IKESTACK_KEEP_CHARON: '1' } });
    let out = '';
    const logFile = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`child did not start charon: ${out}`)), 20_000);
      const onData = (d: Buffer) => {
        out += String(d);
        const m = /ready (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d) => (out += String(d)));
      child.once('exit', (code) => fail(new Error(`child exited ${code}: ${out}`)));
    });
    try {
      expect(readFileSync(logFile, 'utf8')).toMatch(/loaded plugins: charon-systemd/);
      child.kill('SIGKILL');
      const end = Date.now() + 10_000;
      while (!/SIGTERM received, shutting down/.test(readFileSync(logFile, 'utf8'))) {
        if (Date.now() > end) throw new Error(`orphaned charon still running; log:\n${readFileSync(logFile, 'utf8')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      child.kill('SIGKILL');
      const dir = logFile.replace(/\/charon\.log$/, '');
      if (dir.includes('ikestack-charon-orphan-') && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  });
});
