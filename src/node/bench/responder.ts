/**
 * Responder CPU per handshake, measured the way strongSwan's figure was: the responder runs in its
 * own process, the load comes from this one (runLoad), and the responder's CPU time (utime + stime
 * from /proc/<pid>/stat, which counts every thread, GC included) is divided by the handshakes
 * completed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { IkeConfig } from '../../config/index.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { runLoad, type LoadResult } from './loadgen.js';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux port in use). */
const USER_HZ = 100;

/** utime + stime of a process in ms, or undefined without /proc. */
export function processCpuMs(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces; fields 14 and 15 follow it.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / USER_HZ;
}

/** A responder under test: where it listens, its process, and how to stop it. */
export interface ResponderUnderTest {
  name: string;
  pid: number;
  address: string;
  port: number;
  stop(): Promise<void>;
  /** `ike bench --serve` only: its heap and RSS after full collections, and the IKE SAs it has had up. */
  memory?(): Promise<{ heap: number; rss: number; ikeSasUp: number }>;
}

export interface ResponderCpuResult {
  responder: string;
  /** Responder CPU ms per completed handshake. */
  cpuMsPerHandshake: number;
  cpuMs: number;
  load: LoadResult;
}

/**
 * Runs a warm-up load (not counted), then the measured load, reading the responder's CPU time
 * around the latter.
 */
export async function measureResponderCpu(o: {
  responder: ResponderUnderTest;
  initiator: IkeConfig;
  count: number;
  concurrency: number;
  warmup?: number;
  provider?: CryptoProvider;
  totalTimeoutMs?: number;
}): Promise<ResponderCpuResult> {
  const config: IkeConfig = { ...o.initiator, remote: { ...o.initiator.remote, address: o.responder.address, port: o.responder.port } };
  const common = { config, concurrency: o.concurrency, provider: o.provider, totalTimeoutMs: o.totalTimeoutMs };
  if ((o.warmup ?? 0) > 0) await runLoad({ ...common, count: o.warmup! });
  const before = processCpuMs(o.responder.pid);
  if (before === undefined) throw new Error(`no /proc/${o.responder.pid}/stat: responder CPU needs Linux /proc`);
  const load = await runLoad({ ...common, count: o.count });
  // The responder may still be finishing the last replies; its CPU is read once it settles.
  await new Promise((r) => setTimeout(r, 100));
  const after = processCpuMs(o.responder.pid) ?? before;
  const cpuMs = after - before;
  return { responder: o.responder.name, cpuMs, cpuMsPerHandshake: load.completed ? cpuMs / load.completed : NaN, load };
}

/**
 * Starts `ike bench --serve` (a responder that prints nothing per SA) in a child process, with the
 * same Node flags and entry script as this process unless told otherwise, and waits until it
 * listens.
 */
export async function spawnBenchResponder(o: { configFile: string; provider: 'pure' | 'node'; entry?: string[]; address: string; port: number }): Promise<ResponderUnderTest> {
  const entry = o.entry ?? [...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')), process.argv[1]];
  const child: ChildProcess = spawn(process.execPath, [...entry, 'bench', '--serve', '--config', o.configFile, '--provider', o.provider], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench responder did not start within 20 s: ${stderr}`)), 20_000);
    lines.on('line', (l) => {
      if (l.includes('"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench responder exited with ${code}: ${stderr}`));
    });
  });
  return {
    name: `ikestack (${o.provider})`,
    pid: child.pid!,
    address: o.address,
    port: o.port,
    memory() {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('bench responder gave no memory report within 60 s')), 60_000);
        const onLine = (l: string) => {
          if (!l.includes('"memory"')) return;
          clearTimeout(timer);
          lines.off('line', onLine);
          resolve(JSON.parse(l) as { heap: number; rss: number; ikeSasUp: number });
        };
        lines.on('line', onLine);
        child.kill('SIGUSR2');
      });
    },
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
