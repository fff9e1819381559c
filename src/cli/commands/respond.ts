/**
 * `ike respond --config FILE [--json] [--keylog FILE] [--trace] [--provider pure|node] [--workers N]`:
 * answers IKE SAs for the configs until SIGINT/SIGTERM, then deletes its SAs cleanly and exits 0.
 * SIGUSR1 prints the SA status view. With --workers N the endpoints run in N worker threads
 * (src/node/cluster), and each event names its worker. A file of `"version": 1` configs answers
 * IKEv1 (Main, Aggressive and Quick Mode) instead, without --workers.
 */
import { pureProvider } from '../../crypto/pure.js';
import type { IkeEventV1 } from '../../ikev1/index.js';
import type { IkeEvent } from '../../ikev2/index.js';
import { startIkev2Cluster, type ClusterEvent, type IkeCluster } from '../../node/cluster/index.js';
import { startIkev1, type IkeNodeV1 } from '../../node/ikev1-node.js';
import { startIkev2, type IkeNode } from '../../node/ikev2-node.js';
import { formatAddress } from '../../node/transport.js';
import { formatStatus } from '../trace.js';
import { COMMON_USAGE, eventPrinter, parseIkeOptions, untilSignal, type IkeCommandOptions } from './initiate.js';

const USAGE = `${COMMON_USAGE} [--workers N]`;

/** Takes `--workers N` (or `--workers=N`) out of the arguments the shared parser sees. */
function takeWorkers(args: string[]): { rest: string[]; workers?: string } {
  const rest: string[] = [];
  let workers: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--workers') workers = args[++i] ?? '';
    else if (a.startsWith('--workers=')) workers = a.slice('--workers='.length);
    else rest.push(a);
  }
  return { rest, workers };
}

export async function run(argv: string[]): Promise<number> {
  const { rest: args, workers } = takeWorkers(argv);
  let o: IkeCommandOptions | string;
  try {
    o = await parseIkeOptions(args, 'respond');
  } catch (err) {
    console.error(`ike respond: ${(err as Error).message}`);
    return 1;
  }
  if (typeof o === 'string') {
    console.error(`${o}\nusage: ike respond ${USAGE}`);
    return 2;
  }
  if (workers !== undefined && o.configsV1) {
    console.error(`ike respond: --workers is for IKEv2 configs only\nusage: ike respond ${USAGE}`);
    return 2;
  }
  if (workers !== undefined) {
    const n = Number(workers);
    if (!(Number.isInteger(n) && n >= 1 && n <= 256)) {
      console.error(`ike respond: --workers must be a whole number from 1 to 256\nusage: ike respond ${USAGE}`);
      return 2;
    }
    if (o.keylog) {
      console.error(`ike respond: --keylog is not available with --workers\nusage: ike respond ${USAGE}`);
      return 2;
    }
    return respondCluster(o, n);
  }
  const printer = eventPrinter(o);
  let node: IkeNode | IkeNodeV1;
  try {
    node = o.configsV1
      ? await startIkev1({ configs: o.configsV1, provider: o.provider, trace: o.trace, keylog: o.keylog })
      : await startIkev2({ configs: o.configs, provider: o.provider, trace: o.trace, keylog: o.keylog });
  } catch (err) {
    printer.print({ event: 'error', message: (err as Error).message });
    return 1;
  }
  node.on('event', (e: IkeEvent | IkeEventV1) => printer.print(e));
  const bound = node.transport.bound;
  // Tells whoever started us (a person, a test) that the sockets are ready.
  if (o.json) console.log(JSON.stringify({ event: 'listening', addresses: bound }));
  else console.log(`listening on ${bound.map((b) => `${formatAddress(b)} (${b.role === 'natt' ? 'NAT-T' : 'IKE'})`).join(', ')}; SIGINT/SIGTERM to stop${o.trace ? ', SIGUSR1 for status' : ''}`);
  await untilSignal(() => printer.status(node));
  if (o.trace) printer.status(node);
  await node.close();
  return 0;
}

/** --workers N: the cluster; readable lines start with the worker's index, JSON lines carry it. */
async function respondCluster(o: IkeCommandOptions, workers: number): Promise<number> {
  const printer = eventPrinter(o);
  const print = (e: ClusterEvent) =>
    o.json ? printer.print(e) : eventPrinter(o, (line) => console.log(`[w${e.worker}] ${line}`)).print(e);
  let cluster: IkeCluster;
  try {
    cluster = await startIkev2Cluster({ configs: o.configs, workers, provider: o.provider === pureProvider ? 'pure' : 'node', trace: o.trace });
  } catch (err) {
    printer.print({ event: 'error', message: (err as Error).message });
    return 1;
  }
  cluster.on('event', print);
  const bound = cluster.transport.bound;
  if (o.json) console.log(JSON.stringify({ event: 'listening', workers, addresses: bound }));
  else console.log(`listening on ${bound.map((b) => `${formatAddress(b)} (${b.role === 'natt' ? 'NAT-T' : 'IKE'})`).join(', ')} with ${workers} worker${workers === 1 ? '' : 's'}; SIGINT/SIGTERM to stop${o.trace ? ', SIGUSR1 for status' : ''}`);
  const status = () =>
    cluster.status().then(
      (rows) => console.log(o.json ? JSON.stringify({ event: 'status', sas: rows }) : formatStatus(rows, performance.now())),
      () => {},
    );
  await untilSignal(() => void status());
  if (o.trace) await status();
  await cluster.close();
  return 0;
}
