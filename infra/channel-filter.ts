import type { CfnSubscription, ITopic, ITopicSubscription, Subscription } from 'aws-cdk-lib/aws-sns';
import { unhealthy } from '../shared/rules/activity/rules.js';
import { SEVERITIES, type Severity, severityRank } from '../shared/rules/rule.js';

/** The `severity` attribute of messages that are not about one finding (see shared/notify/alert.ts). */
const SUMMARIES = ['digest', 'report'];

/** Rules whose alerts every channel gets whatever its minimum: trustwatch itself failing. */
const EVERY_CHANNEL = [unhealthy.id];

/** An SNS subscription filter policy (the MessageAttributes scope), as CloudFormation takes it. */
export type FilterPolicy = Record<string, unknown>;

/**
 * The filter policy of a channel: alerts and notices at or above its minimum severity, the summaries,
 * and whatever its minimum, alerts about trustwatch itself (`$or`: either attribute may match). A
 * message without attributes never matches it (SNS: "an empty set of attributes causes the filter not
 * to match"), which is why alarms reach the topic through the alarm relay.
 */
export function channelFilter(minimum: Severity): FilterPolicy {
  const severities = SEVERITIES.filter((s) => severityRank(s) >= severityRank(minimum));
  return { $or: [{ severity: [...severities, ...SUMMARIES] }, { ruleId: EVERY_CHANNEL }] };
}

/** Subscribes a channel to the topic with its filter (CDK's own filter type cannot say `$or`). */
export function subscribeChannel(
  topic: ITopic,
  channel: ITopicSubscription,
  minimum: Severity,
): Subscription {
  const subscription = topic.addSubscription(channel);
  (subscription.node.defaultChild as CfnSubscription).filterPolicy = channelFilter(minimum);
  return subscription;
}
