import { execFileSync } from 'node:child_process';
import { type BenchOptions, ms, type SuiteResult, showSpread, spread, target } from '../measure.js';

const CLI = 'dist/cli/trustwatch.js';
const VERSION_TARGET_MS = 300;

/** Start-up of the compiled CLI (built by the runner), the cost of every `trustwatch` call in CI. */
export function cliSuites(options: BenchOptions): SuiteResult[] {
  const runs = options.runs * 2;
  const run = (args: string[]) => {
    const start = performance.now();
    execFileSync(process.execPath, [CLI, ...args], { stdio: 'pipe' });
    return performance.now() - start;
  };
  const times = (args: string[]) => spread(Array.from({ length: runs }, () => run(args)));
  const version = times(['--version']);
  const lint = times(['lint', 'examples/policies/deploy-production.json']);
  return [
    {
      title: 'CLI start-up (compiled JavaScript)',
      lines: [
        `Wall time from spawn to exit of \`node ${CLI}\`, ${runs} runs each.`,
        '',
        '| command | time |',
        '|---|---|',
        `| \`trustwatch --version\` | ${showSpread(version, ms)} |`,
        `| \`trustwatch lint\` one policy | ${showSpread(lint, ms)} |`,
      ],
      targets: [
        target(
          `\`trustwatch --version\` under ${VERSION_TARGET_MS} ms`,
          'median',
          version,
          VERSION_TARGET_MS,
          ms,
          false,
        ),
      ],
    },
  ];
}
