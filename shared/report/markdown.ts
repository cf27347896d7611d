import { SEVERITIES } from '../rules/rule.js';
import { change, dateTime, day, monthTitle, num, percent, plural, VERDICT_WORDS, value } from './format.js';
import { markdownCode, markdownText } from './markdown-text.js';
import type { FindingRef, Report, Series } from './model.js';

const cell = markdownText;
const codeCell = markdownCode;

export function table(headers: string[], rows: string[][], empty: string): string[] {
  if (rows.length === 0) return [`_${empty}_`, ''];
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ];
}

const more = (list: { items: unknown[]; total: number }) =>
  list.total > list.items.length ? ` (first ${list.items.length} of ${list.total})` : '';

/** The finding's title, and what it says under it (a line break the table keeps). */
const findingCell = (f: FindingRef) =>
  [cell(f.title), ...(f.facts ?? []).map((p) => `**${cell(p.label)}:** ${cell(p.text)}`)].join('<br>');

export const findingRows = (list: FindingRef[], last: (f: FindingRef) => string) =>
  list.map((f) => [
    f.severity,
    codeCell(f.ruleId),
    cell(f.resource),
    findingCell(f),
    day(f.firstSeen),
    last(f),
  ]);

/** The report in Markdown, the same sections as the HTML with the charts' data as tables. */
export function renderMarkdown(report: Report): string {
  const p = report.posture;
  const m = report.metrics;
  const out: string[] = [
    `# Compliance report: ${monthTitle(report.month)}`,
    '',
    `AWS account \`${report.account}\` · ${day(report.period.start)} to ${day(new Date(Date.parse(report.period.end) - 1).toISOString())} (UTC) · generated ${dateTime(report.generatedAt)}${report.snapshotAt ? ` · account state read ${dateTime(report.snapshotAt)}` : ''}`,
    '',
    `**${num(m.openFindings)}** open findings at month end (${num(m.openCriticalHigh)} critical or high) · ${num(m.opened)} opened · ${num(m.resolved)} resolved · mean time to resolve ${m.meanDaysToResolve === null ? 'n/a' : `${m.meanDaysToResolve} days`} · ${percent(m.oidcShare)} of CI identities used via OIDC · ${num(m.assumptions)} assumptions, ${num(m.denied)} refused`,
    '',
  ];
  if (report.notes.length > 0)
    out.push('> **About the data**', ...report.notes.map((n) => `> - ${cell(n)}`), '');
  out.push('## Month over month', '');
  if (report.comparison) {
    const c = report.comparison;
    out.push(
      ...table(
        ['Measure', monthTitle(c.previousMonth), monthTitle(report.month), 'Change'],
        c.rows.map((r) => [
          r.label,
          value(r.previous),
          value(r.current),
          change(r.previous, r.current, r.better),
        ]),
        '',
      ),
    );
  } else out.push('_No report of the previous month to compare with._', '');

  out.push('## Posture', '');
  out.push(
    ...table(
      ['Severity', 'Open at month end', 'Opened', 'Resolved'],
      SEVERITIES.map((s) => [s, num(p.openAtEnd[s]), num(p.opened[s]), num(p.resolved[s])]),
      '',
    ),
  );
  out.push(`${plural(p.suppressedAtEnd, 'suppressed finding')} at month end.`, '');
  out.push(
    `### Oldest open findings${more(p.oldestOpen)}`,
    '',
    ...table(
      ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Days open'],
      findingRows(p.oldestOpen.items, (f) => num(f.days)),
      'No finding was open at the end of the month.',
    ),
  );
  out.push(
    `### Opened this month${more(p.openedThisMonth)}`,
    '',
    ...table(
      ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Status'],
      findingRows(p.openedThisMonth.items, (f) => (f.resolvedAt ? `resolved ${day(f.resolvedAt)}` : 'open')),
      'No finding was opened this month.',
    ),
  );
  out.push(
    `### Resolved this month${more(p.resolvedThisMonth)}`,
    '',
    ...table(
      ['Severity', 'Rule', 'Resource', 'Finding', 'First seen', 'Days to resolve'],
      findingRows(p.resolvedThisMonth.items, (f) => num(f.days)),
      'No finding was resolved this month.',
    ),
  );
  out.push(
    `### Suppressions${more(p.suppressions)}`,
    '',
    ...table(
      ['Rule', 'Resource', 'Reason', 'Expires', 'Days left at month end'],
      p.suppressions.items.map((s) => [
        codeCell(s.ruleId),
        cell(s.resource),
        cell(s.reason),
        s.expires,
        String(s.daysLeft),
      ]),
      'No finding was suppressed at the end of the month.',
    ),
  );

  out.push('## OIDC migration', '');
  const g = report.migration;
  if (!g) out.push('_Not reported: no account snapshot was available._', '');
  else {
    out.push(
      `${percent(g.oidcShare)} of the CI identities used this month came in through OIDC: ${plural(g.oidcRolesUsed, 'GitHub-trusted role')} assumed (${plural(g.oidcAssumptions, 'assumption')}) against ${plural(g.staticUsersUsed, 'CI user')} whose static key was last used this month or later. ${plural(g.keysUsedFromActions, 'static key')} seen used from GitHub Actions.`,
      '',
    );
    out.push(
      ...table(
        ['Key age at month end', 'Active CI keys'],
        g.keyAges.map((b) => [b.label, num(b.count)]),
        '',
      ),
    );
    out.push(
      `### CI users still holding keys (${num(g.ciUsersWithKeys.total)})`,
      '',
      ...table(
        ['User', 'Active keys', 'Oldest key (days)', 'Last used'],
        g.ciUsersWithKeys.items.map((u) => [
          cell(u.name),
          num(u.activeKeys),
          num(u.oldestKeyDays),
          day(u.lastUsed),
        ]),
        'No CI user holds an active key.',
      ),
    );
    out.push(
      `### Keys created or rotated this month (${num(g.rotatedThisMonth.total)})`,
      '',
      ...table(
        ['User', 'Created'],
        g.rotatedThisMonth.items.map((k) => [cell(k.user), day(k.created)]),
        'No CI key was created or rotated this month.',
      ),
    );
  }

  out.push('## Trust', '');
  const { roles, changes } = report.trust;
  if (!roles) out.push('_GitHub-trusted roles are not reported: no account snapshot was available._', '');
  else {
    out.push(`### GitHub-trusted roles (${num(roles.total)})${more(roles)}`, '');
    out.push(
      ...table(
        ['Role', 'Owners admitted', 'Repositories named', 'Subject patterns'],
        roles.items.map((r) => [
          cell(r.name),
          r.problem
            ? `not analysed: ${cell(r.problem)}`
            : [
                r.anyOwner ? '**any owner**' : '',
                ...r.owners.map((o) => `${codeCell(o.name)}${o.anyRepository ? ' **any repository**' : ''}`),
              ]
                .filter((s) => s !== '')
                .join(', ') || 'nobody',
          r.owners.flatMap((o) => o.repositories.map((repo) => codeCell(`${o.name}/${repo}`))).join(', ') ||
            '—',
          r.subjects.map(codeCell).join(', ') || '—',
        ]),
        'No role trusts GitHub Actions.',
      ),
    );
  }
  out.push(
    `### Trust changes this month (${num(changes.total)})`,
    '',
    ...table(
      ['Role', 'Verdict', 'When', 'By', 'Subjects before', 'Subjects after', 'For example'],
      changes.items.map((c) => [
        cell(c.role),
        VERDICT_WORDS[c.verdict],
        dateTime(c.at),
        cell(c.by ?? 'unknown (found by the scheduled audit)'),
        c.before.map(codeCell).join(', ') || '—',
        c.after.map(codeCell).join(', ') || '—',
        c.example ? cell(c.example) : '—',
      ]),
      'No trust policy changed this month.',
    ),
  );

  out.push(...tightenableSection(report));

  const a = report.activity;
  out.push(
    '## Activity',
    '',
    ...table(
      ['Day', 'Succeeded', 'Refused'],
      a.perDay.map((d) => [d.day, num(d.succeeded), num(d.denied)]),
      '',
    ),
  );
  const series = (what: string, top: Series[], others: Series | null) => {
    const rows = [...top, ...(others ? [others] : [])];
    return table(
      [what, 'Succeeded', 'Refused', 'Busiest day'],
      rows.map((r) => {
        const peak = Math.max(...r.perDay);
        return [
          cell(r.label),
          num(r.succeeded),
          num(r.denied),
          peak > 0 ? `${a.perDay[r.perDay.indexOf(peak)]?.day} (${num(peak)})` : '—',
        ];
      }),
      `No assumption by any ${what.toLowerCase()} this month.`,
    );
  };
  out.push(
    `### Per role${a.roles.others ? ` (the ${a.roles.top.length} busiest of ${num(a.roles.total)})` : ''}`,
    '',
    ...series('Role', a.roles.top, a.roles.others),
  );
  out.push(
    `### Per repository${a.repositories.others ? ` (the ${a.repositories.top.length} busiest of ${num(a.repositories.total)})` : ''}`,
    '',
    ...series('Repository', a.repositories.top, a.repositories.others),
  );
  out.push(
    `### Refused assumptions (${num(a.denied.total)} role and subject pairs)${more(a.denied)}`,
    '',
    ...table(
      ['Role', 'Subject', 'Refusals', 'Diagnosis'],
      a.denied.items.map((d) => [
        cell(d.role),
        codeCell(d.subject),
        num(d.count),
        d.diagnosis ? cell(d.diagnosis.join(' ')) : 'no diagnosis recorded',
      ]),
      'No assumption was refused this month.',
    ),
  );
  out.push(`### Roles unused for 90 days${more(a.unusedRoles)}`, '');
  if (m.unusedRoles === null) out.push('_Not reported: no account snapshot was available._', '');
  else
    out.push(
      ...table(
        ['Role', 'Last used'],
        a.unusedRoles.items.map((r) => [cell(r.name), day(r.lastUsed)]),
        'Every GitHub-trusted role was used in the last 90 days.',
      ),
    );
  return `${out.join('\n').trimEnd()}\n`;
}

/** Roles whose observed use is a strict subset of what they admit, and by how much. */
function tightenableSection(report: Report): string[] {
  const t = report.tightenable;
  if (!t) return ['## Can be tightened', '', '_Not reported: no account snapshot was available._', ''];
  const few = t.tooLittleActivity.map((r) => `${cell(r.role)} (${plural(r.daysOfData, 'day')})`);
  return [
    '## Can be tightened',
    '',
    `Roles whose trust policy admits more than what assumed them from ${t.window.from} to ${t.window.to}: a policy naming only those subjects refuses the tokens in the last column and still admits every one that was used. \`trustwatch tighten --role NAME\` prints it with its proof.`,
    '',
    ...table(
      ['Role', 'Admits now', 'Used by (the narrower policy admits these)', 'Use', 'No longer admitted, e.g.'],
      t.roles.items.map((r) => [
        cell(r.role),
        [cell(r.admits), ...r.patterns.map(codeCell)].join(', '),
        r.observed.map(codeCell).join(', '),
        `${plural(r.assumptions, 'assumption')}, ${plural(r.daysOfData, 'day')} of data`,
        r.example ? cell(r.example) : '—',
      ]),
      'No role admits more than what used it (or none was used long enough to say).',
    ),
    ...(few.length > 0
      ? [
          `_Too little activity to propose a narrower policy (fewer than ${plural(t.minDays, 'day')} between the first and last successful assumption): ${few.join(', ')}._`,
          '',
        ]
      : []),
  ];
}
