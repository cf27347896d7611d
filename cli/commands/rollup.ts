import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type Command, Option } from 'commander';
import { num, plural } from '../../shared/report/format.js';
import { isAccountId } from '../../shared/report/location.js';
import { MonthError, parseMonth } from '../../shared/report/month.js';
import { buildRollup, type Rollup, rollupKey } from '../../shared/report/rollup.js';
import { collectReports, type ReportFolder } from '../../shared/report/rollup-collect.js';
import { ROLLUP_FORMATS, type RollupFormat } from '../../shared/report/rollup-formats.js';
import { s3ReportFolder } from '../../shared/report/s3-report-folder.js';
import { visibleText } from '../../shared/report/visible-text.js';
import * as z from '../../shared/zod.js';
import { EXIT, UsageError } from '../exit.js';
import { writeTextFile } from '../files.js';

export interface RollupOptions {
  month: string;
  from: string;
  accounts?: string;
  out: string;
  format: RollupFormat;
}

/** `trustwatch report rollup`: one report across the accounts' monthly reports. */
export function registerRollup(report: Command): void {
  report
    .command('rollup')
    .description(
      "roll the accounts' monthly reports (ACCOUNT/YYYY-MM/report.json under --from) up into one organization report",
    )
    .requiredOption('--month <YYYY-MM>', 'the UTC month, e.g. 2026-10')
    .requiredOption('--from <s3://BUCKET/PREFIX | DIR>', "where the accounts' report folders are")
    .option(
      '--accounts <file>',
      'the accounts expected to report: ids (whitespace or comma separated, # comments), a JSON array, or `aws organizations list-accounts` output',
    )
    .requiredOption('--out <dir>', 'where to write rollup/YYYY-MM/rollup.{html,md,json}')
    .addOption(
      new Option('--format <format>', 'output format').choices(Object.keys(ROLLUP_FORMATS)).default('html'),
    )
    .action(async (options: RollupOptions) => {
      const { rollup, path } = await writeRollup(options);
      process.stdout.write(`${rollupLine(rollup, path)}\n`);
      for (const u of rollup.unreadable) process.stderr.write(`trustwatch: ${visibleText(u.problem)}\n`);
      // An unreadable report is unreadable input: the roll-up is written, and the job says it is incomplete.
      if (rollup.unreadable.length > 0) process.exitCode = EXIT.usage;
    });
}

export function rollupLine(rollup: Rollup, path: string): string {
  const t = rollup.totals;
  return `wrote ${visibleText(path)}: ${plural(t.accounts, 'account')}, ${plural(t.metrics.openFindings, 'open finding')} (${num(t.metrics.openCriticalHigh)} critical or high); ${num(rollup.missing.length)} without a report, ${num(rollup.unreadable.length)} unreadable`;
}

export async function writeRollup(
  options: RollupOptions,
  now = new Date(),
): Promise<{ rollup: Rollup; path: string }> {
  let month: string;
  try {
    month = parseMonth(options.month).id;
  } catch (error) {
    if (error instanceof MonthError) throw new UsageError(`--month ${error.message}`);
    throw error;
  }
  const expected = options.accounts ? readAccounts(options.accounts) : undefined;
  const folder = reportFolder(options.from);
  let reports: Awaited<ReturnType<typeof collectReports>>;
  try {
    reports = await collectReports(folder, month, expected);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Only listing the folders can throw: without it there is nothing to roll up.
    throw new UsageError(
      `${folder.location}: cannot list (${(error as Error).name}: ${(error as Error).message})`,
    );
  }
  const rollup = buildRollup({
    month,
    source: folder.location,
    reports,
    ...(expected ? { expected } : {}),
    generatedAt: now.toISOString(),
  });
  const path = join(options.out, rollupKey(month, options.format));
  try {
    mkdirSync(join(path, '..'), { recursive: true });
  } catch (error) {
    throw new UsageError(`${options.out}: cannot create (${(error as NodeJS.ErrnoException).code})`);
  }
  writeTextFile(path, ROLLUP_FORMATS[options.format].render(rollup));
  return { rollup, path };
}

/** `s3://BUCKET/PREFIX` (the prefix may be empty) or a directory. */
function reportFolder(from: string): ReportFolder {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(from);
  if (s3) return s3ReportFolder(new S3Client({}), s3[1] as string, (s3[2] as string).replace(/\/+$/, ''));
  return directoryFolder(from);
}

function directoryFolder(dir: string): ReportFolder {
  return {
    location: dir,
    folders: async () => {
      try {
        return readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name);
      } catch (error) {
        throw new UsageError(`--from ${dir}: cannot read (${(error as NodeJS.ErrnoException).code})`);
      }
    },
    where: (key) => join(dir, key),
    read: async (key) => {
      try {
        return readFileSync(join(dir, key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

const ListAccountsSchema = z.object({ Accounts: z.array(z.object({ Id: z.string() })) });

/** The expected accounts, each checked: a typo must not pass for an account that never reports. */
export function readAccounts(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--accounts ${path}: cannot read (${(error as NodeJS.ErrnoException).code})`);
  }
  const ids: { id: string; where: string }[] = [];
  if (/^\s*[[{]/.test(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
    }
    const listed = ListAccountsSchema.safeParse(value);
    const array = z.array(z.string()).safeParse(value);
    if (listed.success)
      ids.push(...listed.data.Accounts.map((a, i) => ({ id: a.Id, where: `Accounts[${i}].Id` })));
    else if (array.success) ids.push(...array.data.map((id, i) => ({ id, where: `[${i}]` })));
    else
      throw new UsageError(
        `${path}: expected a JSON array of account ids or {"Accounts": [{"Id": ...}]} (aws organizations list-accounts)`,
      );
  } else {
    for (const [i, line] of text.split('\n').entries())
      for (const id of line.replace(/#.*/, '').split(/[\s,]+/))
        if (id !== '') ids.push({ id, where: `line ${i + 1}` });
  }
  for (const { id, where } of ids)
    if (!isAccountId(id))
      throw new UsageError(`${path}: ${where}: ${JSON.stringify(id)} is not an AWS account id (12 digits)`);
  return [...new Set(ids.map((i) => i.id))];
}
