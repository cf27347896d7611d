import type { Comparison } from '../../shared/policy/model.js';
import { markdownCode, markdownText } from '../../shared/report/markdown-text.js';
import type { LintResult } from '../model.js';
import { isFileError } from '../model.js';
import { lintSummary } from './summary.js';
import { tokenLine } from './table.js';

/** A table cell of text trustwatch itself writes (the rule catalog): one line, and a `|` would end it. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A table with its columns padded to one width, as the formatter keeps committed markdown. */
export function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(3, ...[h, ...rows.map((r) => r[i] ?? '')].map((c) => [...c].length)),
  );
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** For pull-request comments and job summaries ($GITHUB_STEP_SUMMARY). */
export function lintMarkdown(results: LintResult[]): string {
  const out = ['## trustwatch lint', '', lintSummary(results), ''];
  const rows = results.flatMap((r) =>
    isFileError(r)
      ? []
      : r.findings.map(
          (f) =>
            `| **${f.severity}** | \`${f.ruleId}\` | ${markdownText(r.file)} | ${markdownText(f.message)} |`,
        ),
  );
  if (rows.length > 0)
    out.push('| Severity | Rule | Policy | Finding |', '| --- | --- | --- | --- |', ...rows, '');
  const notes = results.flatMap((r) =>
    isFileError(r) ? [] : (r.notes ?? []).map((n) => `- ${markdownText(r.file)}: ${markdownText(n)}`),
  );
  if (notes.length > 0) out.push('### Notes', '', ...notes, '');
  const errors = results.filter(isFileError);
  if (errors.length > 0)
    out.push(
      '### Could not be read',
      '',
      ...errors.map((e) => `- ${markdownText(e.file)}: ${markdownText(e.error)}`),
      '',
    );
  return out.join('\n');
}

export function compareMarkdown(comparison: Comparison, oldPath: string, newPath: string): string {
  const out = [
    `## trustwatch compare: **${comparison.verdict}**`,
    '',
    `${markdownText(oldPath)} → ${markdownText(newPath)}`,
    '',
  ];
  const list = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push(`### ${title}`, '', ...lines.map((l) => `- ${markdownCode(l)}`), '');
  };
  list('Newly admitted', comparison.newlyAdmitted.map(tokenLine));
  list('No longer admitted', comparison.noLongerAdmitted.map(tokenLine));
  if (comparison.notes.length > 0)
    out.push('### Notes', '', ...comparison.notes.map((n) => `- ${markdownText(n)}`), '');
  return out.join('\n');
}
