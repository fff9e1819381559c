/**
 * A real strongSwan charon (charon-systemd in the foreground) on loopback, for the interop tests.
 *
 * Each instance gets its own temp dir with a generated strongswan.conf (custom IKE and NAT-T ports, a
 * private vici socket, file logging, an explicit plugin list with kernel-libipsec so CHILD SAs complete
 * in userspace over a TUN device) and swanctl.conf, and is driven with `swanctl` over that socket.
 * charon writes no PID file, so several can run side by side.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHARON_BIN = process.env.IKESTACK_CHARON ?? '/usr/sbin/charon-systemd';
export const SWANCTL_BIN = process.env.IKESTACK_SWANCTL ?? '/usr/sbin/swanctl';

/**
 * True when charon and swanctl are installed. Outside CI a missing charon skips the interop suites
 * (describe.skipIf(!charonAvailable())); with CI=true it is a failure, never a skip.
 */
export function charonAvailable(): boolean {
  const why = charonMissing();
  if (why && process.env.CI === 'true') {
    throw new Error(`${why}; CI=true makes the interop suites fail (scripts/ci-install-strongswan.sh installs strongSwan)`);
  }
  return why === undefined;
}

/** Why charon cannot run here, or undefined. kernel-libipsec needs root and /dev/net/tun for its TUN device. */
function charonMissing(): string | undefined {
  if (!existsSync(CHARON_BIN) || !existsSync(SWANCTL_BIN)) return `${CHARON_BIN} or ${SWANCTL_BIN} is missing`;
  if (process.getuid && process.getuid() !== 0) return 'charon needs root (kernel-libipsec opens a TUN device)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing (kernel-libipsec needs a TUN device)';
  return undefined;
}

/** One CHILD_SA config of a swanctl connection (swanctl.conf `connections.<conn>.children.<name>`). */
export interface CharonChild {
  name: string;
  localTs: string[];
  remoteTs: string[];
  espProposals?: string[];
  mode?: 'tunnel' | 'transport';
  startAction?: 'none' | 'trap' | 'start';
  rekeyTime?: string | number;
  lifeTime?: string | number;
  dpdAction?: 'clear' | 'trap' | 'restart';
  closeAction?: 'none' | 'trap' | 'start';
  /** Further `key = value` lines for the child section. */
  extra?: Record<string, string | number>;
}

/** One swanctl connection with PSK authentication both ways. */
export interface CharonConn {
  name: string;
  version?: 1 | 2;
  localAddrs: string[];
  remoteAddrs: string[];
  /** Defaults to the instance's `port`. */
  localPort?: number;
  remotePort: number;
  proposals: string[];
  localId: string;
  remoteId: string;
  psk: string;
  children: CharonChild[];
  rekeyTime?: string | number;
  reauthTime?: string | number;
  overTime?: string | number;
  dpdDelay?: string | number;
  dpdTimeout?: string | number;
  fragmentation?: 'yes' | 'no' | 'accept' | 'force';
  mobike?: boolean;
  aggressive?: boolean;
  /** Address pools (names from CharonOptions.pools) to hand out virtual IPs from (RFC 7296 2.19). */
  pools?: string[];
  /** Virtual IPs to request as initiator, e.g. ['0.0.0.0'] for any IPv4 address. */
  vips?: string[];
  /** Further `key = value` lines for the connection section. */
  extra?: Record<string, string | number>;
}

export interface CharonOptions {
  name: string;
  port: number;
  nattPort: number;
  conns: CharonConn[];
  /** filelog level for every subsystem (default 1) and at least 2 for ike/net/cfg/chd. */
  logLevel?: number;
  /** Extra lines inside `charon-systemd { ... }` (strongswan.conf syntax, one setting per line). */
  extraConf?: string;
  /** swanctl.conf `pools`: name -> addresses (a subnet or range) and optional DNS servers. */
  pools?: Record<string, { addrs: string; dns?: string[] }>;
}

export interface CharonChildSa {
  name: string;
  uniqueid: string;
  reqid?: string;
  state: string;
  mode?: string;
  protocol?: string;
  encap?: string;
  spiIn?: string;
  spiOut?: string;
  encrAlg?: string;
  encrKeysize?: string;
  integAlg?: string;
  dhGroup?: string;
  localTs: string[];
  remoteTs: string[];
  raw: Record<string, unknown>;
}

export interface CharonIkeSa {
  name: string;
  uniqueid: string;
  version: string;
  state: string;
  localHost?: string;
  localPort?: string;
  localId?: string;
  remoteHost?: string;
  remotePort?: string;
  remoteId?: string;
  initiator: boolean;
  spiI?: string;
  spiR?: string;
  natRemote: boolean;
  natLocal: boolean;
  /** kernel-libipsec makes charon fake a NAT to force UDP encapsulation ("faking NAT situation"). */
  natFake: boolean;
  natAny: boolean;
  encrAlg?: string;
  encrKeysize?: string;
  integAlg?: string;
  prfAlg?: string;
  dhGroup?: string;
  children: CharonChildSa[];
  raw: Record<string, unknown>;
}

export interface Charon {
  readonly name: string;
  readonly port: number;
  readonly nattPort: number;
  readonly dir: string;
  readonly vici: string;
  readonly logFile: string;
  /** Runs swanctl with this instance's vici socket; resolves with stdout, rejects with stderr/stdout on failure. */
  swanctl(args: string[], timeoutMs?: number): Promise<string>;
  /** `swanctl --initiate --child <child>` (waits for the outcome, at most timeoutMs). */
  initiate(child: string, opts?: { ike?: string; timeoutMs?: number }): Promise<string>;
  /** `swanctl --terminate --ike <ike>`. */
  terminate(ike: string, opts?: { timeoutMs?: number; force?: boolean }): Promise<string>;
  terminateChild(child: string, opts?: { timeoutMs?: number }): Promise<string>;
  /** `swanctl --rekey --ike <ike>` / `--child <child>` (charon starts the exchange; does not wait for it). */
  rekeyIke(ike: string): Promise<string>;
  rekeyChild(child: string): Promise<string>;
  /** `swanctl --list-sas --raw`, parsed. */
  listSas(): Promise<CharonIkeSa[]>;
  /** Resolves with the match once the log contains `re` (from the start of the log), rejects after timeoutMs. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Polls listSas until `pred` holds, rejects after timeoutMs with the last listing. */
  waitForSas(pred: (sas: CharonIkeSa[]) => boolean, timeoutMs?: number): Promise<CharonIkeSa[]>;
  /** Full log text so far. */
  log(): string;
  /** True while the charon process runs. */
  running(): boolean;
  /** SIGSTOP / SIGCONT to charon (and its watchdog): a peer that silently stops answering, and comes back. */
  freeze(): void;
  thaw(): void;
  /** SIGTERM, wait up to 3 s, then SIGKILL; removes the temp dir unless IKESTACK_KEEP_CHARON is set. */
  stop(): Promise<void>;
}

const PLUGINS =
  'random nonce aes sha1 sha2 md5 hmac gmp curve25519 openssl kdf pem pkcs1 x509 pubkey gcm chapoly xcbc cmac ctr ccm ' +
  'kernel-libipsec kernel-netlink socket-default vici updown';

function list(v: string[]): string {
  return v.join(',');
}

/** swanctl.conf / strongswan.conf value: quoted when it holds anything beyond plain characters. */
function val(v: string | number): string {
  const s = String(v);
  return /^[A-Za-z0-9_.,:/@%+-]*$/.test(s) && s !== '' ? s : JSON.stringify(s);
}

function lines(indent: string, extra: Record<string, string | number> | undefined): string[] {
  return Object.entries(extra ?? {}).map(([k, v]) => `${indent}${k} = ${val(v)}`);
}

export function strongswanConf(opts: CharonOptions, dir: string): string {
  const level = opts.logLevel ?? 1;
  const detail = Math.max(level, 2);
  return [
    'charon-systemd {',
    `  port = ${opts.port}`,
    `  port_nat_t = ${opts.nattPort}`,
    '  load_modular = no',
    `  load = ${PLUGINS}`,
    // kernel-libipsec would otherwise add routes over its TUN device to the host's routing table 220.
    '  install_routes = no',
    '  retransmit_tries = 3',
    '  retransmit_timeout = 1.0',
    '  retransmit_base = 1.4',
    '  journal {',
    '    default = -1',
    '  }',
    '  filelog {',
    '    interop {',
    `      path = ${join(dir, 'charon.log')}`,
    `      default = ${level}`,
    `      ike = ${detail}`,
    `      enc = ${level}`,
    `      net = ${detail}`,
    `      cfg = ${detail}`,
    `      chd = ${detail}`,
    '      time_format = %H:%M:%S',
    '      ike_name = yes',
    '      flush_line = yes',
    '    }',
    '  }',
    '  plugins {',
    '    vici {',
    `      socket = unix://${join(dir, 'charon.vici')}`,
    '    }',
    // Both ends share 127.0.0.1, so a traffic selector may cover the IKE peer itself.
    '    kernel-libipsec {',
    '      allow_peer_ts = yes',
    '    }',
    '  }',
    ...(opts.extraConf ? opts.extraConf.split('\n').map((l) => `  ${l.trim()}`) : []),
    '}',
    '',
  ].join('\n');
}

export function swanctlConf(opts: CharonOptions): string {
  const out: string[] = ['connections {'];
  const secrets: string[] = ['secrets {'];
  opts.conns.forEach((c, i) => {
    out.push(`  ${c.name} {`);
    out.push(`    version = ${c.version ?? 2}`);
    out.push(`    local_addrs = ${list(c.localAddrs)}`);
    out.push(`    remote_addrs = ${list(c.remoteAddrs)}`);
    out.push(`    local_port = ${c.localPort ?? opts.port}`);
    out.push(`    remote_port = ${c.remotePort}`);
    out.push(`    proposals = ${list(c.proposals)}`);
    if (c.rekeyTime !== undefined) out.push(`    rekey_time = ${val(c.rekeyTime)}`);
    if (c.reauthTime !== undefined) out.push(`    reauth_time = ${val(c.reauthTime)}`);
    if (c.overTime !== undefined) out.push(`    over_time = ${val(c.overTime)}`);
    if (c.dpdDelay !== undefined) out.push(`    dpd_delay = ${val(c.dpdDelay)}`);
    if (c.dpdTimeout !== undefined) out.push(`    dpd_timeout = ${val(c.dpdTimeout)}`);
    if (c.fragmentation !== undefined) out.push(`    fragmentation = ${c.fragmentation}`);
    if (c.mobike !== undefined) out.push(`    mobike = ${c.mobike ? 'yes' : 'no'}`);
    if (c.aggressive !== undefined) out.push(`    aggressive = ${c.aggressive ? 'yes' : 'no'}`);
    if (c.pools) out.push(`    pools = ${list(c.pools)}`);
    if (c.vips) out.push(`    vips = ${list(c.vips)}`);
    out.push(...lines('    ', c.extra));
    out.push('    local {', '      auth = psk', `      id = ${val(c.localId)}`, '    }');
    out.push('    remote {', '      auth = psk', `      id = ${val(c.remoteId)}`, '    }');
    out.push('    children {');
    for (const ch of c.children) {
      out.push(`      ${ch.name} {`);
      out.push(`        local_ts = ${list(ch.localTs)}`);
      out.push(`        remote_ts = ${list(ch.remoteTs)}`);
      if (ch.espProposals) out.push(`        esp_proposals = ${list(ch.espProposals)}`);
      out.push(`        mode = ${ch.mode ?? 'tunnel'}`);
      out.push(`        start_action = ${ch.startAction ?? 'none'}`);
      if (ch.rekeyTime !== undefined) out.push(`        rekey_time = ${val(ch.rekeyTime)}`);
      if (ch.lifeTime !== undefined) out.push(`        life_time = ${val(ch.lifeTime)}`);
      if (ch.dpdAction !== undefined) out.push(`        dpd_action = ${ch.dpdAction}`);
      if (ch.closeAction !== undefined) out.push(`        close_action = ${ch.closeAction}`);
      out.push(...lines('        ', ch.extra));
      out.push('      }');
    }
    out.push('    }', '  }');
    secrets.push(`  ike-${c.name}-${i} {`, `    id-local = ${val(c.localId)}`, `    id-remote = ${val(c.remoteId)}`);
    secrets.push(`    secret = ${val(c.psk)}`, '  }');
  });
  out.push('}', ...secrets, '}');
  out.push('pools {');
  for (const [name, pool] of Object.entries(opts.pools ?? {})) {
    out.push(`  ${name} {`, `    addrs = ${pool.addrs}`);
    if (pool.dns) out.push(`    dns = ${list(pool.dns)}`);
    out.push('  }');
  }
  out.push('}', '');
  return out.join('\n');
}

/** Parses swanctl's `--raw` output (vici messages as `key=value`, `key {…}`, `key=[a b]`). */
export function parseRaw(text: string): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && /\s/.test(text[i])) i++;
  };
  const word = (stops: string): string => {
    const start = i;
    while (i < n && !/\s/.test(text[i]) && !stops.includes(text[i])) i++;
    return text.slice(start, i);
  };
  const section = (): Record<string, unknown> => {
    const obj: Record<string, unknown> = Object.create(null);
    for (;;) {
      ws();
      if (i >= n) return obj;
      if (text[i] === '}') {
        i++;
        return obj;
      }
      const key = word('={}');
      ws();
      if (text[i] === '{') {
        i++;
        obj[key] = section();
      } else if (text[i] === '=') {
        i++;
        if (text[i] === '[') {
          i++;
          const items: string[] = [];
          for (;;) {
            ws();
            if (i >= n) break;
            if (text[i] === ']') {
              i++;
              break;
            }
            // An item may hold brackets of its own: `127.0.0.1/32[tcp]`.
            const start = i;
            let depth = 0;
            while (i < n && !/\s/.test(text[i]) && !(text[i] === ']' && depth === 0)) {
              if (text[i] === '[') depth++;
              else if (text[i] === ']') depth--;
              i++;
            }
            items.push(text.slice(start, i));
          }
          obj[key] = items;
        } else {
          // A value runs to the next ` key=`, ` key {`, `}` or line end, so ids with spaces survive.
          const rest = text.slice(i);
          const m = /^(.*?)(?=\s+[^\s={}[\]]+(?:=|\s*\{)|\s*\}|\s*\n|$)/.exec(rest);
          const v = m ? m[1] : word('}');
          i += v.length;
          obj[key] = v;
        }
      } else if (key === '') {
        i++;
      } else {
        obj[key] = true;
      }
    }
  };
  while (i < n) {
    ws();
    if (i >= n) break;
    const name = word('{');
    ws();
    if (text[i] === '{') {
      i++;
      messages.push({ [name]: section() });
    } else {
      // `list-sa event {…}`: the message name has two words.
      const name2 = word('{');
      ws();
      if (text[i] === '{') {
        i++;
        messages.push({ [`${name} ${name2}`]: section() });
      } else if (i >= n) break;
    }
  }
  return messages;
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

function toChild(name: string, o: Record<string, unknown>): CharonChildSa {
  const arr = (k: string) => (Array.isArray(o[k]) ? (o[k] as string[]) : []);
  return {
    name: str(o, 'name') ?? name,
    uniqueid: str(o, 'uniqueid') ?? '',
    reqid: str(o, 'reqid'),
    state: str(o, 'state') ?? '',
    mode: str(o, 'mode'),
    protocol: str(o, 'protocol'),
    encap: str(o, 'encap'),
    spiIn: str(o, 'spi-in'),
    spiOut: str(o, 'spi-out'),
    encrAlg: str(o, 'encr-alg'),
    encrKeysize: str(o, 'encr-keysize'),
    integAlg: str(o, 'integ-alg'),
    dhGroup: str(o, 'dh-group'),
    localTs: arr('local-ts'),
    remoteTs: arr('remote-ts'),
    raw: o,
  };
}

export function parseListSas(text: string): CharonIkeSa[] {
  const out: CharonIkeSa[] = [];
  for (const msg of parseRaw(text)) {
    const body = msg['list-sa event'] as Record<string, unknown> | undefined;
    if (!body) continue;
    for (const [name, v] of Object.entries(body)) {
      const o = v as Record<string, unknown>;
      const kids = (o['child-sas'] ?? {}) as Record<string, Record<string, unknown>>;
      out.push({
        name,
        uniqueid: str(o, 'uniqueid') ?? '',
        version: str(o, 'version') ?? '',
        state: str(o, 'state') ?? '',
        localHost: str(o, 'local-host'),
        localPort: str(o, 'local-port'),
        localId: str(o, 'local-id'),
        remoteHost: str(o, 'remote-host'),
        remotePort: str(o, 'remote-port'),
        remoteId: str(o, 'remote-id'),
        initiator: str(o, 'initiator') === 'yes',
        spiI: str(o, 'initiator-spi'),
        spiR: str(o, 'responder-spi'),
        natRemote: str(o, 'nat-remote') === 'yes',
        natLocal: str(o, 'nat-local') === 'yes',
        natFake: str(o, 'nat-fake') === 'yes',
        natAny: str(o, 'nat-any') === 'yes',
        encrAlg: str(o, 'encr-alg'),
        encrKeysize: str(o, 'encr-keysize'),
        integAlg: str(o, 'integ-alg'),
        prfAlg: str(o, 'prf-alg'),
        dhGroup: str(o, 'dh-group'),
        children: Object.entries(kids).map(([k, c]) => toChild(k, c)),
        raw: o,
      });
    }
  }
  return out;
}

async function udpPortFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, address, () => s.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free UDP ports from a random base in 20000-40000, free on every given address
 * (checked by binding; a port taken between the check and charon's bind shows up as a startup failure).
 */
export async function freePorts(count: number, addresses: string[] = ['127.0.0.1']): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (20000 - count));
    const ports = Array.from({ length: count }, (_, k) => base + k);
    let ok = true;
    for (const p of ports) {
      for (const a of [...addresses, '0.0.0.0']) {
        if (!(await udpPortFree(a, p))) ok = false;
      }
      if (!ok) break;
    }
    if (ok) return ports;
  }
  throw new Error('no free UDP port range found in 20000-40000');
}

function run(bin: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every charon this process started and has not stopped, so a crashed test still cleans up on exit. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) if (p.pid) killGroup(p.pid);
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * `sh -c WATCHDOG charon`: starts charon, and stops it (SIGTERM, then waits) as soon as stdin reaches
 * end of file, i.e. when stop() closes it or the test process dies.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$0" </dev/null 3<&- &',
  'c=$!',
  '( read _ <&3; kill -TERM $c 2>/dev/null ) 3<&3 &',
  'w=$!',
  'exec 3<&-',
  'wait $c; s=$?',
  'kill $w 2>/dev/null',
  'exit $s',
].join('\n');

export async function startCharon(opts: CharonOptions): Promise<Charon> {
  charonAvailable();
  const dir = mkdtempSync(join(tmpdir(), `ikestack-charon-${opts.name}-`));
  const conf = join(dir, 'strongswan.conf');
  const swanctlFile = join(dir, 'swanctl.conf');
  const logFile = join(dir, 'charon.log');
  const vici = join(dir, 'charon.vici');
  const uri = `unix://${vici}`;
  writeFileSync(conf, strongswanConf(opts, dir));
  writeFileSync(swanctlFile, swanctlConf(opts), { mode: 0o600 });

  let stderr = '';
  // charon runs under a small sh watchdog that holds our pipe on fd 3: when this process goes away
  // (even by SIGKILL, when no exit handler runs) the pipe closes and the watchdog stops charon.
  const proc = spawn('/bin/sh', ['-c', WATCHDOG, CHARON_BIN], {
    env: { ...process.env, STRONGSWAN_CONF: conf },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(proc);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      exited = true;
      live.delete(proc);
      resolve();
    });
  });
  proc.stdout?.on('data', (d) => (stderr += String(d)));
  proc.stderr?.on('data', (d) => (stderr += String(d)));

  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  const stop = async () => {
    if (!exited) {
      proc.stdin?.end(); // the watchdog sends charon SIGTERM and waits for it
      await Promise.race([exitPromise, sleep(3000)]);
      if (!exited && proc.pid) {
        killGroup(proc.pid);
        await Promise.race([exitPromise, sleep(2000)]);
      }
    }
    if (!process.env.IKESTACK_KEEP_CHARON) rmSync(dir, { recursive: true, force: true });
  };

  const swanctl = async (args: string[], timeoutMs = 15_000) => {
    const r = await run(SWANCTL_BIN, [...args, '--uri', uri], timeoutMs);
    if (r.code !== 0) throw new Error(`swanctl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  };

  // The vici socket appears once the plugins are loaded.
  const t0 = Date.now();
  while (!existsSync(vici)) {
    if (exited || Date.now() - t0 > 10_000) {
      const why = exited ? `exited with ${proc.exitCode ?? proc.signalCode}` : 'no vici socket after 10 s';
      await stop();
      throw new Error(`charon ${opts.name} ${why}: ${stderr}\n${log()}`);
    }
    await sleep(50);
  }
  try {
    await swanctl(['--load-all', '--noprompt', '--file', swanctlFile]);
  } catch (e) {
    const text = log();
    await stop();
    throw new Error(`${(e as Error).message}\ncharon log:\n${text}`);
  }

  const listSas = async () => parseListSas(await swanctl(['--list-sas', '--raw']));

  return {
    name: opts.name,
    port: opts.port,
    nattPort: opts.nattPort,
    dir,
    vici,
    logFile,
    swanctl,
    initiate: (child, o = {}) =>
      swanctl(['--initiate', '--child', child, ...(o.ike ? ['--ike', o.ike] : []), '--timeout', String(Math.ceil((o.timeoutMs ?? 10_000) / 1000))], (o.timeoutMs ?? 10_000) + 5000),
    terminate: (ike, o = {}) =>
      swanctl(['--terminate', '--ike', ike, ...(o.force ? ['--force'] : []), '--timeout', String(Math.ceil((o.timeoutMs ?? 10_000) / 1000))], (o.timeoutMs ?? 10_000) + 5000),
    terminateChild: (child, o = {}) =>
      swanctl(['--terminate', '--child', child, '--timeout', String(Math.ceil((o.timeoutMs ?? 10_000) / 1000))], (o.timeoutMs ?? 10_000) + 5000),
    rekeyIke: (ike) => swanctl(['--rekey', '--ike', ike]),
    rekeyChild: (child) => swanctl(['--rekey', '--child', child]),
    listSas,
    waitForLog: async (re, timeoutMs = 10_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const m = log().match(re);
        if (m) return m;
        if (Date.now() > end) throw new Error(`charon ${opts.name}: no log line matching ${re} within ${timeoutMs} ms; log:\n${log()}`);
        await sleep(100);
      }
    },
    waitForSas: async (pred, timeoutMs = 10_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const sas = await listSas();
        if (pred(sas)) return sas;
        if (Date.now() > end) {
          throw new Error(`charon ${opts.name}: SA condition not met within ${timeoutMs} ms; SAs: ${JSON.stringify(sas.map(({ raw: _r, ...s }) => ({ ...s, children: s.children.map(({ raw: _c, ...c }) => c) })))}\nlog:\n${log()}`);
        }
        await sleep(150);
      }
    },
    log,
    running: () => !exited,
    freeze: () => {
      if (proc.pid && !exited) process.kill(-proc.pid, 'SIGSTOP');
    },
    thaw: () => {
      if (proc.pid && !exited) process.kill(-proc.pid, 'SIGCONT');
    },
    stop: async () => {
      if (proc.pid && !exited) process.kill(-proc.pid, 'SIGCONT');
      await stop();
    },
  };
}
