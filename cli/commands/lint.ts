import { type Command, InvalidArgumentError, Option } from 'commander';
import { ComplexityError } from '../../shared/policy/cells.js';
import type { ParsedPolicy } from '../../shared/policy/model.js';
import {
  type LintFinding,
  lintPolicy,
  type LintOptions as PolicyLintOptions,
} from '../../shared/rules/lint.js';
import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule.js';
import { EXIT } from '../exit.js';
import { chunkedWrite, LINT_FORMATS, type LintFormat, lintWriter } from '../format/lint-writer.js';
import { LintTally } from '../format/summary.js';
import { type FilePolicy, InputError, readPolicies } from '../input.js';
import { LintCache, type LintOutcome } from '../lint-cache.js';
import { LINT_FILE_SECONDS, lintIsolated } from '../lint-isolated.js';
import type { LintResult } from '../model.js';
import { collectList, configOption, formatOption, useColor } from '../options.js';
import { loadConfig } from './audit.js';

interface LintOptions {
  format: LintFormat;
  failOn: Severity;
  allowedOwner: string[];
  fileTimeout: number;
  config?: string;
}

/**
 * One policy's result, through the cache: the one place a policy unit meets the engine, so that other
 * sources of policies can wrap it. A policy beyond the engine's budget is that policy's answer, not the
 * end of the run.
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

/** Every policy of one file, one result at a time; a file that cannot be read is a result, not a stop. */
export function* lintFile(path: string, options: PolicyLintOptions, cache: LintCache): Generator<LintResult> {
  let policies: FilePolicy[];
  try {
    policies = readPolicies(path);
  } catch (error) {
    if (error instanceof InputError) {
      yield { file: path, path, error: error.reason };
      return;
    }
    throw error;
  }
  for (const p of policies) yield lintUnit(p, path, options, cache);
}

/** Every policy of every file, in this thread, one result at a time. */
export function* lintFiles(
  paths: string[],
  options: PolicyLintOptions = {},
  cache = new LintCache(),
): Generator<LintResult> {
  for (const path of paths) yield* lintFile(path, options, cache);
}

function bySeverity(findings: LintFinding[]): LintFinding[] {
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
    .description('check trust policies for risky trust (policy JSON, aws iam get-role or list-roles output)')
    .argument('<file...>', 'files to check; - reads standard input')
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
    .addOption(
      new Option(
        '--file-timeout <seconds>',
        'give up on a file when reading it or one of its policies takes longer (exit 2, saying so)',
      )
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
      // Each result is written as it comes and only counted: memory does not grow with the run.
      const out = chunkedWrite((text) => process.stdout.write(text));
      const writer = lintWriter(options.format, out.write, { color: useColor(), version });
      const tally = new LintTally();
      const take = (result: LintResult) => {
        tally.add(result);
        writer.add(result);
      };
      if (workerEntry) await lintIsolated(workerEntry, files, policyOptions, take, options.fileTimeout);
      else for (const result of lintFiles(files, policyOptions)) take(result);
      writer.end(tally);
      out.flush();
      process.exitCode = lintExitCode(tally, options.failOn);
    });
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new InvalidArgumentError('give a number of seconds above 0');
  return value;
}
