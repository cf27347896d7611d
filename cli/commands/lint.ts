import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ComplexityError } from '../../shared/policy/cells.js';
import type { ParsedPolicy } from '../../shared/policy/model.js';
import { visibleText } from '../../shared/report/visible-text.js';
import {
  type LintFinding,
  lintPolicy,
  type LintOptions as PolicyLintOptions,
} from '../../shared/rules/lint.js';
import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule.js';
import { EXIT } from '../exit.js';
import { chunkedWrite, LINT_FORMATS, type LintFormat, lintWriter } from '../format/lint-writer.js';
import { LintTally } from '../format/summary.js';
import { expandInputs, readSources, type Source } from '../iac-input.js';
import { type FilePolicy, InputError } from '../input.js';
import { LintCache, type LintOutcome } from '../lint-cache.js';
import { LINT_FILE_SECONDS, lintIsolated } from '../lint-isolated.js';
import { lintRoleResult } from '../lint-role.js';
import type { LintResult } from '../model.js';
import { collectList, configOption, formatOption, useColor } from '../options.js';
import { loadConfig } from './audit.js';

interface LintOptions {
  format: LintFormat;
  failOn: Severity;
  allowedOwner: string[];
  fileTimeout: number;
  workers: number;
  config?: string;
  skipUnrecognised?: boolean;
}

/**
 * One policy's result, through the cache: the one place a policy unit meets the engine. A policy beyond
 * the engine's budget is that policy's answer, not the end of the run.
 */
export function lintUnit(
  p: FilePolicy,
  path: string,
  options: PolicyLintOptions,
  cache: LintCache,
): LintResult {
  const where = { file: p.file, path, ...(p.name ? { role: p.name } : {}) };
  return { ...where, ...cache.outcome(p.parsed, options, () => analyse(p.parsed, options)) };
}

function analyse(parsed: ParsedPolicy, options: PolicyLintOptions): LintOutcome {
  try {
    return { findings: bySeverity(lintPolicy(parsed, options)) };
  } catch (error) {
    if (error instanceof ComplexityError) return { error: error.message };
    throw error;
  }
}

/** lintPolicy through the cache, for the bounds of a role read from infrastructure code. */
const cachedLint =
  (cache: LintCache) =>
  (parsed: ParsedPolicy, options: PolicyLintOptions): LintFinding[] => {
    const outcome = cache.outcome(parsed, options, () => analyse(parsed, options));
    if ('error' in outcome) {
      // The cached answer keeps the engine's words (where the budget ran out).
      const refusal = new ComplexityError();
      refusal.message = outcome.error;
      throw refusal;
    }
    return outcome.findings;
  };

/** Every policy or role of one path, one result at a time; a file that cannot be read is a result, not a stop. */
export async function* lintFile(
  path: string,
  options: PolicyLintOptions,
  cache: LintCache,
): AsyncGenerator<LintResult> {
  let sources: Source[];
  try {
    sources = await readSources(path);
  } catch (error) {
    if (error instanceof InputError) {
      yield { file: path, path, error: error.reason };
      return;
    }
    throw error;
  }
  for (const source of sources)
    yield 'role' in source
      ? lintRoleResult(source.role, options, cachedLint(cache))
      : lintUnit(source.policy, path, options, cache);
}

/** Every policy of every path, in this thread, one result at a time. */
export async function* lintFiles(
  paths: string[],
  options: PolicyLintOptions = {},
  cache = new LintCache(),
): AsyncGenerator<LintResult> {
  for (const path of paths) yield* lintFile(path, options, cache);
}

function bySeverity<T extends LintFinding>(findings: T[]): T[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

/** From the run's running counts: any unreadable file is exit 2, else any finding at or above `failOn` exit 1. */
export function lintExitCode(tally: LintTally, failOn: Severity): number {
  if (tally.errors > 0) return EXIT.usage;
  return tally.worstRank >= severityRank(failOn) ? EXIT.findings : EXIT.clean;
}

/** `workerEntry`: the CLI bundle, to lint each file in a bounded worker; without it, files are linted in this thread. */
export function registerLint(program: Command, version: string, workerEntry?: URL): void {
  program
    .command('lint')
    .description(
      'check trust policies for risky trust (policy JSON, aws iam get-role or list-roles output, CloudFormation templates, cdk.out, Terraform plans and .tf files)',
    )
    .argument('<path...>', 'files or directories to check; - reads standard input')
    .addOption(formatOption(LINT_FORMATS))
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
      new Option(
        '--file-timeout <seconds>',
        'give up on a file when reading it or one of its policies takes longer (exit 2, saying so)',
      )
        .default(LINT_FILE_SECONDS)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option(
        '--workers <count>',
        'lint this many files at a time, each in its own worker (1: one by one)',
      )
        .env('TRUSTWATCH_LINT_WORKERS')
        .default(availableParallelism(), 'the number of CPUs')
        .argParser(positiveInteger),
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
      // Each result is written as it comes and only counted: memory does not grow with the run.
      const out = chunkedWrite((text) => process.stdout.write(text));
      const writer = lintWriter(options.format, out.write, { color: useColor(), version });
      const tally = new LintTally();
      const take = (result: LintResult) => {
        tally.add(result);
        writer.add(result);
      };
      if (workerEntry)
        await lintIsolated(workerEntry, paths, policyOptions, take, options.fileTimeout, options.workers);
      else for await (const result of lintFiles(paths, policyOptions)) take(result);
      writer.end(tally);
      out.flush();
      process.exitCode = lintExitCode(tally, options.failOn);
    });
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError('give a whole number of 1 or more');
  return value;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new InvalidArgumentError('give a number of seconds above 0');
  return value;
}
