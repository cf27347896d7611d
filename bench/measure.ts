import { cpus, totalmem } from 'node:os';

/** Median, 95th percentile and maximum of a list of durations in milliseconds. */
export function summarize(times: number[]): { median: number; p95: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
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

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

export const ms = (v: number) => `${v < 10 ? v.toFixed(3) : v.toFixed(1)} ms`;

export interface SuiteResult {
  title: string;
  /** Markdown lines: a table and a verdict against the target. */
  lines: string[];
}
