import { type Severity, severityRank } from '../shared/rules/rule.js';

/** Exit codes are the interface CI jobs gate on: keep them stable. */
export const EXIT = {
  clean: 0,
  findings: 1,
  usage: 2,
  /** `tighten` made no proposal: too little activity, or none that the current policy admits. */
  noProposal: 3,
} as const;

/** Bad usage or unreadable input: the message is for the person at the terminal, exit 2. */
export class UsageError extends Error {}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}
