/**
 * What the IKEv1 and IKEv2 Node wrappers share: the UDP sockets of their configs, the timer
 * driver, events re-emitted on an EventEmitter (an unheard 'error' is only an event), waitFor(),
 * and connect() as a Promise over the first Child SA of a new IKE SA.
 */
import { EventEmitter } from 'node:events';
import type { IkeEvent, Output } from '../ikev2/index.js';
import type { KeylogFiles } from './keylog-files.js';
import { EndpointDriver, UdpTransport, type Binding, type SansIoEndpoint } from './transport.js';

export interface ConnectResult {
  ikeSaId: string;
  childSaId: string;
}

/** Thrown by connect() when the IKE SA fails; `notify` is the notify name when the peer sent one. */
export class IkeConnectError extends Error {
  constructor(message: string, readonly ikeSaId?: string, readonly notify?: string) {
    super(message);
    this.name = 'IkeConnectError';
  }
}

export type NamedEvent<E extends IkeEvent['event']> = Extract<IkeEvent, { event: E }>;

/** The endpoint calls the wrappers make; both versions' outputs have Output's shape (with `ikeSaId` from initiate). */
interface WrappedEndpoint extends SansIoEndpoint {
  initiate(configName: string | undefined, now: number): Output;
}

/** Words of the connect() errors: 'IKE SA'/'CHILD SA' or 'ISAKMP SA'/'IPsec SA'. */
export interface SaWords {
  ikeSa: string;
  childSa: string;
}

/** The next 'event' emitted by `emitter` with that name for which `match` holds; rejects after timeoutMs. */
export function waitForEvent<T extends { event: string }, R extends T>(emitter: EventEmitter, name: string, match: (e: R) => boolean, timeoutMs: number): Promise<R> {
  return new Promise((resolve, reject) => {
    const onEvent = (e: T) => {
      if (e.event !== name || !match(e as R)) return;
      done();
      resolve(e as R);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      emitter.off('event', onEvent);
    };
    emitter.on('event', onEvent);
  });
}

export abstract class NodeBase<Ep> extends EventEmitter {
  transport!: UdpTransport;
  protected driver!: EndpointDriver;
  protected closing?: Promise<void>;

  constructor(
    readonly endpoint: Ep,
    private readonly bindings: Binding[],
    protected readonly keylog: KeylogFiles | undefined,
    private readonly clock: (() => number) | undefined,
    private readonly words: SaWords,
  ) {
    super();
  }

  private get sansIo(): WrappedEndpoint {
    return this.endpoint as unknown as WrappedEndpoint;
  }

  async start(): Promise<this> {
    this.transport = await UdpTransport.open({
      bindings: this.bindings,
      onDatagram: (d) => this.driver.receive(d),
      onError: (err, where) => this.dispatch([{ event: 'error', message: where ? `UDP ${where.address}:${where.port}: ${err.message}` : err.message }]),
    });
    this.driver = new EndpointDriver(this.sansIo, this.transport, (events) => this.dispatch(events), this.clock);
    return this;
  }

  /** Appends a 'keys' event to the key tables, if any. */
  protected abstract writeKeys(e: NamedEvent<'keys'>): void;

  protected keylogFailed(ikeSaId: string | undefined, err: unknown): void {
    this.dispatch([{ event: 'error', ikeSaId, message: `keylog: ${err instanceof Error ? err.message : String(err)}` }]);
  }

  protected dispatch(events: IkeEvent[]): void {
    for (const e of events) if (e.event === 'keys' && this.keylog) this.writeKeys(e);
    for (const e of events) {
      // An EventEmitter throws an unheard 'error'; here an unheard error is only an event.
      if (e.event !== 'error' || this.listenerCount('error') > 0) this.emit(e.event, e);
      this.emit('event', e);
    }
  }

  /** The driver's clock (ms): the time base of endpoint calls made with act() or directly. */
  now(): number {
    return this.driver.clock();
  }

  protected run(call: (now: number) => { datagrams: Output['datagrams']; events: unknown[] }): void {
    this.driver.run(call as (now: number) => Output);
  }

  waitFor<E extends IkeEvent['event']>(name: E, match: (e: NamedEvent<E>) => boolean = () => true, timeoutMs = 10_000): Promise<NamedEvent<E>> {
    return waitForEvent(this, name, match, timeoutMs);
  }

  connect(configName?: string, opts: { timeoutMs?: number } = {}): Promise<ConnectResult> {
    const { ikeSa, childSa } = this.words;
    return new Promise((resolve, reject) => {
      let ikeSaId: string | undefined;
      // Events of the new SA may come out of initiate() itself, before its id is known.
      const early: IkeEvent[] = [];
      const finish = (err?: Error, result?: ConnectResult) => {
        clearTimeout(timer);
        this.off('event', onEvent);
        if (err) reject(err);
        else resolve(result!);
      };
      const handle = (e: IkeEvent) => {
        if (e.event === 'ike-sa-rekeyed' && e.ikeSaId === ikeSaId) ikeSaId = e.newIkeSaId;
        else if (e.event === 'child-sa-up' && e.ikeSaId === ikeSaId && !e.rekeyOf) finish(undefined, { ikeSaId: e.ikeSaId, childSaId: e.childSaId });
        else if (e.event === 'error' && e.ikeSaId === ikeSaId) finish(new IkeConnectError(e.notify ? `${e.notify}: ${e.message}` : e.message, ikeSaId, e.notify));
        else if (e.event === 'ike-sa-down' && e.ikeSaId === ikeSaId) finish(new IkeConnectError(`${ikeSa} down: ${e.reason}`, ikeSaId));
      };
      const onEvent = (e: IkeEvent) => (ikeSaId === undefined ? early.push(e) : handle(e));
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const timer = setTimeout(() => finish(new IkeConnectError(`no ${childSa} within ${timeoutMs} ms`, ikeSaId)), timeoutMs);
      this.on('event', onEvent);
      let out: Output;
      try {
        out = this.sansIo.initiate(configName, this.driver.clock());
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      ikeSaId = out.ikeSaId;
      this.driver.run(() => out);
      if (ikeSaId === undefined) {
        const why = out.events.find((e) => e.event === 'error');
        finish(new IkeConnectError(why && why.event === 'error' ? why.message : `initiate(${configName ?? ''}) started no ${ikeSa}`));
        return;
      }
      for (const e of early.splice(0)) handle(e);
    });
  }

  close(opts: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.graceMs ?? this.defaultGraceMs);
    return this.closing;
  }

  protected abstract readonly defaultGraceMs: number;

  /** Deletes what the endpoint holds, waits as the version's Delete rules want, stops the timer and closes the sockets. */
  protected abstract deleteAll(graceMs: number): Promise<void>;

  private async shutdown(graceMs: number): Promise<void> {
    await this.deleteAll(graceMs);
    this.driver.stop();
    await this.transport.close();
  }
}
