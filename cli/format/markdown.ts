import { appendAll, maxOf } from '../../shared/arrays.js';
import type { Comparison } from '../../shared/policy/model.js';
import { markdownCode, markdownText } from '../../shared/report/markdown-text.js';
import type { FileError } from '../model.js';
import { isFileError } from '../model.js';
import type { Write } from './json-stream.js';
import type { LintWriter } from './lint-writer.js';
import { Spool } from './spool.js';
import { tokenLine } from './table.js';

/** A table cell of text trustwatch itself writes (the rule catalog): one line, and a `|` would end it. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A table with its columns padded to one width, as the formatter keeps committed markdown. */
export function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    maxOf(
      [h, ...rows.map((r) => r[i] ?? '')].map((c) => [...c].length),
      3,
    ),
  );
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/**
 * For pull-request comments and job summaries ($GITHUB_STEP_SUMMARY): the findings' table row by row as
 * policies are checked, then the summary line, the notes on how roles were checked, and the files that
 * could not be read.
 */
export function lintMarkdownWriter(write: Write): LintWriter {
  const errors = new Spool<FileError>();
  const notes = new Spool<{ file: string; note: string }>();
  let rows = 0;
  write('## trustwatch lint\n');
  return {
    add(r) {
      if (isFileError(r)) {
        errors.push(r);
        return;
      }
      for (const note of r.notes ?? []) notes.push({ file: r.file, note });
      for (const f of r.findings) {
        if (rows++ === 0) write('\n| Severity | Rule | Policy | Finding |\n| --- | --- | --- | --- |\n');
        write(
          `| **${f.severity}** | \`${f.ruleId}\` | ${markdownText(r.file)} | ${markdownText(f.message)} |\n`,
        );
      }
    },
    end(tally) {
      write(`\n${tally.summary()}\n`);
      let noted = 0;
      for (const n of notes.drain()) {
        if (noted++ === 0) write('\n### Notes\n\n');
        write(`- ${markdownText(n.file)}: ${markdownText(n.note)}\n`);
      }
      let listed = 0;
      for (const e of errors.drain()) {
        if (listed++ === 0) write('\n### Could not be read\n\n');
        write(`- ${markdownText(e.file)}: ${markdownText(e.error)}\n`);
      }
    },
  };
}

export function compareMarkdown(comparison: Comparison, oldPath: string, newPath: string): string {
  const out = [
    `## trustwatch compare: **${comparison.verdict}**`,
    '',
    `${markdownText(oldPath)} → ${markdownText(newPath)}`,
    '',
  ];
  const list = (title: string, lines: string[]) => {
    if (lines.length === 0) return;
    out.push(`### ${title}`, '');
    appendAll(
      out,
      lines.map((l) => `- ${markdownCode(l)}`),
    ).push('');
  };
  list('Newly admitted', comparison.newlyAdmitted.map(tokenLine));
  list('No longer admitted', comparison.noLongerAdmitted.map(tokenLine));
  if (comparison.notes.length > 0) {
    out.push('### Notes', '');
    appendAll(
      out,
      comparison.notes.map((n) => `- ${markdownText(n)}`),
    ).push('');
  }
  return out.join('\n');
}
