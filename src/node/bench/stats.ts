/** Summaries of repeated measurements: min/median/max and latency percentiles. */

export interface Summary {
  min: number;
  median: number;
  max: number;
  runs: number;
}

/** The value at quantile q (0..1) of sorted values, nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { min: NaN, median: NaN, max: NaN, runs: 0 };
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { min: s[0], median, max: s[s.length - 1], runs: s.length };
}

/** One result line: `value` is the median of the runs. */
export interface BenchResult extends Summary {
  case: string;
  provider: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

/** A case that did not run, and why. */
export interface BenchSkip {
  case: string;
  provider?: string;
  skipped: string;
}

export type BenchLine = BenchResult | BenchSkip;

export function result(c: string, provider: string, metric: string, unit: string, values: readonly number[], note?: string): BenchResult {
  const s = summarize(values);
  return { case: c, provider, metric, value: s.median, unit, ...s, ...(note ? { note } : {}) };
}

export function isSkip(l: BenchLine): l is BenchSkip {
  return 'skipped' in l;
}

/** Significant digits enough for a table, without trailing noise. */
export function round(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const digits = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(v))));
  return Number(v.toFixed(Math.min(digits, 6)));
}
