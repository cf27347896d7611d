import type { Finding } from '../findings/finding.js';
import type { ReportSummary } from '../report/summary.js';
import type { Severity } from '../rules/rule.js';

/**
 * What trustwatch publishes to the alert topic. Email subscribers get the plain-text rendering,
 * the Slack notifier (a Lambda subscriber) gets this structure as JSON (SNS MessageStructure "json"
 * with one message per protocol).
 */
export type AlertMessage =
  /** `rule` is absent when the catalog does not know the finding's rule (or an older version sent it). */
  | { kind: 'alert'; account: string; finding: Finding; rule?: RuleTexts }
  /** The finding went away: a short notice for the people who got the alert. */
  | { kind: 'resolved'; account: string; finding: Finding; resolvedAt: string }
  /** Once a day: findings below a channel's minimum severity, and how many are still open. */
  | {
      kind: 'digest';
      account: string;
      day: string;
      findings: Finding[];
      open: Record<Severity, number>;
      /** How many findings the digest left out to stay within the message size limits. */
      omitted: number;
    }
  /** Once a month: the compliance report's headline numbers and where the report is. */
  | { kind: 'report'; account: string; summary: ReportSummary };

/**
 * What the rule of an alert's finding says about it, carried in the alert so that the Slack notifier
 * shows it without bundling the rules (68 KB of its 307 KB, most of it the policy engine).
 */
export interface RuleTexts {
  rationale: string;
  references: string[];
}

/** SNS message attributes, so that subscriptions can filter (email: high and above). */
export interface AlertAttributes {
  severity: Severity | 'digest' | 'report';
  ruleId: string;
  account: string;
  kind: AlertMessage['kind'];
}

export function alertAttributes(message: AlertMessage): AlertAttributes {
  // A digest or report has no one severity: subscriptions take them by kind (see README, Alerts).
  if (message.kind === 'digest' || message.kind === 'report')
    return { severity: message.kind, ruleId: message.kind, account: message.account, kind: message.kind };
  return {
    severity: message.finding.severity,
    ruleId: message.finding.ruleId,
    account: message.account,
    kind: message.kind,
  };
}
