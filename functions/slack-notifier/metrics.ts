/** Where the notifier's metrics go: shared with the stack, whose alarm watches deliveries that failed. */
export { METRIC_NAMESPACE } from '../common/metrics.js';
export const SERVICE_NAME = 'trustwatch-slack-notifier';

/** Metric names, for the alarms and dashboards the stack defines. */
export const METRICS = {
  posted: 'SlackMessagePosted',
  failed: 'SlackDeliveryFailed',
  malformed: 'SlackMessageMalformed',
} as const;
