import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundlingFor, LAMBDA_NODE_OPTIONS } from '../../infra/bundling.js';
import { cdkEsbuildOptions } from '../cdk-esbuild.js';
import { ms, type SuiteResult, summarize } from '../measure.js';

const BUDGET_BYTES = 400 * 1024;
const BUDGET_MS = 60;
const RUNS = 9;

/**
 * What the functions read from their environment at import time (functions/common/settings.ts, the
 * slack notifier's secret name, the report bucket), with dummy values, and nothing of this machine's: no AWS profile,
 * no NODE_OPTIONS. Importing a function builds its clients but calls nothing.
 */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TRUSTWATCH_TABLE: 'trustwatch-bench',
  TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:trustwatch-bench',
  TRUSTWATCH_SLACK_SECRET: 'trustwatch-bench-slack',
  TRUSTWATCH_REPORT_BUCKET: 'trustwatch-bench-reports',
  TRUSTWATCH_FAILURES_QUEUE: 'https://sqs.us-east-1.amazonaws.com/111122223333/trustwatch-bench-failures',
  // Lambda runs Node 22; on older Node the SDK would print a warning at load that Lambda never does.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds a fresh process takes to import the bundle, measured inside it. */
function coldLoad(bundle: string, nodeFlags: string[]): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync('node', [...nodeFlags, '--input-type=module', '-e', script], {
    env: LAMBDA_ENV,
    cwd: tmpdir(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return Number(out);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

interface Measured {
  name: string;
  size: number;
  map: number;
  plain: number[];
  mapped: number[];
  failure?: string;
}

/**
 * Each function bundled as NodejsFunction bundles it (infra/bundling.ts), into a directory with no
 * node_modules in reach, as in Lambda: a module left external that a bundle imports statically makes
 * it fail to load here. Loads with and without --enable-source-maps are interleaved, and each round
 * loads every function once, so that a busy moment of the machine weighs on all of them alike.
 */
export async function bundleSuites(): Promise<SuiteResult[]> {
  const names = readdirSync('functions').filter((name) => existsSync(join('functions', name, 'index.ts')));
  const root = mkdtempSync(join(tmpdir(), 'trustwatch-bundles-'));
  const measured: Measured[] = [];
  try {
    for (const name of names) {
      const outdir = join(root, name);
      await build(cdkEsbuildOptions(bundlingFor(name), join('functions', name, 'index.ts'), outdir));
      const bundle = join(outdir, 'index.mjs');
      const map = existsSync(`${bundle}.map`) ? statSync(`${bundle}.map`).size : 0;
      measured.push({ name, size: statSync(bundle).size, map, plain: [], mapped: [] });
    }
    for (let round = 0; round < RUNS; round++) {
      for (const m of measured.filter((m) => m.failure === undefined)) {
        const bundle = join(root, m.name, 'index.mjs');
        try {
          m.plain.push(coldLoad(bundle, []));
          m.mapped.push(coldLoad(bundle, [LAMBDA_NODE_OPTIONS]));
        } catch (error) {
          m.failure = String((error as { stderr?: string }).stderr ?? error)
            .split('\n')
            // The error's own line (`TypeError: …`), not a source line that happens to name one.
            .find((line) => /^\w*Error\b/.test(line));
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const misses: string[] = [];
  const rows = measured.map((m) => {
    // Judged as deployed: the functions run with NODE_OPTIONS=--enable-source-maps.
    const load = summarize(m.mapped).median;
    const fits = m.failure === undefined && m.size <= BUDGET_BYTES && load <= BUDGET_MS;
    if (!fits) misses.push(m.name);
    return m.failure !== undefined
      ? `| ${m.name} | ${kb(m.size)} | ${kb(m.map)} | does not load: ${m.failure} | | NOT met |`
      : `| ${m.name} | ${kb(m.size)} | ${kb(m.map)} | ${ms(summarize(m.plain).median)} | ${ms(load)} | ${fits ? 'met' : 'NOT met'} |`;
  });
  return [
    {
      title: `Lambda bundles (infra/bundling.ts; cold module load, median of ${RUNS} fresh processes)`,
      lines: [
        `| function | bundle | source map | load | load with ${LAMBDA_NODE_OPTIONS} (as deployed) | budget |`,
        '|---|---|---|---|---|---|',
        ...rows,
        '',
        `Budget: ${kb(BUDGET_BYTES)} and ${BUDGET_MS} ms (loaded as deployed, with ${LAMBDA_NODE_OPTIONS}) per function: ${misses.length === 0 ? 'met' : `NOT met by ${misses.join(', ')}`}.`,
      ],
    },
  ];
}
