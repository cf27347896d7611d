import type { Comparison } from '../../shared/policy/model.js';
import { markdownCode, markdownText } from '../../shared/report/markdown-text.js';
import type { LintResult } from '../model.js';
import { isFileError } from '../model.js';
import { lintSummary } from './summary.js';
import { tokenLine } from './table.js';

const cell = markdownText;

/** For pull-request comments and job summaries ($GITHUB_STEP_SUMMARY). */
export function lintMarkdown(results: LintResult[]): string {
  const out = ['## trustwatch lint', '', lintSummary(results), ''];
  const rows = results.flatMap((r) =>
    isFileError(r)
      ? []
      : r.findings.map(
          (f) => `| **${f.severity}** | \`${f.ruleId}\` | ${cell(r.file)} | ${cell(f.message)} |`,
        ),
  );
  if (rows.length > 0)
    out.push('| Severity | Rule | Policy | Finding |', '| --- | --- | --- | --- |', ...rows, '');
  const errors = results.filter(isFileError);
  if (errors.length > 0)
    out.push('### Could not be read', '', ...errors.map((e) => `- ${cell(e.file)}: ${cell(e.error)}`), '');
  return out.join('\n');
}

export function compareMarkdown(comparison: Comparison, oldPath: string, newPath: string): string {
  const out = [
    `## trustwatch compare: **${comparison.verdict}**`,
    '',
    `${cell(oldPath)} → ${cell(newPath)}`,
    '',
  ];
  const list = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push(`### ${title}`, '', ...lines.map((l) => `- ${markdownCode(l)}`), '');
  };
  list('Newly admitted', comparison.newlyAdmitted.map(tokenLine));
  list('No longer admitted', comparison.noLongerAdmitted.map(tokenLine));
  if (comparison.notes.length > 0)
    out.push('### Notes', '', ...comparison.notes.map((n) => `- ${cell(n)}`), '');
  return out.join('\n');
}
