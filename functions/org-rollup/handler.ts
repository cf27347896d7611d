import type { Logger } from '@aws-lambda-powertools/logger';
import { type Month, monthOf, parseMonth, previousMonth } from '../../shared/report/month.js';
import { buildRollup, rollupKey } from '../../shared/report/rollup.js';
import { collectReports, type ReportFolder } from '../../shared/report/rollup-collect.js';
import { ROLLUP_FORMATS, type RollupFormat } from '../../shared/report/rollup-formats.js';
import type { ReportBucket } from '../../shared/report/s3-bucket.js';

export interface OrgRollupDependencies {
  /** The accounts' folders (ACCOUNT/YYYY-MM/report.json) in the organization's report bucket. */
  folder: ReportFolder;
  /** The same bucket, where the roll-up is written under rollup/YYYY-MM/. */
  bucket: ReportBucket;
  /** The accounts expected to report, so that one that never reported is listed as missing. */
  expected?: string[];
  logger: Pick<Logger, 'info' | 'warn'>;
  now: () => Date;
}

/** The schedule sends no month: the previous one is rolled up. `{"month": "2026-10"}` re-runs a month by hand. */
export interface OrgRollupEvent {
  month?: string;
}

export interface OrgRollupResult {
  month: string;
  /** The keys written, in the bucket. */
  written: string[];
  accounts: number;
  openFindings: number;
  /** The accounts without a report for the month. */
  missing: string[];
  /** The reports that could not be read, each with why. */
  unreadable: { account: string; problem: string }[];
}

/** Every format: the page to read, Markdown for tickets and wikis, the data for dashboards. */
const WRITTEN: RollupFormat[] = ['html', 'markdown', 'json'];

/**
 * On the 2nd of each month, after the accounts' reports of the 1st: the previous UTC month's roll-up of
 * every account's report.json in the organization's bucket, written to rollup/YYYY-MM/ in the same
 * bucket. Missing and unreadable reports are named in the roll-up, the result and the log; they do not
 * fail the run (a retry cannot make them appear). A bad month, a bucket that cannot be listed or a
 * write that fails does: Lambda retries it, the errors alarm fires.
 */
export function orgRollupHandler(deps: OrgRollupDependencies) {
  return async (event: OrgRollupEvent | undefined): Promise<OrgRollupResult> => {
    const month: Month =
      event?.month !== undefined ? parseMonth(event.month) : previousMonth(monthOf(deps.now().getTime()));
    const reports = await collectReports(deps.folder, month.id, deps.expected);
    const rollup = buildRollup({
      month: month.id,
      source: deps.folder.location,
      reports,
      ...(deps.expected ? { expected: deps.expected } : {}),
      generatedAt: deps.now().toISOString(),
    });
    const written: string[] = [];
    for (const format of WRITTEN) {
      const key = rollupKey(month.id, format);
      const { render, contentType } = ROLLUP_FORMATS[format];
      await deps.bucket.put(key, render(rollup), contentType);
      written.push(key);
    }
    const result: OrgRollupResult = {
      month: month.id,
      written,
      accounts: rollup.totals.accounts,
      openFindings: rollup.totals.metrics.openFindings,
      missing: rollup.missing.map((m) => m.account),
      unreadable: rollup.unreadable.map((u) => ({ account: u.account, problem: u.problem })),
    };
    if (result.missing.length > 0 || result.unreadable.length > 0)
      deps.logger.warn('roll-up written without some accounts', {
        month: result.month,
        missing: result.missing,
        unreadable: result.unreadable,
      });
    deps.logger.info('roll-up written', { ...result });
    return result;
  };
}
