import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import { tampered } from '../rules/activity/rules.js';
import { eventEvidence } from './event-context.js';
import type { CloudTrailRecord } from './record.js';

/** Calls that switch off or change the monitor's own pieces, keyed by event source. */
export const MONITOR_CALLS: Record<
  string,
  { events: string[]; name: (request: Record<string, unknown>) => string | undefined }
> = {
  'events.amazonaws.com': {
    events: ['DeleteRule', 'DisableRule', 'RemoveTargets', 'PutRule', 'PutTargets'],
    name: (r) => str(r.name) ?? str(r.rule),
  },
  'sns.amazonaws.com': {
    events: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission', 'Unsubscribe'],
    name: (r) => str(r.topicArn) ?? str(r.subscriptionArn),
  },
  'lambda.amazonaws.com': {
    events: [
      'DeleteFunction',
      'UpdateFunctionConfiguration',
      'UpdateFunctionCode',
      'RemovePermission',
      'PutFunctionConcurrency',
      'DeleteEventSourceMapping',
    ],
    name: (r) => str(r.functionName),
  },
  'dynamodb.amazonaws.com': { events: ['DeleteTable', 'UpdateTable'], name: (r) => str(r.tableName) },
  'scheduler.amazonaws.com': { events: ['DeleteSchedule', 'UpdateSchedule'], name: (r) => str(r.name) },
};

/** Trail calls that can blind the monitor, whoever owns the trail. */
export const TRAIL_CALLS = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'PutInsightSelectors',
];

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * `monitor.tampered`: someone touched, or tried to touch, trustwatch's own rules, topic, functions,
 * table or schedules (named with `prefix`, case-insensitively, anywhere in the name or ARN), or any trail.
 */
export function evaluateTamper(record: CloudTrailRecord, account: string, prefix: string): Finding[] {
  const request = record.requestParameters ?? {};
  let target: string | undefined;
  if (record.eventSource === 'cloudtrail.amazonaws.com' && TRAIL_CALLS.includes(record.eventName)) {
    target = str(request.name) ?? str(request.trailName) ?? 'a trail';
  } else {
    const calls = MONITOR_CALLS[record.eventSource];
    const name = calls?.events.includes(record.eventName) ? calls.name(request) : undefined;
    if (name?.toLowerCase().includes(prefix.toLowerCase())) target = name;
  }
  if (!target) return [];
  return [
    makeFinding(
      tampered,
      {
        resource: {
          type: 'account',
          arn: target.startsWith('arn:') ? target : `arn:aws:::${account}:${target}`,
          name: target,
        },
        // A refused attempt is reported too: trying to blind the monitor is the signal.
        message: `${record.errorCode ? `attempted ${record.eventName} (refused: ${record.errorCode})` : record.eventName} on ${target} by ${record.actor.arn ?? 'an unknown caller'} from ${record.sourceIp ?? 'an unknown address'}`,
        evidence: { target, event: eventEvidence(record) },
        detail: { eventId: record.eventId },
      },
      account,
      record.region ?? 'us-east-1',
      record.eventTime,
    ),
  ];
}
