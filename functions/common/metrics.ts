/** The CloudWatch namespace of every trustwatch metric; the stack's alarms watch them there. */
export const METRIC_NAMESPACE = 'trustwatch';
