/** Runs the flood generator in a child process (see main.ts) and resolves with its result. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FloodOptions, FloodResult } from './generator.js';

export function spawnFlood(o: FloodOptions, entry = fileURLToPath(new URL('./main.ts', import.meta.url))): { pid: number | undefined; result: Promise<FloodResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, JSON.stringify(o)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => (out += b));
  child.stderr.on('data', (b) => (err += b));
  const limit = setTimeout(() => child.kill('SIGKILL'), Math.min(o.durationMs, 60_000) + 20_000);
  const result = new Promise<FloodResult>((resolve, reject) => {
    child.on('close', (code) => {
      clearTimeout(limit);
      const line = out.trim().split('\n').pop();
      if (code === 0 && line) resolve(JSON.parse(line) as FloodResult);
      else reject(new Error(`flood generator exited ${code}: ${err.slice(-2000)}`));
    });
  });
  return { pid: child.pid, result };
}
