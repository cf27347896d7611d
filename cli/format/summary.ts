import type { LintFinding } from '../../shared/rules/lint.js';
import { SEVERITIES } from '../../shared/rules/rule.js';
import type { LintResult, PolicyResult } from '../model.js';
import { isFileError } from '../model.js';

/** One line a person reads first: how many policies, how bad, and what could not be read. */
export function lintSummary(results: LintResult[]): string {
  const policies = results.filter((r): r is PolicyResult => !isFileError(r));
  const errors = results.length - policies.length;
  const counts = severityCounts(policies.flatMap((p) => p.findings));
  const checked = `${policies.length} ${policies.length === 1 ? 'policy' : 'policies'} checked`;
  const found = counts.length > 0 ? `findings: ${counts.join(', ')}` : 'no findings';
  const unreadable = errors > 0 ? `; ${errors} ${errors === 1 ? 'file' : 'files'} could not be read` : '';
  return `${checked}, ${found}${unreadable}`;
}

/** `["1 critical", "2 low"]`, worst first, severities without findings left out. */
export function severityCounts(findings: LintFinding[]): string[] {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
}
