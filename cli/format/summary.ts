import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule.js';
import type { LintResult } from '../model.js';
import { isFileError } from '../model.js';

/**
 * Running counts of a lint run, kept as results stream by so that the summary line and the exit code
 * need no list of results: memory stays the same whatever the number of policies.
 */
export class LintTally {
  policies = 0;
  errors = 0;
  findings = 0;
  readonly bySeverity = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  /** The rank of the worst finding so far; -1 while there is none. */
  worstRank = -1;

  add(result: LintResult): void {
    if (isFileError(result)) {
      this.errors++;
      return;
    }
    this.policies++;
    for (const f of result.findings) {
      this.findings++;
      this.bySeverity.set(f.severity, (this.bySeverity.get(f.severity) ?? 0) + 1);
      this.worstRank = Math.max(this.worstRank, severityRank(f.severity));
    }
  }

  /** One line a person reads: how many policies, how bad, and what could not be read. */
  summary(): string {
    const counts = SEVERITIES.filter((s) => (this.bySeverity.get(s) ?? 0) > 0).map(
      (s) => `${this.bySeverity.get(s)} ${s}`,
    );
    const checked = `${this.policies} ${this.policies === 1 ? 'policy' : 'policies'} checked`;
    const found = counts.length > 0 ? `findings: ${counts.join(', ')}` : 'no findings';
    const unreadable =
      this.errors > 0 ? `; ${this.errors} ${this.errors === 1 ? 'file' : 'files'} could not be read` : '';
    return `${checked}, ${found}${unreadable}`;
  }
}
