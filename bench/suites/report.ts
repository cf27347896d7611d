import { runAudit } from '../../shared/audit/audit.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import type { AssumptionCount, StoredFinding } from '../../shared/findings/store.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderHtml } from '../../shared/report/html.js';
import { renderJson } from '../../shared/report/json.js';
import { parseMonth } from '../../shared/report/month.js';
import {
  type BenchOptions,
  kb,
  ms,
  type SuiteResult,
  scaled,
  showSpread,
  spread,
  target,
  timeAll,
} from '../measure.js';
import { syntheticAccount } from '../synthetic-account.js';

const TIME_TARGET_MS = 2000;
const HTML_TARGET_BYTES = 2 * 2 ** 20;

/** `total` counters of the month over the GitHub-trusted roles, 3,000 repositories and every day. */
function assumptions(total: number, roleArns: string[], days: string[]): AssumptionCount[] {
  return Array.from({ length: total }, (_, i) => ({
    roleArn: roleArns[(i * 7) % roleArns.length] as string,
    subject: `repo:org-${i % 40}/app-${i % 3_000}:ref:refs/heads/main`,
    day: days[i % days.length] as string,
    succeeded: 1 + (i % 5),
    denied: i % 97 === 0 ? 1 : 0,
  }));
}

/** The monthly report of a large account: aggregation and HTML rendering time, and the page's size. */
export function reportSuites(options: BenchOptions): SuiteResult[] {
  const [ROLES, GITHUB, USERS, ASSUMPTIONS] = [5_000, 1_000, 1_000, 50_000].map((n) =>
    scaled(n, options),
  ) as [number, number, number, number];
  const month = parseMonth('2026-10');
  const snapshot = syntheticAccount(ROLES, GITHUB, USERS);
  // The audit's findings, first seen over four months and a fifth of them resolved in October.
  const findings: StoredFinding[] = runAudit(snapshot, { config: DEFAULT_CONFIG }).findings.map((f, i) => ({
    ...f,
    firstSeen: new Date(Date.parse('2026-07-01T00:00:00Z') + (i % 120) * 86_400_000).toISOString(),
    ...(i % 5 === 0 ? { status: 'resolved' as const, resolvedAt: '2026-10-20T00:00:00.000Z' } : {}),
  }));
  const counts = assumptions(
    ASSUMPTIONS,
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
  // The first build warms up; each run then times one aggregation and one rendering.
  let report = buildReport(input);
  for (let run = 0; run < options.runs; run++) {
    aggregate.push(timeAll(() => (report = buildReport(input))));
    render.push(timeAll(() => (html = renderHtml(report))));
    json = renderJson(report);
  }
  const total = spread(aggregate.map((a, i) => a + (render[i] ?? 0)));
  const htmlBytes = Buffer.byteLength(html);
  return [
    {
      title: `Monthly report of a large account (${ROLES.toLocaleString('en')} roles, ${GITHUB.toLocaleString('en')} GitHub-trusted, ${ASSUMPTIONS.toLocaleString('en')} assumption counters in the month, ${findings.length.toLocaleString('en')} findings)`,
      lines: [
        `Aggregation (\`buildReport\`) and HTML rendering in this process, after one aggregation to warm up; ${options.runs} runs. Charts show the 10 busiest roles and repositories with the rest summed; long lists show their first rows and say how many there were.`,
        '',
        '| aggregation | HTML rendering | total | HTML size | JSON size |',
        '|---|---|---|---|---|',
        `| ${showSpread(spread(aggregate), ms)} | ${showSpread(spread(render), ms)} | ${showSpread(total, ms)} | ${kb(htmlBytes)} | ${kb(Buffer.byteLength(json))} |`,
      ],
      targets: [
        target(
          `monthly report of 5,000 roles aggregated and rendered in under ${TIME_TARGET_MS / 1000} s`,
          'median',
          total,
          TIME_TARGET_MS,
          ms,
        ),
        {
          what: 'its HTML under 2 MB',
          met: htmlBytes < HTML_TARGET_BYTES,
          measured: `${kb(htmlBytes)}, the same every run`,
          sizeBound: true,
        },
      ],
    },
  ];
}
