import { SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { SEVERITIES, type Severity, severityRank } from '../shared/rules/rule.js';

/** The `severity` attribute of messages that are not about one finding (see shared/notify/alert.ts). */
const SUMMARIES = ['digest', 'report'];

/**
 * The filter policy of a channel: alerts and notices at or above its minimum severity, and the
 * summaries. A message without attributes never matches it (SNS: "an empty set of attributes causes
 * the filter not to match"), which is why alarms reach the topic through the alarm relay.
 */
export function channelFilter(minimum: Severity): Record<string, SubscriptionFilter> {
  const severities = SEVERITIES.filter((s) => severityRank(s) >= severityRank(minimum));
  return { severity: new SubscriptionFilter([...severities, ...SUMMARIES]) };
}
