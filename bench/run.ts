import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { baselineMs } from './baseline.js';
import {
  type Busyness,
  cores,
  describeBusyness,
  load1,
  OTHERS_LIMIT,
  QUIET_LOAD_PER_CORE,
  quietLoad,
  tooBusy,
  watchMachine,
} from './machine-load.js';
import {
  type BenchOptions,
  FULL,
  machine,
  ms,
  runsOf,
  type SuiteResult,
  showSpread,
  spread,
  type Target,
} from './measure.js';
import { auditSuites } from './suites/audit.js';
import { bundleSuites } from './suites/bundles.js';
import { cliSuites } from './suites/cli.js';
import { collectorSuites } from './suites/collector.js';
import { engineSuites } from './suites/engine.js';
import { lintScaleSuites } from './suites/lint-scale.js';
import { replaySuites } from './suites/replay.js';
import { reportSuites } from './suites/report.js';

type Suite = (options: BenchOptions) => SuiteResult[] | Promise<SuiteResult[]>;

const ALL: Record<string, Suite> = {
  engine: engineSuites,
  lint: lintScaleSuites,
  collector: collectorSuites,
  audit: auditSuites,
  report: reportSuites,
  replay: replaySuites,
  cli: cliSuites,
  bundles: bundleSuites,
};
/** Suites that run the built CLI: it is rebuilt first, so that they measure this tree. */
const NEED_CLI = new Set(['lint', 'replay', 'cli']);
/** How long to wait for a busy machine to quieten before refusing. */
const SETTLE_MS = 180_000;

const USAGE = `npm run bench [-- [suite…] [--scale N] [--runs N] [--force]]
  suite      run only these (${Object.keys(ALL).join(', ')}); prints, never writes BENCHMARKS.md
  --scale N  multiply every size by N (0.01 checks that the suites work); only scale 1 is judged
  --runs N   repetitions of each measurement (default ${FULL.runs}; BENCHMARKS.md needs at least ${FULL.runs})
  --force    write BENCHMARKS.md even when the machine is busy, marked as measured on a busy machine`;

const { values, positionals } = parseArgs({
  options: {
    scale: { type: 'string', default: String(FULL.scale) },
    runs: { type: 'string', default: String(FULL.runs) },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const options: BenchOptions = { scale: Number(values.scale), runs: Number(values.runs) };
const unknown = positionals.filter((name) => !(name in ALL));
if (unknown.length > 0 || !(options.scale > 0) || !Number.isInteger(options.runs) || options.runs < 1) {
  process.stderr.write(
    `${unknown.length > 0 ? `no such suite: ${unknown.join(', ')}\n` : 'bad --scale or --runs\n'}${USAGE}\n`,
  );
  process.exit(2);
}
// Only a full run at full size, repeated enough, makes figures worth keeping.
const writes = positionals.length === 0 && options.scale === FULL.scale && options.runs >= FULL.runs;
const selected = Object.entries(ALL).filter(
  ([name]) => positionals.length === 0 || positionals.includes(name),
);

/** Waits for the load average to fall to the quiet level; false when it has not within SETTLE_MS. */
async function settled(): Promise<boolean> {
  const until = Date.now() + SETTLE_MS;
  while (load1() > quietLoad()) {
    if (Date.now() > until) return false;
    process.stderr.write(
      `bench: load average ${load1().toFixed(2)} > ${quietLoad().toFixed(2)}: waiting for the machine to quieten…\n`,
    );
    await sleep(15_000);
  }
  return true;
}

const quietAtStart = writes && !values.force ? await settled() : load1() <= quietLoad();
const startedAt = new Date();
const loadAtStart = load1();
if (writes && !values.force && !quietAtStart) {
  process.stderr.write(
    `bench: refused: the load average is ${load1().toFixed(2)} on ${cores()} cores (quiet is at most ${quietLoad().toFixed(2)}); run it on a quiet machine, or pass --force to write BENCHMARKS.md marked as measured on a busy machine.\n`,
  );
  process.exit(1);
}
if (selected.some(([name]) => NEED_CLI.has(name))) {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}

const baseline = (when: string) =>
  `| ${when} | ${showSpread(spread(Array.from({ length: options.runs }, baselineMs)), ms)} |`;
const baselineBefore = baseline('before the suites');
const busyWhile: { name: string; busy: Busyness }[] = [];
const sections: SuiteResult[] = [];
/** Below the last section of each suite: how busy the machine was while it ran. */
const footers = new Map<SuiteResult, string>();
for (const [name, run] of selected) {
  const done = watchMachine();
  const results = await run(options);
  const busy = done();
  busyWhile.push({ name, busy });
  const last = results.at(-1);
  if (last) footers.set(last, `_Machine during the ${name} suite: ${describeBusyness(busy)}._`);
  sections.push(...results);
}
const baselineAfter = baseline('after the suites');

const busyRun = !quietAtStart || busyWhile.some((b) => tooBusy(b.busy));
const judged = options.scale === FULL.scale;
const verdict = (t: Target) =>
  !judged && t.sizeBound ? `not judged (scale ${options.scale})` : t.met ? 'met' : '**not met**';
const targetLines = (targets: Target[] = []) =>
  targets.map((t) => `Target: ${t.what}: ${verdict(t)} (${t.measured}).`);
const allTargets = sections.flatMap((s) => s.targets ?? []);
const busiest = busyWhile.filter((b) => tooBusy(b.busy)).map((b) => b.name);
const out = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${startedAt.toISOString().slice(0, 16).replace('T', ' ')}–${new Date().toISOString().slice(11, 16)} UTC: ${machine()}.`,
  ...(options.scale !== FULL.scale
    ? [
        '',
        `**Scale ${options.scale}: every size below is ${options.scale} of the bench's; targets are not judged.**`,
      ]
    : []),
  ...(busyRun
    ? [
        '',
        `**Measured on a busy machine${values.force ? ' (written with --force)' : ''}: ${quietAtStart ? '' : `the load average was ${loadAtStart.toFixed(2)} when it started (quiet is at most ${quietLoad().toFixed(2)}); `}${busiest.length > 0 ? `other processes took more than ${OTHERS_LIMIT * 100}% of the CPU during ${busiest.join(', ')}; ` : ''}the figures are slower and wider than this machine's own.**`,
      ]
    : []),
  '',
  `Each figure is the median of ${runsOf(options.runs)} with the fastest and slowest in brackets: \`median (min–max)\`. A target is judged from this run: a duration by its median, a bound (memory, the worst case) by its maximum. Quiet means a load average (1 min) of at most ${QUIET_LOAD_PER_CORE} per core before the start (${quietLoad().toFixed(2)} here; it was ${loadAtStart.toFixed(2)}) and other processes taking at most ${OTHERS_LIMIT * 100}% of the CPU while each suite runs; the bench refuses to write this file otherwise, unless forced, and then says so above.`,
  '',
  '## Baseline: a fixed reference workload',
  '',
  'Fixed single-threaded JavaScript (JSON, strings, regular expressions, sets, a sort: `bench/baseline-workload.mjs`) in a fresh process, before and after the suites. Another machine running the same Node takes times in proportion: divide a figure by this baseline to compare machines.',
  '',
  `| when | baseline (${runsOf(options.runs)}) |`,
  '|---|---|',
  baselineBefore,
  baselineAfter,
  '',
  ...(allTargets.length > 0
    ? [
        '## Targets',
        '',
        '| target | judged from | result |',
        '|---|---|---|',
        ...allTargets.map((t) => `| ${t.what} | ${t.measured} | ${verdict(t)} |`),
        '',
      ]
    : []),
  ...sections.flatMap((s) => {
    const footer = footers.get(s);
    return [
      `## ${s.title}`,
      '',
      ...s.lines,
      ...(s.targets?.length ? ['', ...targetLines(s.targets)] : []),
      ...(footer ? ['', footer] : []),
      '',
    ];
  }),
].join('\n');
process.stdout.write(out);
if (writes && busyRun && !values.force) {
  process.stderr.write(
    `bench: refused to write BENCHMARKS.md: the machine was busy during ${busiest.join(', ') || 'the run'}; run it again on a quiet machine, or pass --force.\n`,
  );
  process.exit(1);
}
if (writes) writeFileSync('BENCHMARKS.md', out);
