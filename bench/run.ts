import { writeFileSync } from 'node:fs';
import { machine, type SuiteResult } from './measure.js';
import { auditSuites } from './suites/audit.js';
import { bundleSuites } from './suites/bundles.js';
import { cliSuites } from './suites/cli.js';
import { collectorSuites } from './suites/collector.js';
import { engineSuites } from './suites/engine.js';
import { replaySuites } from './suites/replay.js';
import { reportSuites } from './suites/report.js';

const ALL: Record<string, () => SuiteResult[] | Promise<SuiteResult[]>> = {
  engine: engineSuites,
  collector: collectorSuites,
  audit: auditSuites,
  report: reportSuites,
  replay: replaySuites,
  cli: cliSuites,
  bundles: bundleSuites,
};

// Runs every benchmark suite and writes BENCHMARKS.md. Run on an otherwise idle machine.
// `npm run bench -- report` runs the named suites only and prints them, leaving BENCHMARKS.md as it is.
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in ALL));
if (unknown.length > 0)
  throw new Error(`no such suite: ${unknown.join(', ')} (suites: ${Object.keys(ALL).join(', ')})`);
const suites: SuiteResult[] = [];
for (const [name, run] of Object.entries(ALL))
  if (named.length === 0 || named.includes(name)) suites.push(...(await run()));
const out = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}.`,
  '',
  ...suites.flatMap((s) => [`## ${s.title}`, '', ...s.lines, '']),
].join('\n');
if (named.length === 0) writeFileSync('BENCHMARKS.md', out);
process.stdout.write(out);
