import { runAudit } from '../../shared/audit/audit.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import type { AssumptionCount, StoredFinding } from '../../shared/findings/store.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderHtml } from '../../shared/report/html.js';
import { renderJson } from '../../shared/report/json.js';
import { parseMonth } from '../../shared/report/month.js';
import { ms, type SuiteResult, summarize, timeAll } from '../measure.js';
import { syntheticAccount } from '../synthetic-account.js';

const ROLES = 5_000;
const GITHUB = 1_000;
const USERS = 1_000;
const ASSUMPTIONS = 50_000;
const RUNS = 5;

/** 50,000 counters of the month over the GitHub-trusted roles, 3,000 repositories and every day. */
function assumptions(roleArns: string[], days: string[]): AssumptionCount[] {
  return Array.from({ length: ASSUMPTIONS }, (_, i) => ({
    roleArn: roleArns[(i * 7) % roleArns.length] as string,
    subject: `repo:org-${i % 40}/app-${i % 3_000}:ref:refs/heads/main`,
    day: days[i % days.length] as string,
    succeeded: 1 + (i % 5),
    denied: i % 97 === 0 ? 1 : 0,
  }));
}

/** The monthly report of a large account: aggregation and HTML rendering time, and the page's size. */
export function reportSuites(): SuiteResult[] {
  const month = parseMonth('2026-10');
  const snapshot = syntheticAccount(ROLES, GITHUB, USERS);
  // The audit's findings, first seen over four months and a fifth of them resolved in October.
  const findings: StoredFinding[] = runAudit(snapshot, { config: DEFAULT_CONFIG }).findings.map((f, i) => ({
    ...f,
    firstSeen: new Date(Date.parse('2026-07-01T00:00:00Z') + (i % 120) * 86_400_000).toISOString(),
    ...(i % 5 === 0 ? { status: 'resolved' as const, resolvedAt: '2026-10-20T00:00:00.000Z' } : {}),
  }));
  const counts = assumptions(
    snapshot.roles.slice(0, GITHUB).map((r) => r.arn),
    month.days,
  );
  const input = {
    account: snapshot.account,
    month,
    findings,
    assumptions: counts,
    snapshot,
    config: DEFAULT_CONFIG,
    generatedAt: '2026-11-01T06:00:00.000Z',
  };
  let html = '';
  let json = '';
  const aggregate: number[] = [];
  const render: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let report = buildReport(input);
    aggregate.push(timeAll(() => (report = buildReport(input))));
    render.push(timeAll(() => (html = renderHtml(report))));
    json = renderJson(report);
  }
  const total = aggregate.map((a, i) => a + (render[i] ?? 0));
  const median = summarize(total).median;
  const kb = (text: string) => Buffer.byteLength(text) / 1024;
  return [
    {
      title: `Monthly report of a large account (${ROLES.toLocaleString('en')} roles, ${GITHUB.toLocaleString('en')} GitHub-trusted, ${ASSUMPTIONS.toLocaleString('en')} assumption counters in the month, ${findings.length.toLocaleString('en')} findings)`,
      lines: [
        `| median of ${RUNS} runs | aggregation | HTML rendering | total | HTML size | JSON size |`,
        '|---|---|---|---|---|---|',
        `| | ${ms(summarize(aggregate).median)} | ${ms(summarize(render).median)} | ${ms(median)} | ${kb(html).toFixed(0)} KB | ${kb(json).toFixed(0)} KB |`,
        '',
        `Targets: under 2 s: ${median < 2000 ? 'met' : 'NOT met'}; HTML under 2 MB: ${kb(html) < 2048 ? 'met' : 'NOT met'}. Charts show the 10 busiest roles and repositories with the rest summed; long lists show their first rows and say how many there were.`,
      ],
    },
  ];
}
