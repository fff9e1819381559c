/**
 * `startIkev2Cluster`: an IKEv2 responder (and initiator) spread over worker threads. The main
 * thread owns the UDP sockets (node:dgram has no SO_REUSEPORT on Node 20) and only moves
 * datagrams: each goes to the worker whose SPI partition holds the SPI the receiver chose (see
 * route.ts), as a transferred buffer; the workers run the endpoints and their timers and post
 * back what to send and the events.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IkeConfig } from '../../config/index.js';
import type { Datagram, IkeEvent, SaStatus } from '../../ikev2/index.js';
import { bindingsOf } from '../ikev2-node.js';
import { UdpTransport } from '../transport.js';
import type { ClusterEndpointOptions, FromWorker, Operation, ProviderName, ToWorker, WireDatagram, WorkerRequest, WorkerSetup } from './protocol.js';
import { workerFor } from './route.js';
import { waitForEvent } from '../node-base.js';

export interface StartIkev2ClusterOptions {
  configs: IkeConfig[];
  /** Worker threads (default: the machine's available parallelism), 1 to 256. */
  workers?: number;
  /** Which crypto provider each worker builds (default 'node'). */
  provider?: ProviderName;
  /** Endpoint options for every worker; cookieThreshold and maxHalfOpen apply per worker. */
  endpoint?: ClusterEndpointOptions;
  trace?: boolean;
  /** Emit 'keys' events. */
  keys?: boolean;
  /**
   * Datagrams waiting for one worker at most (default 1024); beyond it the dispatcher drops what
   * arrives for that worker, as a full socket buffer would, so a flood costs bounded memory.
   */
  maxQueued?: number;
  /** The worker script; found next to this module (source or dist layout) when absent. */
  workerScript?: string | URL;
}

/** An endpoint event with the index of the worker that raised it (IKE SA ids are per worker). */
export type ClusterEvent = IkeEvent & { worker: number };
export type ClusterSaStatus = SaStatus & { worker: number };
type Named<E extends IkeEvent['event']> = Extract<IkeEvent, { event: E }> & { worker: number };

export interface ClusterCounters {
  /** Datagrams handed to each worker. */
  dispatched: number[];
  /** Datagrams dropped because their worker had exited. */
  dropped: number;
  /** Datagrams dropped because their worker had maxQueued datagrams waiting. */
  overload: number;
}

export interface IkeCluster extends EventEmitter {
  readonly workers: number;
  readonly transport: UdpTransport;
  readonly counters: ClusterCounters;
  /** Starts IKE_SA_INIT on a worker (round robin when undefined); resolves at its first child-sa-up. */
  connect(configName?: string, opts?: { timeoutMs?: number; worker?: number }): Promise<{ worker: number; ikeSaId: string; childSaId: string }>;
  /** Runs an endpoint operation on the worker holding the SA; rejects when the endpoint refuses it. */
  act(worker: number, op: Exclude<Operation, 'initiate'>, id: string): Promise<void>;
  waitFor<E extends IkeEvent['event']>(name: E, match?: (e: Named<E>) => boolean, timeoutMs?: number): Promise<Named<E>>;
  /**
   * Each worker's event loop utilization (node:perf_hooks), the share of time it was busy: since it
   * started, or since `since` (an earlier result of this call).
   */
  utilization(since?: EventLoopUtilization[]): EventLoopUtilization[];
  /** Every worker's SA rows, each with its worker index. */
  status(): Promise<ClusterSaStatus[]>;
  /** Deletes every IKE SA (RFC 7296 section 1.4.1), waits up to graceMs for the answers, stops the workers and closes the sockets. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/** The worker script: worker.ts beside this file in a source checkout, else the bundled cluster-worker.js. */
function defaultWorkerScript(): URL {
  // A CommonJS bundle has no import.meta.url; __filename names the bundle there.
  const here = typeof import.meta.url === 'string' ? import.meta.url : typeof __filename === 'string' ? pathToFileURL(__filename).href : undefined;
  if (here === undefined) throw new Error('cannot tell where the cluster module is; pass workerScript');
  if (here.endsWith('.ts')) return new URL('./worker.ts', here);
  const ext = here.endsWith('.cjs') ? '.cjs' : '.js';
  for (const rel of ['./cluster-worker', '../node/cluster-worker', './node/cluster-worker', './cluster/worker', './worker'].map((r) => r + ext)) {
    const u = new URL(rel, here);
    if (existsSync(fileURLToPath(u))) return u;
  }
  throw new Error(`no cluster worker script next to ${here}; pass workerScript`);
}

/** A TypeScript worker script runs through tsx's loader (a source checkout, tests); JavaScript runs as is. */
function spawn(script: URL, setup: WorkerSetup): Worker {
  const workerData = { ikestackCluster: setup };
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const tsxRoot = dirname(createRequire(script).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(script.href)}, ${JSON.stringify(script.href)}))`;
  return new Worker(code, { eval: true, workerData });
}

function toWire(d: Datagram): { wire: WireDatagram; transfer: ArrayBuffer } {
  const buffer = d.data.buffer as ArrayBuffer;
  return { wire: { buffer, offset: d.data.byteOffset, length: d.data.byteLength, local: d.local, remote: d.remote, marker: !!d.marker }, transfer: buffer };
}

interface Pending {
  resolve: (m: FromWorker & { t: 'reply' }) => void;
  reject: (e: Error) => void;
}

class Cluster extends EventEmitter implements IkeCluster {
  transport!: UdpTransport;
  readonly workers: number;
  readonly counters: ClusterCounters;
  private readonly threads: Worker[] = [];
  private readonly alive: boolean[] = [];
  private readonly pending = new Map<number, Pending & { worker: number }>();
  private readonly consumed: Int32Array;
  private readonly maxQueued: number;
  private nextId = 1;
  private nextWorker = 0;
  private closing?: Promise<void>;

  constructor(private readonly opts: StartIkev2ClusterOptions) {
    super();
    const n = opts.workers ?? availableParallelism();
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`workers must be 1 to 256, not ${n}`);
    // Each worker would lease from its own copy of the pool, and two peers could get one address.
    if (n > 1 && opts.endpoint?.addressPool) throw new Error('an addressPool cannot be shared by several workers; run with workers: 1');
    this.workers = n;
    this.counters = { dispatched: new Array<number>(n).fill(0), dropped: 0, overload: 0 };
    this.consumed = new Int32Array(new SharedArrayBuffer(4 * n));
    this.maxQueued = opts.maxQueued ?? 1024;
    if (!(Number.isInteger(this.maxQueued) && this.maxQueued >= 1)) throw new Error(`maxQueued must be a positive whole number, not ${opts.maxQueued}`);
  }

  async start(): Promise<this> {
    const script = this.opts.workerScript === undefined ? defaultWorkerScript() : new URL(String(this.opts.workerScript), pathToFileURL(`${process.cwd()}/`));
    const ready: Promise<void>[] = [];
    for (let index = 0; index < this.workers; index++) {
      const setup: WorkerSetup = {
        index,
        count: this.workers,
        configs: this.opts.configs,
        provider: this.opts.provider ?? 'node',
        endpoint: this.opts.endpoint ?? {},
        trace: this.opts.trace ?? false,
        keys: this.opts.keys ?? false,
        timeOrigin: performance.timeOrigin,
        consumed: this.consumed.buffer as SharedArrayBuffer,
      };
      const w = spawn(script, setup);
      this.threads.push(w);
      this.alive.push(true);
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.on('message', (m: FromWorker) => (m.t === 'ready' ? resolve() : this.onMessage(index, m)));
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`worker ${index} exited with code ${code} before it was ready`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
      this.transport = await UdpTransport.open({
        bindings: bindingsOf(this.opts.configs),
        onDatagram: (d) => this.dispatch(d),
        onError: (err, where) => this.deliver(-1, [{ event: 'error', message: where ? `UDP ${where.address}:${where.port}: ${err.message}` : err.message }]),
      });
    } catch (err) {
      await Promise.all(this.threads.map((w) => w.terminate()));
      throw err;
    }
    for (const [index, w] of this.threads.entries()) {
      w.removeAllListeners('error');
      w.removeAllListeners('exit');
      w.on('error', (err) => this.deliver(index, [{ event: 'error', message: `worker ${index}: ${err.message}` }]));
      w.on('exit', (code) => this.onExit(index, code));
    }
    return this;
  }

  private dispatch(d: Datagram): void {
    const index = workerFor(d.data, d.remote, this.workers);
    if (!this.alive[index]) {
      this.counters.dropped++;
      return;
    }
    // The shared counter wraps at 2^32; the difference taken modulo 2^32 is still right.
    const queued = (this.counters.dispatched[index] - Atomics.load(this.consumed, index)) | 0;
    if (queued >= this.maxQueued) {
      this.counters.overload++;
      return;
    }
    this.counters.dispatched[index]++;
    const { wire, transfer } = toWire(d);
    this.threads[index].postMessage({ t: 'datagram', d: wire } satisfies ToWorker, [transfer]);
  }

  private onMessage(index: number, m: FromWorker): void {
    if (m.t === 'output') {
      for (const w of m.datagrams) this.transport?.send({ data: new Uint8Array(w.buffer, w.offset, w.length), local: w.local, remote: w.remote, marker: w.marker });
      if (m.events.length > 0) this.deliver(index, m.events);
    } else if (m.t === 'reply') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    }
  }

  private onExit(index: number, code: number): void {
    this.alive[index] = false;
    for (const [id, p] of this.pending) {
      if (p.worker !== index) continue;
      this.pending.delete(id);
      p.reject(new Error(`worker ${index} exited`));
    }
    if (!this.closing) this.deliver(index, [{ event: 'error', message: `worker ${index} exited with code ${code}; its SAs are gone` }]);
  }

  private deliver(worker: number, events: IkeEvent[]): void {
    for (const e of events) {
      const ce = { ...e, worker } as ClusterEvent;
      // As with IkeNode: an unheard error is only an event.
      if (ce.event !== 'error' || this.listenerCount('error') > 0) this.emit(ce.event, ce);
      this.emit('event', ce);
    }
  }

  private request(worker: number, m: WorkerRequest): Promise<FromWorker & { t: 'reply' }> {
    if (!(worker >= 0 && worker < this.workers)) return Promise.reject(new Error(`no worker ${worker}`));
    if (!this.alive[worker]) return Promise.reject(new Error(`worker ${worker} has exited`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      this.threads[worker].postMessage({ ...m, id } as ToWorker);
    });
  }

  async act(worker: number, op: Exclude<Operation, 'initiate'>, id: string): Promise<void> {
    const r = await this.request(worker, { t: 'call', op, arg: id });
    if (r.error) throw new Error(r.error);
  }

  utilization(since?: EventLoopUtilization[]): EventLoopUtilization[] {
    return this.threads.map((w, i) => (since?.[i] ? w.performance.eventLoopUtilization(since[i]) : w.performance.eventLoopUtilization()));
  }

  async status(): Promise<ClusterSaStatus[]> {
    const rows = await Promise.all(
      this.threads.map(async (_, worker) => {
        if (!this.alive[worker]) return [];
        const r = await this.request(worker, { t: 'status' });
        return (r.status ?? []).map((s) => ({ ...s, worker }));
      }),
    );
    return rows.flat();
  }

  waitFor<E extends IkeEvent['event']>(name: E, match: (e: Named<E>) => boolean = () => true, timeoutMs = 10_000): Promise<Named<E>> {
    return waitForEvent<ClusterEvent, Named<E>>(this, name, match, timeoutMs);
  }

  async connect(configName?: string, opts: { timeoutMs?: number; worker?: number } = {}): Promise<{ worker: number; ikeSaId: string; childSaId: string }> {
    const worker = opts.worker ?? this.nextWorker++ % this.workers;
    const timeoutMs = opts.timeoutMs ?? 30_000;
    // Events of this worker until the reply names the new SA (they may arrive before it).
    const early: ClusterEvent[] = [];
    let ikeSaId: string | undefined;
    let settle: ((err?: Error, childSaId?: string) => void) | undefined;
    const handle = (e: ClusterEvent) => {
      if (e.worker !== worker) return;
      if (ikeSaId === undefined) {
        early.push(e);
        return;
      }
      if (e.event === 'ike-sa-rekeyed' && e.ikeSaId === ikeSaId) ikeSaId = e.newIkeSaId;
      else if (e.event === 'child-sa-up' && e.ikeSaId === ikeSaId && !e.rekeyOf) settle?.(undefined, e.childSaId);
      else if (e.event === 'error' && e.ikeSaId === ikeSaId) settle?.(new Error(e.notify ? `${e.notify}: ${e.message}` : e.message));
      else if (e.event === 'ike-sa-down' && e.ikeSaId === ikeSaId) settle?.(new Error(`IKE SA down: ${e.reason}`));
    };
    this.on('event', handle);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = new Promise<string>((resolve, reject) => {
        settle = (err, childSaId) => (err ? reject(err) : resolve(childSaId!));
        timer = setTimeout(() => reject(new Error(`no CHILD SA within ${timeoutMs} ms`)), timeoutMs);
      });
      result.catch(() => {});
      const r = await this.request(worker, { t: 'call', op: 'initiate', arg: configName });
      if (r.error || r.ikeSaId === undefined) throw new Error(r.error ?? `initiate(${configName ?? ''}) started no IKE SA`);
      ikeSaId = r.ikeSaId;
      for (const e of early.splice(0)) handle(e);
      const childSaId = await result;
      return { worker, ikeSaId, childSaId };
    } finally {
      clearTimeout(timer);
      this.off('event', handle);
    }
  }

  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.graceMs ?? 2000);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    await Promise.all(this.threads.map((_, worker) => (this.alive[worker] ? this.request(worker, { t: 'close', graceMs }).catch(() => undefined) : undefined)));
    await Promise.all(this.threads.map((w) => w.terminate()));
    await this.transport.close();
  }
}

/** Binds the sockets of `opts.configs`, starts the workers and answers; see IkeCluster. */
export async function startIkev2Cluster(opts: StartIkev2ClusterOptions): Promise<IkeCluster> {
  return new Cluster(opts).start();
}
