import { maxOf } from '../../shared/arrays.js';
import type { AuditResult } from '../../shared/audit/audit.js';
import type { Finding } from '../../shared/findings/finding.js';
import { markdownText as cell } from '../../shared/report/markdown-text.js';
import { visibleText as shown } from '../../shared/report/visible-text.js';
import { SEVERITIES } from '../../shared/rules/rule.js';
import { toJson } from './json.js';
import { painter, severityLabel } from './style.js';

/** The JSON other tools consume: `{account, findings, stats, gaps}`. */
export function auditJson(result: AuditResult): string {
  return toJson({
    account: result.account,
    findings: result.findings,
    stats: result.stats,
    gaps: result.gaps,
  });
}

function summaryLine(result: AuditResult): string {
  const { stats } = result;
  const open = SEVERITIES.filter((s) => stats.open[s] > 0).map((s) => `${stats.open[s]} ${s}`);
  return [
    `account ${shown(result.account)}: ${stats.roles} roles (${stats.githubTrustedRoles} trusted by GitHub Actions), ${stats.users} users (${stats.ciUsers} CI), ${stats.activeKeys} active keys`,
    `open findings: ${open.length > 0 ? open.join(', ') : 'none'}${stats.suppressed > 0 ? `; ${stats.suppressed} suppressed` : ''}`,
    ...(stats.baseline
      ? []
      : ['no baseline given: drift (widened trust, new CI roles, provider changes) not checked']),
  ].join('\n');
}

/** Worst first, one line a finding, then what could not be read. */
export function auditTable(result: AuditResult, color: boolean): string {
  const paint = painter(color);
  const width = maxOf(
    result.findings.map((f) => f.ruleId.length),
    0,
  );
  const line = (f: Finding) => {
    const status =
      f.status === 'suppressed'
        ? paint('gray', ` (suppressed until ${shown(f.suppression?.expires ?? '')})`)
        : '';
    return `${severityLabel(f.severity, paint)}  ${f.ruleId.padEnd(width)}  ${shown(f.message)}${status}`;
  };
  const gaps = result.gaps.map(
    (g) =>
      `${paint(['bold', 'red'], 'GAP'.padEnd(8))}  ${shown(`${g.resource}: ${g.operation}: ${g.reason}`)}`,
  );
  return `${[summaryLine(result), '', ...result.findings.map(line), ...(gaps.length > 0 ? ['', ...gaps] : [])].join('\n')}\n`;
}

export function auditMarkdown(result: AuditResult): string {
  const rows = result.findings.map(
    (f) =>
      `| ${f.severity} | \`${f.ruleId}\` | ${cell(f.resource.name)} | ${cell(f.message)} | ${f.status} |`,
  );
  const gaps = result.gaps.map((g) => `- ${cell(g.resource)}: ${cell(g.operation)}: ${cell(g.reason)}`);
  return [
    `# trustwatch audit of ${cell(result.account)}`,
    '',
    summaryLine(result),
    '',
    '| severity | rule | resource | finding | status |',
    '|---|---|---|---|---|',
    ...rows,
    ...(gaps.length > 0 ? ['', '## Gaps', '', ...gaps] : []),
    '',
  ].join('\n');
}
