/**
 * The `ike` command. Each subcommand lives in its own module under ./commands and exports
 * `run(args: string[]): Promise<number>` (the exit code).
 */
type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  demo: { summary: 'IKEv2 initiator and responder over UDP on loopback (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, rekeys, delete), then IKEv1 Main/Aggressive + Quick Mode, then the codec demo [--live-only|--codec-only|--v1-only|--v2-only] [--provider pure|node] [--keylog DIR]', load: () => import('./commands/demo.js') },
  decode: { summary: 'decode IKE messages from hex, a file, or a pcap/pcapng capture', load: () => import('./commands/decode.js') },
  initiate: { summary: 'initiate an IKE SA from a JSON config (--config FILE [--json] [--keylog FILE] [--stay] [--trace])', load: () => import('./commands/initiate.js') },
  respond: { summary: 'answer IKE SAs from a JSON config until SIGINT/SIGTERM (--config FILE [--json] [--keylog FILE] [--trace])', load: () => import('./commands/respond.js') },
  bench: { summary: 'benchmarks (handshakes, codec, key schedule, memory) and a load generator (--target HOST:PORT --config FILE --count N --concurrency C)', load: () => import('./commands/bench.js') },
  conformance: { summary: 'run NIST CAVP IKEv1/IKEv2 KDF response files: --cavp FILE... [--provider pure|node]', load: () => import('./commands/conformance.js') },
};

function usage(): string {
  return ['usage: ike <command> [options]', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '-h' || name === '--help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`ike: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  return (await cmd.load()).run(args);
}

// A closed pipe (`ike decode x | head`) ends the output, not the process with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
