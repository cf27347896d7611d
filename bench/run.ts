import { writeFileSync } from 'node:fs';
import { machine } from './measure.js';
import { auditSuites } from './suites/audit.js';
import { bundleSuites } from './suites/bundles.js';
import { cliSuites } from './suites/cli.js';
import { collectorSuites } from './suites/collector.js';
import { engineSuites } from './suites/engine.js';

// Runs every benchmark suite and writes BENCHMARKS.md. Run on an otherwise idle machine.
const suites = [
  ...engineSuites(),
  ...(await collectorSuites()),
  ...auditSuites(),
  ...cliSuites(),
  ...(await bundleSuites()),
];
const out = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}.`,
  '',
  ...suites.flatMap((s) => [`## ${s.title}`, '', ...s.lines, '']),
].join('\n');
writeFileSync('BENCHMARKS.md', out);
process.stdout.write(out);
