import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { pureProvider } from '../../src/crypto/pure.js';
import { Ikev2Endpoint } from '../../src/ikev2/endpoint.js';
import { startIkev2Cluster, type ClusterEvent, type IkeCluster } from '../../src/node/cluster/index.js';
import { startIkev2, type IkeNode } from '../../src/node/ikev2-node.js';
import { loopbackPair } from './loopback-configs.js';

const open: { close(o?: { graceMs?: number }): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.close({ graceMs: 300 })));
});

async function cluster(...args: Parameters<typeof startIkev2Cluster>): Promise<IkeCluster> {
  const c = await startIkev2Cluster(...args);
  open.push(c);
  return c;
}

async function node(...args: Parameters<typeof startIkev2>): Promise<IkeNode> {
  const n = await startIkev2(...args);
  open.push(n);
  return n;
}

/**
 * `n` IKE SAs from one initiator: the first alone, so that the others carry no INITIAL_CONTACT
 * (RFC 7296 section 2.4: it would make the responder drop the SAs before them), the rest at once.
 */
async function connectMany(i: IkeNode, n: number) {
  const first = await i.connect(undefined, { timeoutMs: 30_000 });
  return [first, ...(await Promise.all(Array.from({ length: n - 1 }, () => i.connect(undefined, { timeoutMs: 30_000 }))))];
}

function record(c: IkeCluster): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  c.on('event', (e: ClusterEvent) => events.push(e));
  return events;
}

const firstOctet = (hex: string) => Number.parseInt(hex.slice(0, 2), 16);

describe('startIkev2Cluster: a responder over two worker threads, datagrams routed by SPI (RFC 7296 section 3.1)', () => {
  it('answers many IKE SAs from one loopback initiator; they land on both workers, each SPIr inside its worker\'s partition', async () => {
    const { initiator, responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const c = await cluster({ configs: [responder], workers: 2 });
    const i = await node({ configs: [initiator] });
    const events = record(c);
    const results = await connectMany(i, 24);
    expect(new Set(results.map((r) => r.ikeSaId)).size).toBe(24);
    const rows = await c.status();
    expect(rows).toHaveLength(24);
    expect(rows.every((r) => r.state === 'ESTABLISHED' && !r.initiator)).toBe(true);
    const perWorker = [0, 1].map((w) => rows.filter((r) => r.worker === w).length);
    expect(perWorker[0]).toBeGreaterThan(0);
    expect(perWorker[1]).toBeGreaterThan(0);
    // The responder's SPI is SPIr; its first octet names the worker that drew it.
    for (const r of rows) expect(firstOctet(r.spiR) % 2).toBe(r.worker);
    // The two ends agree on the SPIs of every SA.
    const ours = new Set(i.status().map((s) => `${s.spiI}/${s.spiR}`));
    for (const r of rows) expect(ours.has(`${r.spiI}/${r.spiR}`)).toBe(true);
    const ups = events.filter((e) => e.event === 'ike-sa-up');
    expect(ups).toHaveLength(24);
    for (const e of ups) if (e.event === 'ike-sa-up') expect(firstOctet(e.spiR) % 2).toBe(e.worker);
    expect(c.counters.dispatched[0]).toBeGreaterThan(0);
    expect(c.counters.dispatched[1]).toBeGreaterThan(0);
    expect(c.counters.overload + c.counters.dropped).toBe(0);
    // Both workers did work of their own.
    const busy = c.utilization();
    expect(busy).toHaveLength(2);
    for (const u of busy) expect(u.active).toBeGreaterThan(0);
  });

  it('CHILD SA rekey, IKE SA rekey (RFC 7296 sections 2.8 and 1.3.2) and delete (section 1.4.1) from the peer reach the worker holding the SA', async () => {
    const { initiator, responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const c = await cluster({ configs: [responder], workers: 2 });
    const i = await node({ configs: [initiator] });
    const sas = await connectMany(i, 6);
    const rows = await c.status();
    const workerOf = (spiI: string) => rows.find((r) => r.spiI === spiI)!.worker;
    expect(new Set(rows.map((r) => r.worker)).size).toBe(2);
    for (const { ikeSaId, childSaId } of sas) {
      const spiI = i.status().find((s) => s.ikeSaId === ikeSaId)!.spiI;
      const w = workerOf(spiI);
      const rIkeSaId = rows.find((r) => r.spiI === spiI)!.ikeSaId;

      const childRekeyed = c.waitFor('child-sa-rekeyed', (e) => e.ikeSaId === rIkeSaId && e.worker === w);
      const iChildRekeyed = i.waitFor('child-sa-rekeyed', (e) => e.childSaId === childSaId);
      i.act((ep, now) => ep.rekeyChildSa(childSaId, now));
      await Promise.all([childRekeyed, iChildRekeyed]);

      const ikeRekeyed = c.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === rIkeSaId && e.worker === w);
      const iIkeRekeyed = i.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === ikeSaId);
      i.act((ep, now) => ep.rekeyIkeSa(ikeSaId, now));
      const [rk, irk] = await Promise.all([ikeRekeyed, iIkeRekeyed]);
      // The new IKE SA's SPIr was drawn by the same worker, inside its partition.
      expect(firstOctet(rk.spiR) % 2).toBe(w);
      expect(rk.spiR).toBe(irk.spiR);

      const down = c.waitFor('ike-sa-down', (e) => e.ikeSaId === rk.newIkeSaId && e.worker === w);
      i.act((ep, now) => ep.deleteIkeSa(irk.newIkeSaId, now));
      await down;
    }
    // Every SA, rekeyed or not, is gone from both workers: nothing went to the wrong one.
    await expect.poll(async () => (await c.status()).length, { timeout: 10_000 }).toBe(0);
  });

  it('the cluster rekeys and deletes an SA on the worker that holds it, and the peer\'s answers come back to it', async () => {
    const { initiator, responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const c = await cluster({ configs: [responder], workers: 2 });
    const i = await node({ configs: [initiator] });
    // IKE_SA_INIT requests go to a worker by a hash of SPIi: connect until both workers hold one
    // (six at a time; all six on one worker happens one time in 32).
    let rows = await c.status();
    for (let batch = 0; batch < 8 && new Set(rows.map((r) => r.worker)).size < 2; batch++) {
      await connectMany(i, 6);
      rows = await c.status();
    }
    for (const w of [0, 1]) {
      const row = rows.find((r) => r.worker === w)!;
      expect(row).toBeDefined();
      const rekeyed = c.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === row.ikeSaId && e.worker === w);
      await c.act(w, 'rekeyIkeSa', row.ikeSaId);
      const e = await rekeyed;
      // The peer keeps SPIi of the new SA: the one worker w drew as this rekey's initiator.
      expect(firstOctet(e.spiI) % 2).toBe(w);
      const down = c.waitFor('ike-sa-down', (d) => d.ikeSaId === e.newIkeSaId && d.worker === w);
      await c.act(w, 'deleteIkeSa', e.newIkeSaId);
      await down;
    }
    await expect(c.act(0, 'deleteIkeSa', 'no-such-sa')).rejects.toThrow(/no IKE SA/);
  });

  it('a retransmitted IKE_SA_INIT request reaches the worker that holds its half-open SA and gets the same response (RFC 7296 section 2.1)', async () => {
    const { initiator, responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const c = await cluster({ configs: [responder], workers: 2 });
    const sock: Socket = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(initiator.local.port, '127.0.0.1', () => r()));
    try {
      const answers: Buffer[] = [];
      sock.on('message', (m) => answers.push(m));
      const ep = new Ikev2Endpoint({ provider: pureProvider, configs: [initiator] });
      const requests: Uint8Array[] = [];
      for (let k = 0; k < 8; k++) requests.push(ep.initiate(undefined, 0).datagrams[0].data);
      const send = (d: Uint8Array) => new Promise<void>((r) => sock.send(d, responder.local.port, '127.0.0.1', () => r()));
      for (const d of requests) await send(d);
      await expect.poll(() => answers.length, { timeout: 10_000 }).toBe(8);
      const first = answers.splice(0);
      for (const d of requests) await send(d);
      await expect.poll(() => answers.length, { timeout: 10_000 }).toBe(8);
      // Each retransmission got the very response its first copy got (RFC 7296 section 2.1).
      const key = (b: Buffer) => b.toString('hex');
      expect(new Set(answers.map(key))).toEqual(new Set(first.map(key)));
      // One half-open SA per request: no worker made a second one for a retransmission.
      const rows = await c.status();
      expect(rows).toHaveLength(8);
      expect(new Set(rows.map((r) => r.spiI)).size).toBe(8);
      for (const r of rows) expect(firstOctet(r.spiR) % 2).toBe(r.worker);
      expect(c.counters.dispatched[0] + c.counters.dispatched[1]).toBe(16);
    } finally {
      await new Promise<void>((r) => sock.close(() => r()));
    }
  });

  it('connect() from either worker: responses and the peer\'s requests (I flag clear) go to the worker whose SPIi they carry', async () => {
    // Two responders, one per worker: each worker would send INITIAL_CONTACT (RFC 7296 section
    // 2.4) as it knows no SA of the other, and one responder would drop the other worker's SA.
    const p1 = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const p2 = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
    const r1 = await node({ configs: [p1.responder] });
    const r2 = await node({ configs: [p2.responder] });
    const c = await cluster({ configs: [p1.initiator, { ...p2.initiator, name: 'alice2' }], workers: 2, provider: 'pure' });
    const a = await c.connect('alice', { worker: 0 });
    const b = await c.connect('alice2', { worker: 1 });
    expect([a.worker, b.worker]).toEqual([0, 1]);
    const rows = await c.status();
    expect(rows.map((s) => [s.worker, firstOctet(s.spiI) % 2]).sort()).toEqual([[0, 0], [1, 1]]);
    // The responders rekey (RFC 7296 section 1.3.2): their requests carry SPIi of the worker.
    for (const [r, w, ikeSaId] of [[r1, 0, a.ikeSaId], [r2, 1, b.ikeSaId]] as const) {
      const rekeyed = c.waitFor('ike-sa-rekeyed', (e) => e.ikeSaId === ikeSaId && e.worker === w);
      r.act((ep, now) => ep.rekeyIkeSa(r.status()[0].ikeSaId, now));
      await rekeyed;
    }
    await c.close({ graceMs: 2000 });
    // Closing deletes the IKE SAs of every worker (RFC 7296 section 1.4.1).
    await expect.poll(() => r1.status().length + r2.status().length, { timeout: 5000 }).toBe(0);
  });
});
