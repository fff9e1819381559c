/**
 * `ike initiate --config FILE [--name NAME] [--json] [--keylog FILE] [--stay] [--trace] [--provider pure|node] [--timeout S]`:
 * establishes an IKE SA and its first CHILD SA from a JSON config, prints the events, and exits 0
 * once the CHILD SA is up (deleting the IKE SA cleanly first), or 1 on error. With --stay it keeps
 * the SAs (rekeying them as configured) until SIGINT/SIGTERM, exit 0, or until the peer or an
 * error takes the last IKE SA down, exit 1. A config file of `"version": 1` configs runs IKEv1
 * (startIkev1): phase 1 (Main or Aggressive Mode) then Quick Mode, ike-sa-up and child-sa-up events
 * alike. Also home of the option handling `ike respond` shares.
 */
import { parseArgs } from 'node:util';
import { pureProvider } from '../../crypto/pure.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import type { IkeConfig } from '../../config/index.js';
import { Ikev1Endpoint, type IkeConfigV1, type IkeEventV1 } from '../../ikev1/index.js';
import type { IkeEvent } from '../../ikev2/index.js';
import { loadVersionedConfigFile } from '../../node/config-file.js';
import { nodeProvider } from '../../node/crypto/index.js';
import { startIkev1, type IkeNodeV1 } from '../../node/ikev1-node.js';
import { IkeConnectError, startIkev2, type IkeNode } from '../../node/ikev2-node.js';
import { eventJsonLine, formatEvent, formatStatus, formatStatusV1 } from '../trace.js';

export interface IkeCommandOptions {
  /** IKEv2 configs; empty when the file holds version 1 configs. */
  configs: IkeConfig[];
  /** Set when the file holds `"version": 1` configs: run IKEv1. */
  configsV1?: IkeConfigV1[];
  name?: string;
  json: boolean;
  keylog?: string;
  stay: boolean;
  trace: boolean;
  provider: CryptoProvider;
  timeoutMs: number;
}

export const COMMON_USAGE = '--config FILE [--json] [--keylog FILE|DIR] [--trace] [--provider pure|node]';

/** Parses the shared options; a usage problem is returned as a message. */
export async function parseIkeOptions(args: string[], command: string): Promise<IkeCommandOptions | string> {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
        keylog: { type: 'string' },
        stay: { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        provider: { type: 'string', default: 'node' },
        timeout: { type: 'string', default: '30' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return `ike ${command}: ${(err as Error).message}`;
  }
  if (!v.config) return `ike ${command}: --config FILE is required`;
  if (v.provider !== 'pure' && v.provider !== 'node') return `ike ${command}: --provider must be pure or node`;
  const timeout = Number(v.timeout);
  if (!(timeout > 0)) return `ike ${command}: --timeout must be a positive number of seconds`;
  const loaded = await loadVersionedConfigFile(v.config);
  return {
    configs: loaded.version === 2 ? loaded.configs : [],
    ...(loaded.version === 1 ? { configsV1: loaded.configs } : {}),
    name: v.name,
    json: v.json,
    keylog: v.keylog,
    stay: v.stay,
    trace: v.trace,
    provider: v.provider === 'pure' ? pureProvider : nodeProvider,
    timeoutMs: timeout * 1000,
  };
}

/** Prints events as the options say: --json one object a line, else readable lines; traces only with --trace. */
export function eventPrinter(o: Pick<IkeCommandOptions, 'json' | 'trace'>, write: (line: string) => void = (l) => console.log(l)) {
  let errors = 0;
  return {
    get errors() {
      return errors;
    },
    print(e: IkeEvent | IkeEventV1): void {
      if ((e.event === 'trace' || e.event === 'keys') && !o.trace) return;
      if (e.event === 'error') errors++;
      write(o.json ? eventJsonLine(e as IkeEvent) : formatEvent(e as IkeEvent));
    },
    status(node: IkeNode | IkeNodeV1): void {
      if (node.endpoint instanceof Ikev1Endpoint) {
        const sas = (node as IkeNodeV1).status();
        write(o.json ? JSON.stringify({ event: 'status', version: 1, sas }) : formatStatusV1(sas));
        return;
      }
      node = node as IkeNode;
      const text = formatStatus(node.status(), performance.now());
      if (o.json) write(JSON.stringify({ event: 'status', sas: node.status() }));
      else write(text);
    },
  };
}

/**
 * Resolves at the first SIGINT or SIGTERM, or when `signal` aborts; SIGUSR1 meanwhile calls
 * onStatus. The handlers are removed either way.
 */
export function untilSignal(onStatus?: () => void, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const usr1 = () => onStatus?.();
    const stop = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGUSR1', usr1);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    const onAbort = () => stop('aborted');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (onStatus && process.platform !== 'win32') process.on('SIGUSR1', usr1);
    if (signal?.aborted) stop('aborted');
    else signal?.addEventListener('abort', onAbort);
  });
}

export async function run(args: string[]): Promise<number> {
  let o: IkeCommandOptions | string;
  try {
    o = await parseIkeOptions(args, 'initiate');
  } catch (err) {
    console.error(`ike initiate: ${(err as Error).message}`);
    return 1;
  }
  if (typeof o === 'string') {
    console.error(`${o}\nusage: ike initiate ${COMMON_USAGE} [--name NAME] [--stay] [--timeout SECONDS]`);
    return 2;
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
  try {
    await node.connect(o.name, { timeoutMs: o.timeoutMs });
  } catch (err) {
    // An error the endpoint reported has been printed as its event already.
    if (!(err instanceof IkeConnectError) || printer.errors === 0) printer.print({ event: 'error', message: (err as Error).message });
    if (o.trace) printer.status(node);
    await node.close({ graceMs: 500 });
    return 1;
  }
  let code = 0;
  if (o.stay) {
    // Until a signal, or until the last IKE SA is gone (a rekey replaces one, so it leaves one up).
    const allDown = new AbortController();
    node.on('ike-sa-down', () => {
      if (node.status().length === 0) allDown.abort();
    });
    if ((await untilSignal(o.trace ? () => printer.status(node) : undefined, allDown.signal)) === 'aborted') code = 1;
  }
  if (o.trace) printer.status(node);
  await node.close();
  return code;
}
