import { SEVERITIES } from '../rules/rule.js';
import { change, dateTime, day, monthTitle, num, percent, plural, VERDICT_WORDS, value } from './format.js';
import { esc } from './html-escape.js';
import { STYLE } from './html-style.js';
import { type Cell, code, codes, table, time } from './html-table.js';
import type { FindingRef, Report, Series } from './model.js';
import { barChart, dailyChart, heatmap } from './svg-charts.js';

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no font or image
 * fetched, so it opens the same from S3, a mail attachment or a file share, and prints cleanly.
 * Every chart's numbers are also in a table.
 */
export function renderHtml(report: Report): string {
  const title = `trustwatch compliance report: ${monthTitle(report.month)}, account ${report.account}`;
  return `${pageHead(title)}
<body>
<header>
<h1>Compliance report: ${esc(monthTitle(report.month))}</h1>
<p class="meta">AWS account <code>${esc(report.account)}</code> · ${esc(day(report.period.start))} to ${esc(day(new Date(Date.parse(report.period.end) - 1).toISOString()))} (UTC) · generated ${esc(dateTime(report.generatedAt))}${report.snapshotAt ? ` · account state read ${esc(dateTime(report.snapshotAt))}` : ''}</p>
</header>
<main>
${cards(report)}
${notes(report)}
${comparison(report)}
${posture(report)}
${migration(report)}
${trust(report)}
${tightenable(report)}
${activity(report)}
</main>
<footer><p class="muted">Written by trustwatch · report schema version ${report.schemaVersion}. The same data is in report.json beside this page.</p></footer>
</body>
</html>
`;
}

/**
 * The start of a self-contained page: nothing may be fetched or run (the policy says so to the browser),
 * the report's own style inline.
 */
export function pageHead(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>`;
}

function cards(report: Report): string {
  const m = report.metrics;
  return summaryCards([
    [num(m.openFindings), 'open findings at month end'],
    [num(m.openCriticalHigh), 'of them critical or high'],
    [num(m.opened), 'opened this month'],
    [num(m.resolved), 'resolved this month'],
    [m.meanDaysToResolve === null ? 'n/a' : `${m.meanDaysToResolve} d`, 'mean time to resolve'],
    [percent(m.oidcShare), 'CI identities used via OIDC'],
    [value(m.ciUsersWithKeys), 'CI users holding keys'],
    [num(m.assumptions), 'successful assumptions'],
    [num(m.denied), 'refused assumptions'],
  ]);
}

/** The headline numbers as cards, each a figure over what it counts. */
export function summaryCards(cards: [figure: string, label: string][]): string {
  const items = cards.map(
    ([figure, label]) => `<div class="card"><b>${esc(figure)}</b><span>${esc(label)}</span></div>`,
  );
  return `<section aria-label="Summary" class="cards">${items.join('')}</section>`;
}

function notes(report: Report): string {
  if (report.notes.length === 0) return '';
  return `<aside class="notes" aria-label="About this report's data"><b>About the data</b><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></aside>`;
}

function comparison(report: Report): string {
  const c = report.comparison;
  if (!c)
    return '<h2 id="month-over-month">Month over month</h2><p class="muted">No report of the previous month to compare with (see above).</p>';
  const rows = c.rows.map((r): Cell[] => {
    const words = change(r.previous, r.current, r.better);
    const tone = words.endsWith('(better)') ? 'better' : words.endsWith('(worse)') ? 'worse' : '';
    return [
      r.label,
      value(r.previous),
      value(r.current),
      { html: `<span class="${tone}">${esc(words)}</span>` },
    ];
  });
  return `<h2 id="month-over-month">Month over month</h2>${table(`${monthTitle(report.month)} against ${monthTitle(c.previousMonth)}`, ['Measure', monthTitle(c.previousMonth), monthTitle(report.month), 'Change'], rows, '')}`;
}

export const sev = (s: string): Cell => ({ html: `<span class="sev ${esc(s)}">${esc(s)}</span>` });

/** The finding's title, and what it says under it. */
function findingCell(f: FindingRef): Cell {
  const facts = f.facts ?? [];
  if (facts.length === 0) return f.title;
  const items = facts.map((p) => `<li><b>${esc(p.label)}</b> ${esc(p.text)}</li>`).join('');
  return { html: `${esc(f.title)}<ul class="facts">${items}</ul>` };
}

export function findingRows(list: FindingRef[], daysLabel: (f: FindingRef) => string): Cell[][] {
  return list.map((f) => [
    sev(f.severity),
    code(f.ruleId),
    f.resource,
    findingCell(f),
    time(day(f.firstSeen)),
    daysLabel(f),
  ]);
}

function posture(report: Report): string {
  const p = report.posture;
  const severityRows = SEVERITIES.map((s): Cell[] => [sev(s), p.openAtEnd[s], p.opened[s], p.resolved[s]]);
  const more = (list: { items: unknown[]; total: number }) =>
    list.total > list.items.length ? ` (first ${list.items.length} of ${list.total})` : '';
  return `<h2 id="posture">Posture</h2>
<figure>${barChart(
    'chart-open',
    'Open findings at the end of the month by severity',
    SEVERITIES.map((s) => ({ label: s, value: p.openAtEnd[s], tone: s })),
  )}</figure>
${table('Findings by severity', ['Severity', 'Open at month end', 'Opened this month', 'Resolved this month'], severityRows, '')}
<p>${plural(p.suppressedAtEnd, 'suppressed finding')} at month end. Mean time to resolve: ${p.meanDaysToResolve === null ? 'no finding was resolved this month' : `${p.meanDaysToResolve} days over ${plural(report.metrics.resolved, 'finding')} resolved this month`}.</p>
<h3>Oldest open findings${more(p.oldestOpen)}</h3>
${table(
  'Open at the end of the month, oldest first',
  ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Days open'],
  findingRows(p.oldestOpen.items, (f) => num(f.days)),
  'No finding was open at the end of the month.',
)}
<h3>Opened this month${more(p.openedThisMonth)}</h3>
${table(
  'First seen this month, most severe first',
  ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Status'],
  findingRows(p.openedThisMonth.items, (f) => (f.resolvedAt ? `resolved ${day(f.resolvedAt)}` : 'open')),
  'No finding was opened this month.',
)}
<h3>Resolved this month${more(p.resolvedThisMonth)}</h3>
${table(
  'Resolved this month, most severe first',
  ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Days to resolve'],
  findingRows(p.resolvedThisMonth.items, (f) => num(f.days)),
  'No finding was resolved this month.',
)}
<h3>Suppressions${more(p.suppressions)}</h3>
${table(
  'Suppressed findings and when their suppression expires',
  ['Rule', 'Resource', 'Reason', 'Expires', 'Days left at month end'],
  p.suppressions.items.map((s): Cell[] => [
    code(s.ruleId),
    s.resource,
    s.reason,
    s.expires,
    s.daysLeft < 0 ? `expired ${-s.daysLeft} days before` : num(s.daysLeft),
  ]),
  'No finding was suppressed at the end of the month.',
)}`;
}

function migration(report: Report): string {
  const m = report.migration;
  const heading = '<h2 id="migration">OIDC migration</h2>';
  if (!m) return `${heading}<p class="muted">Not reported: no account snapshot was available.</p>`;
  return `${heading}
<p><b>${percent(m.oidcShare)}</b> of the CI identities used this month came in through OIDC: ${plural(m.oidcRolesUsed, 'GitHub-trusted role')} assumed (${plural(m.oidcAssumptions, 'assumption')}) against ${plural(m.staticUsersUsed, 'CI user')} whose static key was last used this month or later. ${plural(m.keysUsedFromActions, 'static key')} ${m.keysUsedFromActions === 1 ? 'was' : 'were'} seen used from GitHub Actions.</p>
<figure>${barChart(
    'chart-key-age',
    'Active access keys of CI users by age at month end',
    m.keyAges.map((b, i) => ({ label: b.label, value: b.count, tone: i >= 2 ? 'high' : 'neutral' })),
  )}</figure>
${table(
  'Active CI keys by age',
  ['Age', 'Keys'],
  m.keyAges.map((b): Cell[] => [b.label, b.count]),
  '',
)}
<h3>CI users still holding keys (${num(m.ciUsersWithKeys.total)})</h3>
${table(
  'CI users with active keys, oldest key first',
  ['User', 'Active keys', 'Oldest key (days)', 'Last used'],
  m.ciUsersWithKeys.items.map((u): Cell[] => [u.name, u.activeKeys, u.oldestKeyDays, time(day(u.lastUsed))]),
  'No CI user holds an active key: CI reaches AWS through OIDC only.',
)}
<h3>Keys created or rotated this month (${num(m.rotatedThisMonth.total)})</h3>
${table(
  'Active CI keys created this month',
  ['User', 'Created'],
  m.rotatedThisMonth.items.map((k): Cell[] => [k.user, time(day(k.created))]),
  'No CI key was created or rotated this month.',
)}`;
}

function trust(report: Report): string {
  const { roles, changes } = report.trust;
  const roleRows = (roles?.items ?? []).map((r): Cell[] => {
    const who = r.problem
      ? { html: `<em>not analysed: ${esc(r.problem)}</em>` }
      : {
          html:
            [
              r.anyOwner ? '<b class="worse">any owner</b>' : '',
              ...r.owners.map(
                (o) =>
                  `<code>${esc(o.name)}</code>${o.anyRepository ? ' <b class="worse">any repository</b>' : ''}`,
              ),
            ]
              .filter((s) => s !== '')
              .join('<br>') || 'nobody',
        };
    const repos = r.owners.flatMap((o) => o.repositories.map((repo) => `${o.name}/${repo}`));
    return [r.name, who, codes(repos), codes(r.subjects)];
  });
  const rolesPart = roles
    ? `<h3>GitHub-trusted roles (${num(roles.total)})</h3>${table('What each GitHub-trusted role admits, widest first', ['Role', 'Owners admitted', 'Repositories named', 'Subject patterns'], roleRows, 'No role trusts GitHub Actions.')}`
    : '<p class="muted">GitHub-trusted roles are not reported: no account snapshot was available.</p>';
  const changeRows = changes.items.map((c): Cell[] => [
    c.role,
    {
      html: `<span class="${c.verdict === 'narrower' ? 'better' : 'worse'}">${esc(VERDICT_WORDS[c.verdict])}</span>`,
    },
    time(dateTime(c.at)),
    c.by ?? 'unknown (found by the scheduled audit)',
    codes(c.before),
    codes(c.after),
    c.example ?? '—',
  ]);
  return `<h2 id="trust">Trust</h2>${rolesPart}
<h3>Trust changes this month (${num(changes.total)})</h3>
${table('Trust policy changes against the reviewed baseline', ['Role', 'Verdict', 'When', 'By', 'Subjects before', 'Subjects after', 'For example'], changeRows, 'No trust policy changed this month.')}`;
}

/** Roles whose observed use is a strict subset of what they admit, and by how much. */
function tightenable(report: Report): string {
  const heading = '<h2 id="tighten">Can be tightened</h2>';
  const t = report.tightenable;
  if (!t) return `${heading}<p class="muted">Not reported: no account snapshot was available.</p>`;
  const rows = t.roles.items.map((r): Cell[] => [
    r.role,
    { html: `${esc(r.admits)}<br>${r.patterns.map((p) => `<code>${esc(p)}</code>`).join('<br>')}` },
    codes(r.observed),
    { html: `${esc(plural(r.assumptions, 'assumption'))}<br>${esc(plural(r.daysOfData, 'day'))} of data` },
    r.example ?? '—',
  ]);
  const few = t.tooLittleActivity.map((r) => `${r.role} (${plural(r.daysOfData, 'day')})`);
  return `${heading}<p>Roles whose trust policy admits more than what assumed them from ${esc(t.window.from)} to ${esc(t.window.to)}: a policy naming only those subjects refuses the tokens in the last column and still admits every one that was used. <code>trustwatch tighten --role NAME</code> prints it with its proof.</p>
${table('Roles whose use is a strict subset of what they admit', ['Role', 'Admits now', 'Used by (the narrower policy admits these)', 'Use', 'No longer admitted, e.g.'], rows, 'No role admits more than what used it (or none was used long enough to say).')}
${few.length > 0 ? `<p class="muted">Too little activity to propose a narrower policy (fewer than ${esc(plural(t.minDays, 'day'))} between the first and last successful assumption): ${esc(few.join(', '))}.</p>` : ''}`;
}

function seriesPart(
  id: string,
  what: string,
  days: string[],
  top: Series[],
  others: Series | null,
  total: number,
): string {
  const rows = [...top, ...(others ? [others] : [])];
  if (rows.length === 0) return `<p class="muted">No assumption by any ${esc(what)} this month.</p>`;
  const summary = others ? ` (the ${top.length} busiest of ${num(total)}; the rest summed)` : '';
  return `<figure>${heatmap(
    id,
    `Successful assumptions per ${what} per day`,
    days,
    rows.map((r) => ({ label: r.label, values: r.perDay })),
  )}</figure>
${table(
  `Successful assumptions per ${what} per day${summary}`,
  [capital(what), 'Succeeded', 'Refused', ...days.map((d) => d.slice(8))],
  rows.map((r): Cell[] => [r.label, r.succeeded, r.denied, ...r.perDay]),
  '',
)}`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function activity(report: Report): string {
  const a = report.activity;
  const days = a.perDay.map((d) => d.day);
  return `<h2 id="activity">Activity</h2>
<figure>${dailyChart('chart-daily', 'GitHub Actions assumptions per day: succeeded (green) and refused (red)', a.perDay)}</figure>
${table(
  'Assumptions per day',
  ['Day', 'Succeeded', 'Refused'],
  a.perDay.map((d): Cell[] => [time(d.day), d.succeeded, d.denied]),
  '',
)}
<h3>Per role</h3>
${seriesPart('chart-roles', 'role', days, a.roles.top, a.roles.others, a.roles.total)}
<h3>Per repository</h3>
${seriesPart('chart-repos', 'repository', days, a.repositories.top, a.repositories.others, a.repositories.total)}
<h3>Refused assumptions (${num(a.denied.total)} role and subject pairs)</h3>
${table(
  'Refused AssumeRoleWithWebIdentity calls and why',
  ['Role', 'Subject', 'Refusals', 'Diagnosis'],
  a.denied.items.map((d): Cell[] => [
    d.role,
    code(d.subject),
    d.count,
    d.diagnosis ? { html: d.diagnosis.map(esc).join('<br>') } : 'no diagnosis recorded',
  ]),
  'No assumption was refused this month.',
)}
<h3>Roles unused for 90 days (${report.metrics.unusedRoles === null ? 'not reported' : num(a.unusedRoles.total)})</h3>
${
  report.metrics.unusedRoles === null
    ? '<p class="muted">Not reported: no account snapshot was available.</p>'
    : table(
        'GitHub-trusted roles nobody assumed in the 90 days to the end of the month: candidates for removal',
        ['Role', 'Last used'],
        a.unusedRoles.items.map((r): Cell[] => [r.name, time(day(r.lastUsed))]),
        'Every GitHub-trusted role was used in the last 90 days.',
      )
}`;
}
