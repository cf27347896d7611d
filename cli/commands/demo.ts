import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DEFAULT_AUDIENCE, GITHUB_PROVIDER } from '../../shared/github/claims.js';
import { compare } from '../../shared/policy/compare.js';
import { explain } from '../../shared/policy/explain.js';
import { atOrAbove, UsageError } from '../exit.js';
import { painter, severityLabel } from '../format/style.js';
import { severityCounts } from '../format/summary.js';
import { tokenLine } from '../format/table.js';
import { readOnePolicy } from '../input.js';
import { isFileError } from '../model.js';
import { useColor } from '../options.js';
import { lintFiles } from './lint.js';

const BASELINE = 'deploy-production.json';
const WIDENED = 'deploy-production-widened.json';
// The job names no environment, so GitHub sends a ref subject and the environment-pinned policy refuses it.
const REFUSED_SUB = 'repo:my-org/payments-api:ref:refs/heads/main';

/** The bundle runs from dist/cli/, the sources from cli/commands/: look upwards for the package's examples. */
function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'examples', 'policies');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new UsageError('examples/policies is missing from this installation');
    dir = parent;
  }
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('lint, compare and explain the example trust policies shipped in examples/policies')
    .action(() => {
      process.stdout.write(demo(examplesDir(), useColor()));
    });
}

function demo(dir: string, color: boolean): string {
  const paint = painter(color);
  const show = (file: string) => relative(process.cwd(), join(dir, file)) || file;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out = [paint('bold', `trustwatch demo: the example trust policies in ${show('.')}`), ''];

  out.push(paint('bold', 'lint (critical and high findings)'));
  for (const result of lintFiles(files.map((f) => join(dir, f)))) {
    out.push(`  ${show(relative(dir, result.path))}`);
    if (isFileError(result)) {
      out.push(`    ${result.error}`);
      continue;
    }
    const serious = result.findings.filter((f) => atOrAbove(f.severity, 'high'));
    if (serious.length === 0) {
      const lesser = severityCounts(result.findings);
      out.push(
        `    ${paint('green', 'nothing critical or high')}${lesser.length > 0 ? ` (${lesser.join(', ')})` : ''}`,
      );
    }
    for (const f of serious) out.push(`    ${severityLabel(f.severity, paint)} ${f.ruleId}: ${f.message}`);
  }

  const comparison = compare(
    readOnePolicy(join(dir, BASELINE)).parsed.document,
    readOnePolicy(join(dir, WIDENED)).parsed.document,
  );
  out.push('', paint('bold', `compare ${BASELINE} → ${WIDENED}: ${comparison.verdict.toUpperCase()}`));
  for (const token of comparison.newlyAdmitted) out.push(`  newly admitted: ${tokenLine(token)}`);

  const explanation = explain(readOnePolicy(join(dir, BASELINE)).parsed.document, {
    provider: GITHUB_PROVIDER,
    claims: { sub: REFUSED_SUB, aud: DEFAULT_AUDIENCE },
  });
  out.push(
    '',
    paint(
      'bold',
      `explain ${BASELINE} for sub ${REFUSED_SUB}: ${explanation.admitted ? 'ADMITTED' : 'REFUSED'}`,
    ),
  );
  for (const reason of explanation.reasons) out.push(`  ${reason}`);

  out.push(
    '',
    'Try it on your own policies:',
    `  trustwatch lint ${show('*.json')} --format sarif > trustwatch.sarif`,
    `  trustwatch compare ${show(BASELINE)} ${show(WIDENED)}`,
    `  trustwatch explain --policy ${show(BASELINE)} --sub ${REFUSED_SUB}`,
    '',
  );
  return out.join('\n');
}
