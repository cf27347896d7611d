import { SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { SEVERITIES, type Severity, severityRank } from '../shared/rules/rule.js';

/** The `severity` attribute of messages that are not about one finding (see shared/notify/alert.ts). */
const SUMMARIES = ['digest'];

/**
 * The filter policy of a channel: alerts and notices at or above its minimum severity, and the
 * summaries. Email also takes messages with no severity at all: CloudWatch alarms, which publish
 * their own JSON without attributes (Slack cannot read those, so its filter leaves them out).
 */
export function channelFilter(
  minimum: Severity,
  options: { alarms: boolean },
): Record<string, SubscriptionFilter> {
  const severities = SEVERITIES.filter((s) => severityRank(s) >= severityRank(minimum));
  return {
    severity: new SubscriptionFilter([
      ...severities,
      ...SUMMARIES,
      ...(options.alarms ? [{ exists: false }] : []),
    ]),
  };
}
