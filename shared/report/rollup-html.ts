import { dateTime, monthTitle, num, percent } from './format.js';
import { findingRows, pageHead, summaryCards } from './html.js';
import { esc } from './html-escape.js';
import { type Cell, code, table } from './html-table.js';
import type { Rollup } from './rollup.js';
import {
  ACCOUNT_HEADERS,
  accountNumbers,
  rollupNotes,
  rollupTitle,
  summaryLine,
  totalRows,
  WORST_HEADERS,
  worstCaption,
} from './rollup-words.js';

/**
 * The roll-up as one self-contained HTML page, styled and escaped as the per-account report is:
 * inline CSS, no script, nothing fetched; every name and finding from the reports is inert text.
 */
export function renderRollupHtml(rollup: Rollup): string {
  const month = monthTitle(rollup.month);
  const t = rollup.totals.metrics;
  const notes = rollupNotes(rollup);
  return `${pageHead(`trustwatch ${rollupTitle.toLowerCase()}: ${month}`)}
<body>
<header>
<h1>${esc(rollupTitle)}: ${esc(month)}</h1>
<p class="meta">${esc(summaryLine(rollup))} · from <code>${esc(rollup.source)}</code> · generated ${esc(dateTime(rollup.generatedAt))}</p>
</header>
<main>
${summaryCards([
  [num(t.openFindings), 'open findings at month end'],
  [num(t.openCriticalHigh), 'of them critical or high'],
  [num(t.opened), 'opened this month'],
  [num(t.resolved), 'resolved this month'],
  [t.meanDaysToResolve === null ? 'n/a' : `${t.meanDaysToResolve} d`, 'mean time to resolve'],
  [num(t.trustWidened), 'trust policies widened'],
  [percent(t.oidcShare), 'CI identities used via OIDC'],
  [num(rollup.missing.length + rollup.unreadable.length), 'accounts without a readable report'],
])}
${notes.length > 0 ? `<aside class="notes" aria-label="About this report's data"><b>About the data</b><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></aside>` : ''}
<h2 id="without-report">Accounts without a report</h2>
${table(
  `No report for ${month}`,
  ['Account', 'Looked for'],
  rollup.missing.map((m): Cell[] => [m.account, code(m.source)]),
  'Every account found or expected has a report for the month.',
)}
${table(
  'Reports that could not be read',
  ['Account', 'Report', 'Problem'],
  rollup.unreadable.map((u): Cell[] => [u.account, code(u.source), u.problem]),
  'Every report found could be read.',
)}
<h2 id="accounts">Accounts</h2>
${table(
  'Headline numbers per account, most open critical and high findings first',
  ACCOUNT_HEADERS,
  [
    ...rollup.accounts.map((a): Cell[] => [a.account, ...accountNumbers(a)]),
    ...(rollup.accounts.length > 0
      ? [[{ html: '<b>Organization</b>' }, ...accountNumbers(rollup.totals)] as Cell[]]
      : []),
  ],
  'No account report was read.',
)}
<h2 id="totals">Organization totals</h2>
${table(
  `${month}, all accounts reported`,
  ['Measure', 'Total', 'Accounts without the number'],
  totalRows(rollup).map((r): Cell[] => [r.label, r.total, r.unknownIn === 0 ? '—' : num(r.unknownIn)]),
  '',
)}
<h2 id="worst">Worst open findings per account</h2>
${rollup.accounts
  .map(
    (a) => `<h3>Account <code>${esc(a.account)}</code></h3>
<p class="muted">${esc(worstCaption(a))} Its report: <code>${esc(a.source.replace(/report\.json$/, 'report.html'))}</code>.</p>
${
  a.worst.items.length > 0
    ? table(
        `Open at the end of ${month}, most severe first`,
        WORST_HEADERS,
        findingRows(a.worst.items, (f) => num(f.days)),
        '',
      )
    : ''
}`,
  )
  .join('\n')}
</main>
<footer><p class="muted">Written by trustwatch · roll-up schema version ${rollup.schemaVersion}. Each account's numbers are those of its own monthly report.</p></footer>
</body>
</html>
`;
}
