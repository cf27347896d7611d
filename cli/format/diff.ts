import type { RoleDiff, RoleVerdict } from '../../shared/iac/diff.js';
import { markdownCode, markdownText } from '../../shared/report/markdown-text.js';
import { visibleText as shown } from '../../shared/report/visible-text.js';
import { toJson } from './json.js';
import { markdownTable } from './markdown.js';
import { painter } from './style.js';
import { tokenLine } from './table.js';

const VERDICT_TEXT: Record<RoleVerdict, string> = {
  equal: 'admits the same tokens and principals',
  narrower: 'admits only what it admitted before',
  wider: 'admits tokens it refused before',
  incomparable: 'admits tokens it refused before, and refuses some it admitted',
  added: 'a new role',
  removed: 'the role is gone',
  unknown: 'depends on values not known statically',
};

/** `{"roles":[{role, verdict, newlyAdmitted, noLongerAdmitted, admitsMore, unknownValues, notes}]}`. */
export function diffJson(diffs: RoleDiff[]): string {
  return toJson({ roles: diffs });
}

export function diffTable(diffs: RoleDiff[], { color }: { color: boolean }): string {
  const paint = painter(color);
  const width = Math.max(0, ...diffs.map((d) => d.verdict.length));
  const blocks = diffs.map((d) => {
    const label = d.verdict.toUpperCase().padEnd(width);
    const lines = [
      `${paint(d.admitsMore ? ['bold', 'red'] : 'bold', label)}  ${shown(d.role)}: ${VERDICT_TEXT[d.verdict]}`,
      ...d.newlyAdmitted.map((t) => `  + ${shown(tokenLine(t))}`),
      ...d.noLongerAdmitted.map((t) => `  - ${shown(tokenLine(t))}`),
      ...d.notes.map((n) => `  ${paint('gray', `note: ${shown(n)}`)}`),
    ];
    return lines.join('\n');
  });
  return `${[...blocks, diffSummary(diffs)].join('\n\n')}\n`;
}

/** For a pull-request comment: one row per role, the witnesses after. */
export function diffMarkdown(diffs: RoleDiff[]): string {
  const out = ['## trustwatch diff', '', diffSummary(diffs), ''];
  if (diffs.length > 0) {
    const rows = diffs.map((d) => [
      markdownText(d.role),
      d.admitsMore ? `**${d.verdict}**` : d.verdict,
      d.newlyAdmitted.map((t) => markdownCode(tokenLine(t))).join('<br>'),
    ]);
    out.push(...markdownTable(['Role', 'Verdict', 'Newly admitted (examples)'], rows), '');
  }
  const details = diffs.filter((d) => d.noLongerAdmitted.length > 0 || d.notes.length > 0);
  for (const d of details) {
    out.push(`### ${markdownText(d.role)}`, '');
    for (const t of d.noLongerAdmitted) out.push(`- no longer admitted: ${markdownCode(tokenLine(t))}`);
    for (const n of d.notes) out.push(`- ${markdownText(n)}`);
    out.push('');
  }
  return out.join('\n');
}

function diffSummary(diffs: RoleDiff[]): string {
  const more = diffs.filter((d) => d.admitsMore).length;
  const counts = (['wider', 'incomparable', 'added', 'unknown', 'narrower', 'removed', 'equal'] as const)
    .map((v) => [v, diffs.filter((d) => d.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`);
  const roles = `${diffs.length} ${diffs.length === 1 ? 'role' : 'roles'} compared`;
  return `${roles}${counts.length > 0 ? ` (${counts.join(', ')})` : ''}; ${more === 0 ? 'none admits more than before' : `${more} ${more === 1 ? 'admits' : 'admit'} more than before`}`;
}
