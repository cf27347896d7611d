import type { ProcessedFinding } from '../../shared/activity/process.js';
import { visibleText as shown } from '../../shared/report/visible-text.js';
import { toJson } from './json.js';

export interface ActivityRun {
  records: number;
  rejected: { file?: string; index: number; reason: string }[];
  findings: ProcessedFinding[];
}

/** What a replay or an activity scan found: each finding once, with whether it was new. */
export function activityOutput(run: ActivityRun, format: 'table' | 'json'): string {
  if (format === 'json') {
    return toJson({
      records: run.records,
      rejected: run.rejected,
      findings: run.findings.map(({ finding, outcome }) => ({ outcome, ...finding })),
    });
  }
  const lines = run.findings.map(
    ({ finding, outcome }) =>
      `${finding.severity.toUpperCase().padEnd(8)}  ${finding.ruleId.padEnd(32)}  ${shown(finding.message)}${outcome === 'updated' ? ' (seen before)' : ''}`,
  );
  const rejected = run.rejected.map((r) => `SKIPPED   ${shown(`${r.file ?? ''}#${r.index}: ${r.reason}`)}`);
  return `${[`${run.records} CloudTrail records read, ${run.rejected.length} unusable, ${run.findings.length} findings`, '', ...lines, ...rejected].join('\n')}\n`;
}
