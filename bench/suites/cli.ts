import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ms, type SuiteResult, summarize } from '../measure.js';

const CLI = 'dist/cli/trustwatch.js';

/** Start-up of the compiled CLI, the cost of every `trustwatch` call in CI. */
export function cliSuites(): SuiteResult[] {
  if (!existsSync(CLI)) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
  const run = (args: string[]) => {
    const start = performance.now();
    execFileSync('node', [CLI, ...args], { stdio: 'pipe' });
    return performance.now() - start;
  };
  const version = summarize(Array.from({ length: 10 }, () => run(['--version'])));
  const lint = summarize(
    Array.from({ length: 10 }, () => run(['lint', 'examples/policies/deploy-production.json'])),
  );
  return [
    {
      title: 'CLI start-up (compiled JavaScript, median of 10 runs)',
      lines: [
        '| command | median | worst |',
        '|---|---|---|',
        `| \`trustwatch --version\` | ${ms(version.median)} | ${ms(version.max)} |`,
        `| \`trustwatch lint\` one policy | ${ms(lint.median)} | ${ms(lint.max)} |`,
        '',
        `Target: \`--version\` under 300 ms: ${version.median < 300 ? 'met' : 'NOT met'}.`,
      ],
    },
  ];
}
