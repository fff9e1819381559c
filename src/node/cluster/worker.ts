/**
 * A cluster worker: one Ikev2Endpoint with the cluster's configs and its own SPI partition, fed
 * datagrams by the dispatcher, with its own timer (EndpointDriver). What it sends and the events
 * it raises go back to the dispatcher in one message per turn of the event loop.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { CryptoProvider } from '../../crypto/provider.js';
import { pureProvider } from '../../crypto/pure.js';
import { Ikev2Endpoint, type Datagram, type IkeEvent, type Output } from '../../ikev2/index.js';
import { nodeProvider } from '../crypto/index.js';
import { EndpointDriver } from '../transport.js';
import type { FromWorker, ToWorker, WireDatagram, WorkerSetup } from './protocol.js';

function post(port: NonNullable<typeof parentPort>, m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

/** The octets of a datagram in a buffer of their own (the endpoint keeps the original for retransmissions). */
function toWire(d: Datagram): WireDatagram {
  const buffer = d.data.slice().buffer as ArrayBuffer;
  return { buffer, offset: 0, length: buffer.byteLength, local: d.local, remote: d.remote, marker: !!d.marker };
}

function fromWire(w: WireDatagram): Datagram {
  return { data: new Uint8Array(w.buffer, w.offset, w.length), local: w.local, remote: w.remote, marker: w.marker };
}

export function serve(port: NonNullable<typeof parentPort>, setup: WorkerSetup): void {
  const provider: CryptoProvider = setup.provider === 'pure' ? pureProvider : nodeProvider;
  const endpoint = new Ikev2Endpoint({
    ...setup.endpoint,
    provider,
    configs: setup.configs,
    trace: setup.trace,
    keylog: setup.keys,
    spiPartition: { index: setup.index, count: setup.count },
  });
  const consumed = new Int32Array(setup.consumed);
  let datagrams: WireDatagram[] = [];
  let events: IkeEvent[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (datagrams.length === 0 && events.length === 0) return;
    const m: FromWorker = { t: 'output', datagrams, events };
    const transfer = datagrams.map((d) => d.buffer);
    datagrams = [];
    events = [];
    post(port, m, transfer);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };
  const driver = new EndpointDriver(
    endpoint,
    {
      send: (d) => {
        datagrams.push(toWire(d));
        schedule();
      },
    },
    (evs) => {
      events.push(...evs);
      schedule();
    },
    // SA times (status rows) in the dispatcher's performance.now() frame.
    () => performance.now() + (performance.timeOrigin - setup.timeOrigin),
  );

  const call = (id: number, op: ToWorker & { t: 'call' }) => {
    let out: Output | undefined;
    let ikeSaId: string | undefined;
    let error: string | undefined;
    driver.run((now) => {
      try {
        if (op.op === 'initiate') {
          out = endpoint.initiate(op.arg, now);
          ikeSaId = out.ikeSaId;
        } else {
          if (op.arg === undefined) throw new Error(`${op.op} needs an id`);
          out = endpoint[op.op](op.arg, now);
        }
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      return out ?? { datagrams: [], events: [] };
    });
    // An operation the endpoint refuses comes back as an 'error' event without an SA.
    const refused = out?.events.find((e) => e.event === 'error' && e.ikeSaId === undefined);
    if (!error && refused && refused.event === 'error' && out?.datagrams.length === 0 && ikeSaId === undefined) error = refused.message;
    flush();
    post(port, { t: 'reply', id, error, ikeSaId });
  };

  const close = async (id: number, graceMs: number) => {
    const pending = new Set<string>();
    for (const sa of endpoint.status()) {
      let sent = false;
      driver.run((now) => {
        const out = endpoint.deleteIkeSa(sa.ikeSaId, now);
        sent = out.datagrams.length > 0;
        return out;
      });
      if (sent) pending.add(sa.ikeSaId);
    }
    flush();
    const deadline = Date.now() + graceMs;
    while (pending.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      const live = new Set(endpoint.status().map((s) => s.ikeSaId));
      for (const id of [...pending]) if (!live.has(id)) pending.delete(id);
    }
    driver.stop();
    flush();
    post(port, { t: 'reply', id });
  };

  port.on('message', (m: ToWorker) => {
    switch (m.t) {
      case 'datagram':
        driver.receive(fromWire(m.d));
        Atomics.add(consumed, setup.index, 1);
        return;
      case 'call':
        call(m.id, m);
        return;
      case 'status':
        post(port, { t: 'reply', id: m.id, status: endpoint.status() });
        return;
      case 'close':
        void close(m.id, m.graceMs);
    }
  });
  post(port, { t: 'ready' });
}

if (parentPort && workerData && (workerData as { ikestackCluster?: WorkerSetup }).ikestackCluster) {
  serve(parentPort, (workerData as { ikestackCluster: WorkerSetup }).ikestackCluster);
}
