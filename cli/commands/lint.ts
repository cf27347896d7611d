import { type Command, InvalidArgumentError, Option } from 'commander';
import { ComplexityError } from '../../shared/policy/cells.js';
import { visibleText } from '../../shared/report/visible-text.js';
import {
  type LintFinding,
  lintPolicy,
  type LintOptions as PolicyLintOptions,
} from '../../shared/rules/lint.js';
import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule.js';
import { atOrAbove, EXIT } from '../exit.js';
import { lintJson } from '../format/json.js';
import { lintMarkdown } from '../format/markdown.js';
import { lintSarif } from '../format/sarif.js';
import { lintTable } from '../format/table.js';
import { expandInputs, readSources, type Source } from '../iac-input.js';
import { InputError } from '../input.js';
import { LINT_FILE_SECONDS, lintIsolated } from '../lint-isolated.js';
import { lintRoleResult } from '../lint-role.js';
import { isFileError, type LintResult } from '../model.js';
import { collectList, configOption, formatOption, useColor } from '../options.js';
import { loadConfig } from './audit.js';

const FORMATS = ['table', 'json', 'markdown', 'sarif'] as const;

interface LintOptions {
  format: (typeof FORMATS)[number];
  failOn: Severity;
  allowedOwner: string[];
  fileTimeout: number;
  config?: string;
  skipUnrecognised?: boolean;
}

/** Lints every policy of every file; a file that cannot be read becomes a result, not a stop. */
export async function lintFiles(paths: string[], options: PolicyLintOptions = {}): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (const path of paths) results.push(...(await lintPath(path, options)));
  return results;
}

async function lintPath(path: string, options: PolicyLintOptions): Promise<LintResult[]> {
  let sources: Source[];
  try {
    sources = await readSources(path);
  } catch (error) {
    if (error instanceof InputError) return [{ file: path, path, error: error.reason }];
    throw error;
  }
  return sources.map((source) => {
    if ('role' in source) return lintRoleResult(source.role, options);
    const p = source.policy;
    const where = { file: p.file, path, ...(p.name ? { role: p.name } : {}) };
    try {
      return { ...where, findings: bySeverity(lintPolicy(p.parsed, options)) };
    } catch (error) {
      // One policy beyond the engine's budget is that policy's answer, not the end of the run.
      if (error instanceof ComplexityError) return { ...where, error: error.message };
      throw error;
    }
  });
}

function bySeverity<T extends LintFinding>(findings: T[]): T[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

export function lintExitCode(results: LintResult[], failOn: Severity): number {
  if (results.some(isFileError)) return EXIT.usage;
  const failing = results.some(
    (r) => !isFileError(r) && r.findings.some((f) => atOrAbove(f.severity, failOn)),
  );
  return failing ? EXIT.findings : EXIT.clean;
}

/** `workerEntry`: the CLI bundle, to lint each file in a bounded worker; without it, files are linted in this thread. */
export function registerLint(program: Command, version: string, workerEntry?: URL): void {
  program
    .command('lint')
    .description(
      'check trust policies for risky trust (policy JSON, aws iam get-role or list-roles output, CloudFormation templates, cdk.out, Terraform plans and .tf files)',
    )
    .argument('<path...>', 'files or directories to check; - reads standard input')
    .addOption(formatOption(FORMATS))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(SEVERITIES)
        .default('high'),
    )
    .option(
      '--allowed-owner <owner>',
      'GitHub owner allowed to assume roles (repeat, or comma-separate)',
      collectList,
      [],
    )
    .addOption(configOption())
    .option(
      '--skip-unrecognised',
      'skip named files that hold nothing trustwatch reads, as inside a directory (for pre-commit hooks)',
    )
    .addOption(
      new Option('--file-timeout <seconds>', 'give up on a file not decided in this time (exit 2, saying so)')
        .default(LINT_FILE_SECONDS)
        .argParser(positiveNumber),
    )
    .action(async (files: string[], options: LintOptions) => {
      const config = loadConfig(options.config);
      const allowedOwners = [...new Set([...config.allowedOwners, ...options.allowedOwner])];
      const policyOptions: PolicyLintOptions = {
        ...(allowedOwners.length > 0 ? { allowedOwners } : {}),
        github: config.github,
      };
      const { paths, skipped } = expandInputs(files, { skipUnrecognised: options.skipUnrecognised === true });
      for (const { directory, count } of skipped)
        process.stderr.write(
          `trustwatch: ${visibleText(directory)}: skipped ${count} ${count === 1 ? 'file' : 'files'} not recognised\n`,
        );
      const results = workerEntry
        ? await lintIsolated(workerEntry, paths, policyOptions, options.fileTimeout)
        : await lintFiles(paths, policyOptions);
      const render = {
        table: () => lintTable(results, { color: useColor() }),
        json: () => lintJson(results),
        markdown: () => lintMarkdown(results),
        sarif: () => lintSarif(results, version),
      }[options.format];
      process.stdout.write(render());
      process.exitCode = lintExitCode(results, options.failOn);
    });
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new InvalidArgumentError('give a number of seconds above 0');
  return value;
}
