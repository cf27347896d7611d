import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { FileStore } from '../../shared/findings/file-store.js';
import { type Snapshot, SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderHtml } from '../../shared/report/html.js';
import { readReport, renderJson } from '../../shared/report/json.js';
import { isAccountId, reportKey } from '../../shared/report/location.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import type { Report } from '../../shared/report/model.js';
import { type Month, MonthError, parseMonth, previousMonth } from '../../shared/report/month.js';
import { readStore } from '../../shared/report/store-input.js';
import { visibleText } from '../../shared/report/visible-text.js';
import { FileFormatError } from '../../shared/schema-file.js';
import { UsageError } from '../exit.js';
import { readJsonFile, writeTextFile } from '../files.js';
import { loadConfig } from './audit.js';
import { registerRollup } from './rollup.js';

export interface ReportOptions {
  month: string;
  out: string;
  state?: string;
  snapshot?: string;
  config?: string;
  baseline?: string;
  previous?: string;
  account?: string;
}

export interface WrittenReport {
  report: Report;
  html: string;
  json: string;
  markdown: string;
}

export function registerReport(program: Command): void {
  const report = program
    .command('report')
    // `report rollup --month …`: the subcommand's options are its own, not the report's.
    .enablePositionalOptions()
    .description(
      'write the monthly compliance report (HTML, JSON, Markdown) from a state file and a snapshot',
    )
    // Required, but checked in the action: commander would require them of `report rollup` too.
    .option('--month <YYYY-MM>', 'the UTC month to report, e.g. 2026-10 (required)')
    .option('--out <dir>', 'where to write ACCOUNT/YYYY-MM/report.{html,json,md} (required)')
    .option(
      '--state <file>',
      'the state file the events replay and activity commands keep (findings, assumptions)',
    )
    .option(
      '--snapshot <file>',
      'the account state (trustwatch snapshot) for the migration and trust sections',
    )
    .option('--config <file>', 'trustwatch.config.json (which users are CI users)')
    .option('--baseline <file>', 'the reviewed baseline (CI users it lists)')
    .option('--previous <file>', "the previous month's report.json (default: the one under --out, if there)")
    .option('--account <id>', 'the account id, when neither the snapshot nor the state says it')
    .action(async (options: Partial<ReportOptions>) => {
      const { month, out } = options;
      if (month === undefined) throw new UsageError("required option '--month <YYYY-MM>' not specified");
      if (out === undefined) throw new UsageError("required option '--out <dir>' not specified");
      const written = await writeReport({ ...options, month, out });
      process.stdout.write(`${reportLine(written)}\n`);
    });
  registerRollup(report);
}

/** One line for the terminal: what was written and the headline. */
export function reportLine({ report, html }: WrittenReport): string {
  const m = report.metrics;
  return `wrote ${visibleText(html)} (and report.json, report.md beside it): ${m.openFindings} open findings, ${m.opened} opened, ${m.resolved} resolved in ${report.month}`;
}

/** Reads the inputs, builds the report and writes its three forms; every input problem is a UsageError (exit 2). */
export async function writeReport(options: ReportOptions, now = new Date()): Promise<WrittenReport> {
  const month = monthOption(options.month);
  const config = loadConfig(options.config);
  const baseline = options.baseline ? readJsonFile(BaselineSchema, options.baseline) : undefined;
  const snapshot: Snapshot | undefined = options.snapshot
    ? readJsonFile(SnapshotSchema, options.snapshot)
    : undefined;
  const stored = options.state ? await readState(options.state, month) : { findings: [], assumptions: [] };
  const account = snapshot?.account ?? options.account ?? stored.findings[0]?.account;
  if (!account)
    throw new UsageError('the account is unknown: give --snapshot, a --state with findings, or --account');
  // It names the directory the report is written to: nothing but an account id may.
  if (!isAccountId(account)) {
    const from = options.account ? '--account' : `the first finding of ${options.state}`;
    const hint = options.account ? '' : ' (give --account)';
    throw new UsageError(`${from}: ${JSON.stringify(account)} is not an AWS account id (12 digits)${hint}`);
  }
  const previousPath =
    options.previous ?? join(options.out, reportKey(account, previousMonth(month).id, 'report.json'));
  const report = buildReport({
    account,
    month,
    ...stored,
    ...(snapshot ? { snapshot } : {}),
    config,
    ...(baseline ? { baseline } : {}),
    ...(options.previous || existsSync(previousPath)
      ? { previous: previousReport(previousPath, options.previous !== undefined) }
      : {}),
    generatedAt: now.toISOString(),
  });
  const path = (file: 'report.html' | 'report.json' | 'report.md') =>
    join(options.out, reportKey(account, month.id, file));
  const html = path('report.html');
  try {
    mkdirSync(dirname(html), { recursive: true });
  } catch (error) {
    throw new UsageError(
      `${dirname(html)}: cannot create (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  writeTextFile(html, renderHtml(report));
  writeTextFile(path('report.json'), renderJson(report));
  writeTextFile(path('report.md'), renderMarkdown(report));
  return { report, html, json: path('report.json'), markdown: path('report.md') };
}

function monthOption(text: string): Month {
  try {
    return parseMonth(text);
  } catch (error) {
    if (error instanceof MonthError) throw new UsageError(`--month ${error.message}`);
    throw error;
  }
}

/** The state file must exist: a report of an empty store by a typo in the path would look clean. */
async function readState(path: string, month: Month) {
  if (!existsSync(path)) throw new UsageError(`${path}: cannot read (ENOENT)`);
  try {
    return await readStore(new FileStore(path), month);
  } catch (error) {
    if (error instanceof FileFormatError) throw new UsageError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UsageError(`${path}: cannot read (${code})`);
    throw error;
  }
}

/**
 * The previous report. One given with --previous must be readable (exit 2 otherwise); one found under
 * --out that cannot be used costs only the comparison, and the new report says why.
 */
function previousReport(path: string, given: boolean): Report | { problem: string } {
  let found: Report | { problem: string };
  try {
    found = readReport(readFileSync(path, 'utf8'), path);
  } catch (error) {
    found = {
      problem: `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  if (given && 'problem' in found) throw new UsageError(found.problem);
  return found;
}
