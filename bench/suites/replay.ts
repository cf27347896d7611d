import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLogFiles } from '../cloudtrail-logs.js';
import { machine, type SuiteResult } from '../measure.js';

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

/** `events replay` of generated CloudTrail log files: records per second and peak memory. */
export function replaySuites(): SuiteResult[] {
  if (!existsSync(CLI)) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  const rows: string[] = [];
  let verdict = '';
  // Wall time on a shared machine says as much about the others as about this: keep how busy it was.
  const busy = `Load average when the suite started: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores.`;
  for (const total of [100_000, 1_000_000]) {
    const work = mkdtempSync(join(tmpdir(), 'trustwatch-bench-replay-'));
    try {
      const dir = join(work, 'logs');
      const { bytes, gzipped } = writeLogFiles(dir, total, FILES);
      const state = join(work, 'state.json');
      const first = replay(dir, state);
      const again = replay(dir, state);
      const mb = (n: number) => (n / 2 ** 20).toFixed(0);
      const size = `${mb(bytes)} MB (${mb(gzipped)} MB gzipped)`;
      const line = (what: string, r: Replay) =>
        `| ${total.toLocaleString('en')} | ${size} | ${what} | ${(r.ms / 1000).toFixed(1)} s | ${(r.cpuMs / 1000).toFixed(1)} s | ${Math.round((r.records / r.ms) * 1000)} | ${r.rssMb.toFixed(0)} MB |`;
      rows.push(line('into a new state', first), line('again, same state (every event a repeat)', again));
      if (total === 1_000_000) {
        const met = first.ms < TARGET_MS && first.rssMb < TARGET_RSS_MB && again.rssMb < TARGET_RSS_MB;
        verdict = `Target: a million records in ${FILES} gzipped log files, with \`--state\`, under 60 s and 1 GiB: ${met ? 'met' : 'NOT met'}.`;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return [
    {
      title: `\`events replay\` of ${FILES} gzipped CloudTrail log files (generated records, about 1.3 KB each)`,
      lines: [
        `Measured on ${new Date().toISOString().slice(0, 10)}: ${machine()}. ${busy}`,
        '',
        '| records | size | run | wall time | CPU time | records/s (wall) | peak RSS |',
        '|---|---|---|---|---|---|---|',
        ...rows,
        '',
        verdict,
        'Wall time counts waiting for a busy machine; CPU time (user and system) does not. gzip is unpacked on a second thread.',
      ],
    },
  ];
}
