/**
 * `ike respond --config FILE [--json] [--keylog FILE] [--trace] [--provider pure|node]`: answers
 * IKE SAs for the configs until SIGINT/SIGTERM, then deletes its SAs cleanly and exits 0.
 * SIGUSR1 prints the SA status view.
 */
import type { IkeEvent } from '../../ikev2/index.js';
import { startIkev2, type IkeNode } from '../../node/ikev2-node.js';
import { formatAddress } from '../../node/transport.js';
import { COMMON_USAGE, eventPrinter, parseIkeOptions, untilSignal, type IkeCommandOptions } from './initiate.js';

export async function run(args: string[]): Promise<number> {
  let o: IkeCommandOptions | string;
  try {
    o = await parseIkeOptions(args, 'respond');
  } catch (err) {
    console.error(`ike respond: ${(err as Error).message}`);
    return 1;
  }
  if (typeof o === 'string') {
    console.error(`${o}\nusage: ike respond ${COMMON_USAGE}`);
    return 2;
  }
  const printer = eventPrinter(o);
  let node: IkeNode;
  try {
    node = await startIkev2({ configs: o.configs, provider: o.provider, trace: o.trace, keylog: o.keylog });
  } catch (err) {
    printer.print({ event: 'error', message: (err as Error).message });
    return 1;
  }
  node.on('event', (e: IkeEvent) => printer.print(e));
  const bound = node.transport.bound;
  // Tells whoever started us (a person, a test) that the sockets are ready.
  if (o.json) console.log(JSON.stringify({ event: 'listening', addresses: bound }));
  else console.log(`listening on ${bound.map((b) => `${formatAddress(b)} (${b.role === 'natt' ? 'NAT-T' : 'IKE'})`).join(', ')}; SIGINT/SIGTERM to stop${o.trace ? ', SIGUSR1 for status' : ''}`);
  await untilSignal(() => printer.status(node));
  if (o.trace) printer.status(node);
  await node.close();
  return 0;
}
