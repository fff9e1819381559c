/**
 * Child-process entry of the flood generator: `node --import tsx src/node/flood/main.ts '<FloodOptions JSON>'`
 * prints one JSON line with the FloodResult, so that the flood comes from another process than
 * the responder under test.
 */
import { runFlood, type FloodOptions } from './generator.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as FloodOptions;
runFlood(opts).then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
  },
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
