import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLogFiles } from '../cloudtrail-logs.js';
import {
  type BenchOptions,
  count,
  mb,
  type SuiteResult,
  scaled,
  seconds,
  showSpread,
  size,
  spread,
  type Target,
  target,
} from '../measure.js';

const CLI = 'dist/cli/trustwatch.js';
const FILES = 20;
/** The target of issue 13: a million records in twenty gzipped log files, with --state. */
const TARGET_MS = 60_000;
const TARGET_RSS_MB = 1024;

interface Replay {
  records: number;
  ms: number;
  /** User and system CPU time of the process: wall time less the wait for a busy machine. */
  cpuMs: number;
  rssMb: number;
}

/** One `trustwatch events replay DIR --state FILE` in a fresh process: wall time and peak memory. */
function replay(dir: string, state: string): Replay {
  const usageFile = join(dir, '..', 'usage.json');
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', './bench/peak-rss.mjs', CLI, 'events', 'replay', dir, '--state', state, '--format', 'json'],
    { env: { ...process.env, TRUSTWATCH_BENCH_USAGE_FILE: usageFile }, maxBuffer: 1 << 30, encoding: 'utf8' },
  );
  const ms = performance.now() - start;
  if (run.status !== 0 && run.status !== 1) throw new Error(`replay failed (${run.status}): ${run.stderr}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKb: number; cpuMs: number };
  return {
    records: (JSON.parse(run.stdout) as { records: number }).records,
    ms,
    cpuMs: usage.cpuMs,
    rssMb: usage.maxRssKb / 1024,
  };
}

/**
 * `events replay` of generated CloudTrail log files: each run replays them into a new state, then
 * again over the same state (every event a repeat), each in a fresh process.
 */
export function replaySuites(options: BenchOptions): SuiteResult[] {
  const rows: string[] = [];
  const targets: Target[] = [];
  for (const goal of [100_000, 1_000_000]) {
    const total = scaled(goal, options, FILES);
    const work = mkdtempSync(join(tmpdir(), 'trustwatch-bench-replay-'));
    try {
      const dir = join(work, 'logs');
      const { bytes, gzipped } = writeLogFiles(dir, total, FILES);
      const first: Replay[] = [];
      const again: Replay[] = [];
      for (let run = 0; run < options.runs; run++) {
        const state = join(work, `state-${run}.json`);
        first.push(replay(dir, state));
        again.push(replay(dir, state));
      }
      const input = `${size(bytes)} (${size(gzipped)} gzipped)`;
      const line = (what: string, runs: Replay[]) => {
        const wall = spread(runs.map((r) => r.ms));
        return `| ${count(total)} | ${input} | ${what} | ${showSpread(wall, seconds)} | ${showSpread(spread(runs.map((r) => r.cpuMs)), seconds)} | ${count((total / wall.median) * 1000)} | ${showSpread(spread(runs.map((r) => r.rssMb)), mb)} |`;
      };
      rows.push(line('into a new state', first), line('again, same state (every event a repeat)', again));
      if (goal === 1_000_000) {
        targets.push(
          target(
            'a million records in 20 gzipped log files replayed with `--state` in under 60 s',
            'median',
            spread(first.map((r) => r.ms)),
            TARGET_MS,
            seconds,
          ),
          target(
            'a million records replayed with `--state` in under 1 GiB, into a new state or again',
            'max',
            spread([...first, ...again].map((r) => r.rssMb)),
            TARGET_RSS_MB,
            mb,
          ),
        );
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return [
    {
      title: `\`events replay\` of ${FILES} gzipped CloudTrail log files (generated records, about 1.3 KB each)`,
      lines: [
        `\`node ${CLI} events replay DIR --state FILE --format json\`, each run a fresh process; ${options.runs} runs of each. Wall time counts waiting for a busy machine; CPU time (user and system, gzip unpacked on a second thread) does not.`,
        '',
        '| records | size | run | wall time | CPU time | records/s (median wall) | peak RSS |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ],
      targets,
    },
  ];
}
