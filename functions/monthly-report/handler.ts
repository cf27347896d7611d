import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { FindingStore } from '../../shared/findings/store.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import type { Publish } from '../../shared/notify/lifecycle.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderHtml } from '../../shared/report/html.js';
import { readReport, renderJson } from '../../shared/report/json.js';
import { reportKey } from '../../shared/report/location.js';
import type { Report } from '../../shared/report/model.js';
import { type Month, monthOf, parseMonth, previousMonth } from '../../shared/report/month.js';
import type { ReportBucket } from '../../shared/report/s3-bucket.js';
import { readStore } from '../../shared/report/store-input.js';
import { reportSummary } from '../../shared/report/summary.js';
import { accountOf } from '../common/account.js';
import type { Settings } from '../common/settings.js';

export interface MonthlyReportDependencies {
  settings: Settings;
  store: FindingStore;
  logger: Pick<Logger, 'info' | 'warn'>;
  publish: Publish;
  bucket: ReportBucket;
  /** The organization's report bucket, when the monitor copies its reports there for the roll-up. */
  central?: ReportBucket;
  /** The region of the bucket, for the console link in the summary. */
  region: string;
  /** Reads the account (the collector, in the deployed function). */
  collect: () => Promise<Snapshot>;
  now: () => Date;
}

/** The schedule sends no month: the previous one is reported. `{"month": "2026-10"}` re-runs a month by hand. */
export interface MonthlyReportEvent {
  month?: string;
}

/**
 * On the first of each month: the previous UTC month's report, written to the report bucket as
 * ACCOUNT/YYYY-MM/report.html and report.json (the JSON last: next month's comparison reads it), and
 * copied the same way to the organization's bucket when there is one (a failed copy fails the run, which
 * is retried before anything is published), then its summary published to the alert topic with where the report is.
 */
export function monthlyReportHandler(deps: MonthlyReportDependencies) {
  return async (event: MonthlyReportEvent | undefined, context: Pick<Context, 'invokedFunctionArn'>) => {
    const month: Month = event?.month
      ? parseMonth(event.month)
      : previousMonth(monthOf(deps.now().getTime()));
    let snapshot: Snapshot | undefined;
    let snapshotProblem: string | undefined;
    try {
      snapshot = await deps.collect();
    } catch (error) {
      // The findings and activity still make a report; it says what is missing and why.
      snapshotProblem = (error as Error).message;
      deps.logger.warn('account not read: reporting without it', { problem: snapshotProblem });
    }
    const account = snapshot?.account || accountOf(context);
    const stored = await readStore(deps.store, month);
    const previousKey = reportKey(account, previousMonth(month).id, 'report.json');
    const { baseline, config } = deps.settings;
    const report = buildReport({
      account,
      month,
      ...stored,
      ...(snapshot ? { snapshot } : {}),
      ...(snapshotProblem ? { snapshotProblem } : {}),
      config,
      ...(baseline ? { baseline } : {}),
      ...(await previous(deps.bucket, previousKey)),
      generatedAt: deps.now().toISOString(),
    });
    const htmlKey = reportKey(account, month.id, 'report.html');
    const jsonKey = reportKey(account, month.id, 'report.json');
    const html = renderHtml(report);
    const json = renderJson(report);
    for (const bucket of deps.central ? [deps.bucket, deps.central] : [deps.bucket]) {
      await bucket.put(htmlKey, html, 'text/html; charset=utf-8');
      await bucket.put(jsonKey, json, 'application/json');
    }
    const location = {
      html: `s3://${deps.bucket.name}/${htmlKey}`,
      json: `s3://${deps.bucket.name}/${jsonKey}`,
      console: `https://${deps.region}.console.aws.amazon.com/s3/object/${deps.bucket.name}?region=${deps.region}&prefix=${encodeURIComponent(htmlKey)}`,
    };
    await deps.publish({ kind: 'report', account, summary: reportSummary(report, location) });
    deps.logger.info('monthly report written', { month: month.id, ...location, notes: report.notes.length });
    return { month: month.id, html: location.html, json: location.json, notes: report.notes };
  };
}

/** The previous month's report from the bucket, or why it could not be used; nothing when there is none. */
async function previous(
  bucket: ReportBucket,
  key: string,
): Promise<{ previous: Report | { problem: string } } | Record<string, never>> {
  let text: string | undefined;
  try {
    text = await bucket.get(key);
  } catch (error) {
    return {
      previous: {
        problem: `s3://${bucket.name}/${key}: ${(error as Error).name}: ${(error as Error).message}`,
      },
    };
  }
  return text === undefined ? {} : { previous: readReport(text, `s3://${bucket.name}/${key}`) };
}
