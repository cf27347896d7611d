import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderJson } from '../../shared/report/json.js';
import type { Report } from '../../shared/report/model.js';
import { parseMonth } from '../../shared/report/month.js';
import { finding } from './build.js';
import { hostileReport } from './hostile-report.js';
import { sampleReport, sampleSeptemberReport } from './sample-report.js';

export const MONTH = '2026-10';

/** The organization's accounts, by what their October is like. */
export const ACCOUNTS = {
  /** The sample account's October report, as the report code builds it from its state and snapshot. */
  sample: '111122223333',
  /** 30 old info findings and one fresh critical one: the worst is not among the oldest. */
  busy: '222233334444',
  /** Names that try to break out of HTML and Markdown; no account snapshot. */
  hostile: '333344445555',
  /** Like busy, but written before reports listed their most severe open findings. */
  legacy: '444455556666',
  /** Reported for September only. */
  lapsed: '555566667777',
  /** A report of a schema version this trustwatch does not read. */
  future: '666677778888',
  /** Expected, never reported at all. */
  silent: '777788889999',
} as const;

function busyReport(account: string): Report {
  return buildReport({
    account,
    month: parseMonth(MONTH),
    findings: [
      ...Array.from({ length: 30 }, (_, i) =>
        finding({ severity: 'info', firstSeen: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z` }),
      ),
      finding({ severity: 'critical', resource: 'fresh', firstSeen: '2026-10-20T00:00:00Z' }),
      finding({ severity: 'high', firstSeen: '2026-10-01T00:00:00Z', resolvedAt: '2026-10-05T00:00:00Z' }),
      finding({ severity: 'low', firstSeen: '2026-09-01T00:00:00Z', resolvedAt: '2026-10-11T00:00:00Z' }),
    ],
    assumptions: [],
    config: DEFAULT_CONFIG,
    generatedAt: '2026-11-01T06:00:00.000Z',
  });
}

export async function organizationReports(): Promise<
  Record<'sample' | 'busy' | 'hostile' | 'legacy', Report>
> {
  const legacy = busyReport(ACCOUNTS.legacy);
  delete legacy.posture.worstOpen;
  return {
    sample: await sampleReport(),
    busy: busyReport(ACCOUNTS.busy),
    hostile: { ...hostileReport(), account: ACCOUNTS.hostile },
    legacy,
  };
}

/** The report bucket's files, key → text: four readable October reports, a lapsed account, a future one. */
export async function organizationFiles(): Promise<Record<string, string>> {
  const reports = await organizationReports();
  const files: Record<string, string> = {};
  for (const report of Object.values(reports)) {
    files[`${report.account}/${MONTH}/report.json`] = renderJson(report);
    files[`${report.account}/${MONTH}/report.html`] = '<!doctype html>';
  }
  files[`${ACCOUNTS.lapsed}/2026-09/report.json`] = renderJson({
    ...sampleSeptemberReport(),
    account: ACCOUNTS.lapsed,
  });
  files[`${ACCOUNTS.future}/${MONTH}/report.json`] = JSON.stringify({
    ...reports.busy,
    account: ACCOUNTS.future,
    schemaVersion: 2,
  });
  // Not an account: the roll-up's own folder.
  files[`rollup/2026-09/rollup.json`] = '{}';
  return files;
}
