import { dateTime, monthTitle, num } from './format.js';
import { findingRows, table } from './markdown.js';
import { markdownCode, markdownText } from './markdown-text.js';
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

const words = (cells: (number | string)[]) => cells.map((c) => (typeof c === 'number' ? num(c) : c));

/** The roll-up in Markdown, the same sections as the HTML. */
export function renderRollupMarkdown(rollup: Rollup): string {
  const month = monthTitle(rollup.month);
  const notes = rollupNotes(rollup);
  const out: string[] = [
    `# ${rollupTitle}: ${month}`,
    '',
    `${summaryLine(rollup)} · from ${markdownCode(rollup.source)} · generated ${dateTime(rollup.generatedAt)}`,
    '',
  ];
  if (notes.length > 0) out.push('> **About the data**', ...notes.map((n) => `> - ${markdownText(n)}`), '');
  out.push(
    '## Accounts without a report',
    '',
    ...table(
      ['Account', 'Looked for'],
      rollup.missing.map((m) => [markdownCode(m.account), markdownCode(m.source)]),
      'Every account found or expected has a report for the month.',
    ),
    ...table(
      ['Account', 'Report', 'Problem'],
      rollup.unreadable.map((u) => [
        markdownCode(u.account),
        markdownCode(u.source),
        markdownText(u.problem),
      ]),
      'Every report found could be read.',
    ),
    '## Accounts',
    '',
    ...table(
      ACCOUNT_HEADERS,
      [
        ...rollup.accounts.map((a) => [markdownCode(a.account), ...words(accountNumbers(a))]),
        ...(rollup.accounts.length > 0
          ? [['**Organization**', ...words(accountNumbers(rollup.totals))]]
          : []),
      ],
      'No account report was read.',
    ),
    '## Organization totals',
    '',
    ...table(
      ['Measure', 'Total', 'Accounts without the number'],
      totalRows(rollup).map((r) => [r.label, r.total, r.unknownIn === 0 ? '—' : num(r.unknownIn)]),
      '',
    ),
    '## Worst open findings per account',
    '',
  );
  for (const a of rollup.accounts) {
    out.push(
      `### Account ${markdownCode(a.account)}`,
      '',
      `${markdownText(worstCaption(a))} Its report: ${markdownCode(a.source.replace(/report\.json$/, 'report.html'))}.`,
      '',
    );
    if (a.worst.items.length > 0)
      out.push(
        ...table(
          WORST_HEADERS,
          findingRows(a.worst.items, (f) => num(f.days)),
          '',
        ),
      );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
