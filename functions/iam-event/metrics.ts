/** The service dimension of the event function's metrics. */
export const SERVICE_NAME = 'trustwatch-iam-event';

/** Metric names, for the alarm the stack defines. */
export const METRICS = {
  /** Events a rule delivered that hold no usable CloudTrail record: they end in the failures queue. */
  unusable: 'UnusableEvents',
} as const;
