/** Repeated, time-bounded runs of one operation. */
import { performance } from 'node:perf_hooks';

export interface RunPlan {
  /** Measured runs (each gives one value). */
  runs: number;
  /** Target wall time of one run in ms; a run stops at the first iteration past it. */
  runMs: number;
  /** Fewest iterations in a run, whatever the time. */
  minIterations: number;
  /** Most iterations in a run. */
  maxIterations: number;
  /** Unmeasured iterations before the first run (JIT, caches). */
  warmup: number;
}

export const FULL_PLAN: RunPlan = { runs: 5, runMs: 1000, minIterations: 3, maxIterations: 1_000_000, warmup: 5 };
export const QUICK_PLAN: RunPlan = { runs: 3, runMs: 150, minIterations: 2, maxIterations: 1_000_000, warmup: 2 };

export interface RunSample {
  iterations: number;
  /** Wall time of the run, ms. */
  elapsedMs: number;
  /** Whatever the operation reported, summed over the run (e.g. responder ms). */
  extra: number;
}

/**
 * Runs `op` in `plan.runs` runs and returns one sample per run. `op` may return a number to be
 * summed (a part of its own time, measured inside it).
 */
export function measure(plan: RunPlan, op: () => number | void): RunSample[] {
  for (let i = 0; i < plan.warmup; i++) op();
  const samples: RunSample[] = [];
  for (let r = 0; r < plan.runs; r++) {
    let iterations = 0;
    let extra = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (iterations < plan.maxIterations && (iterations < plan.minIterations || elapsed < plan.runMs)) {
      const x = op();
      if (typeof x === 'number') extra += x;
      iterations++;
      // Checking the clock each iteration costs ~50 ns, which is noise beside anything measured here.
      elapsed = performance.now() - t0;
    }
    samples.push({ iterations, elapsedMs: elapsed, extra });
  }
  return samples;
}

/** Like measure(), for operations that cost microseconds: the clock is read once per batch. */
export function measureBatched(plan: RunPlan, batch: number, op: () => void): RunSample[] {
  return measure({ ...plan, minIterations: Math.max(1, Math.ceil(plan.minIterations / batch)), warmup: Math.ceil(plan.warmup / batch) + 1 }, () => {
    for (let i = 0; i < batch; i++) op();
  }).map((s) => ({ ...s, iterations: s.iterations * batch }));
}

/** Async variant for operations that wait on I/O. */
export async function measureAsync(plan: RunPlan, op: () => Promise<number | void>): Promise<RunSample[]> {
  for (let i = 0; i < plan.warmup; i++) await op();
  const samples: RunSample[] = [];
  for (let r = 0; r < plan.runs; r++) {
    let iterations = 0;
    let extra = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (iterations < plan.maxIterations && (iterations < plan.minIterations || elapsed < plan.runMs)) {
      const x = await op();
      if (typeof x === 'number') extra += x;
      iterations++;
      elapsed = performance.now() - t0;
    }
    samples.push({ iterations, elapsedMs: elapsed, extra });
  }
  return samples;
}

export const perSecond = (s: RunSample): number => (s.iterations * 1000) / s.elapsedMs;
export const msEach = (s: RunSample): number => s.elapsedMs / s.iterations;
export const extraEach = (s: RunSample): number => s.extra / s.iterations;
