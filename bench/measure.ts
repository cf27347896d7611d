import { cpus, totalmem } from 'node:os';

/** How big and how often: the full bench is scale 1 (the sizes the targets speak of). */
export interface BenchOptions {
  /** Every size is multiplied by this; a smaller scale checks that a suite works, it judges nothing. */
  scale: number;
  /** Repetitions of each measurement, for its spread. */
  runs: number;
}

export const FULL: BenchOptions = { scale: 1, runs: 5 };

/** `n` at the bench's scale, never below `least`. */
export function scaled(n: number, options: BenchOptions, least = 1): number {
  return Math.max(least, Math.round(n * options.scale));
}

/** Median, 95th percentile and maximum of a list of durations in milliseconds. */
export function summarize(times: number[]): { median: number; p95: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}

/** The spread of repeated runs of one measurement. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number;
}

export function spread(samples: number[]): Spread {
  if (samples.length === 0) throw new Error('no samples to summarize');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted.at(-1) as number, runs: sorted.length };
}

/** `median (min–max)`, each value written by `unit`. */
export function showSpread(s: Spread, unit: (value: number) => string): string {
  return s.min === s.max ? unit(s.median) : `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
}

export function timeEach<T>(items: T[], run: (item: T) => unknown): number[] {
  return items.map((item) => {
    const start = performance.now();
    run(item);
    return performance.now() - start;
  });
}

export function timeAll(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** `run` `runs` times, its durations in milliseconds. */
export function repeat(runs: number, run: (index: number) => unknown): number[] {
  return Array.from({ length: runs }, (_, i) => timeAll(() => run(i)));
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform} ${process.arch}`;
}

export const ms = (v: number) => `${v < 10 ? v.toFixed(3) : v.toFixed(1)} ms`;
export const seconds = (v: number) => `${(v / 1000).toFixed(2)} s`;
export const mb = (v: number) => `${v.toFixed(0)} MB`;
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
/** A file's size in KB under a megabyte, in MB above. */
export const size = (bytes: number) => (bytes < 2 ** 20 ? kb(bytes) : mb(bytes / 2 ** 20));
export const count = (v: number) => Math.round(v).toLocaleString('en');
export const runsOf = (n: number) => `${n} run${n === 1 ? '' : 's'}`;

/**
 * A promise the bench makes, judged from this run: a duration by its median, a bound (memory, the
 * worst case) by its maximum.
 */
export interface Target {
  /** What is promised, in words: "10,000 policies linted through the CLI in under 5 s". */
  what: string;
  met: boolean;
  /** The figure judged: "median 4.21 s of 5 runs". */
  measured: string;
  /** Judged only at scale 1: the sizes the promise speaks of. */
  sizeBound: boolean;
}

/** A target on a spread: `basis` median for a typical figure, max for a bound. */
export function target(
  what: string,
  basis: 'median' | 'max',
  s: Spread,
  limit: number,
  unit: (value: number) => string,
  sizeBound = true,
): Target {
  const value = s[basis];
  return {
    what,
    met: value < limit,
    measured: `${basis} ${unit(value)} of ${runsOf(s.runs)}`,
    sizeBound,
  };
}

export interface SuiteResult {
  title: string;
  /** Markdown lines: what was measured, how, and the figures. */
  lines: string[];
  /** Judged and listed by the runner, below the lines and in the summary. */
  targets?: Target[];
}
