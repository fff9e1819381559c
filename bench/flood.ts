/**
 * Flood figures for docs/robustness.md: a startIkev2 responder in this process, the IKE_SA_INIT
 * flood generator (src/node/flood) in a child process on loopback, and a legitimate initiator
 * that connects in the middle of the flood. Sampled every 250 ms: the responder's half-open SAs,
 * RSS and heap. Bounded in time (each scenario runs --seconds, default 8).
 *
 *   node --expose-gc --import tsx bench/flood.ts [--seconds 8] [--rate 5000] [--json]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { spawnFlood, type FloodResult } from '../src/node/flood/index.js';
import { startIkev2 } from '../src/node/ikev2-node.js';
import type { EndpointOptions } from '../src/ikev2/types.js';
import { loopbackPair } from '../test/node/loopback-configs.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, rate: { type: 'string', default: '5000' }, json: { type: 'boolean', default: false } } });
const seconds = Math.min(Number(values.seconds), 30);
const rate = Number(values.rate);

interface Scenario {
  name: string;
  endpoint: Partial<EndpointOptions>;
  /** Where the legitimate initiator sends from (the flood always comes from 127.0.0.1). */
  legitimateAddress?: string;
}

const scenarios: Scenario[] = [
  { name: 'cookies above 100 half-open', endpoint: { cookieThreshold: 100, maxHalfOpen: 1000 } },
  { name: 'no cookies, maxHalfOpen 1000', endpoint: { maxHalfOpen: 1000 } },
  { name: 'cookies, and 50 per peer address', endpoint: { cookieThreshold: 100, maxHalfOpen: 1000, maxHalfOpenPerPeer: 50 }, legitimateAddress: '127.0.0.2' },
];

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;

async function run(s: Scenario) {
  const { initiator, responder } = await loopbackPair({ ike: { proposals: ['aes128-sha256-x25519'] } });
  if (s.legitimateAddress) {
    initiator.local = { ...initiator.local, address: s.legitimateAddress };
    responder.remote = { ...responder.remote, address: s.legitimateAddress };
  }
  gc?.();
  const base = process.memoryUsage();
  const bob = await startIkev2({ configs: [responder], endpoint: s.endpoint });
  let taken = 0;
  const receive = bob.endpoint.receive.bind(bob.endpoint);
  bob.endpoint.receive = (d, now) => {
    taken++;
    return receive(d, now);
  };
  const samples: Array<{ t: number; halfOpen: number; rssMb: number; heapMb: number }> = [];
  const t0 = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    samples.push({ t: Math.round(performance.now() - t0), halfOpen: bob.status().filter((x) => !x.initiator && x.state === 'INIT_DONE').length, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
  };
  const timer = setInterval(sample, 250);
  const flood = spawnFlood({ target: { address: '127.0.0.1', port: responder.local.port }, durationMs: seconds * 1000, rate, sockets: 16 });
  // The child needs a moment to start; connect once the flood is under way.
  while (taken < rate / 2 && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  const firstTaken = taken;
  const tFlood = performance.now();
  const alice = await startIkev2({ configs: [initiator] });
  const c0 = performance.now();
  let legit: number | string;
  try {
    await alice.connect(undefined, { timeoutMs: 15_000 });
    legit = Math.round(performance.now() - c0);
  } catch (e) {
    legit = `failed: ${(e as Error).message}`;
  }
  const r: FloodResult = await flood.result;
  const floodMs = performance.now() - tFlood;
  clearInterval(timer);
  sample();
  const takenDuring = taken - firstTaken;
  await alice.close({ graceMs: 200 });
  await bob.close({ graceMs: 200 });
  return {
    scenario: s.name,
    offered: { rate, seconds, sent: r.sent, sentPerSec: Math.round(r.sentPerSec) },
    responderTookPerSec: Math.round((takenDuring * 1000) / floodMs),
    answers: { cookies: r.cookies, initResponses: r.initResponses, other: r.other, unanswered: r.sent - r.received },
    halfOpenMax: Math.max(...samples.map((x) => x.halfOpen)),
    rssMb: { before: mb(base.rss), max: Math.max(...samples.map((x) => x.rssMb)) },
    heapMb: { before: mb(base.heapUsed), max: Math.max(...samples.map((x) => x.heapMb)) },
    legitimateHandshakeMs: legit,
    samples: values.json ? samples : undefined,
  };
}

for (const s of scenarios) {
  const r = await run(s);
  if (values.json) console.log(JSON.stringify(r));
  else console.log(JSON.stringify({ ...r, samples: undefined }, null, 2));
}
