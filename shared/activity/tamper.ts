import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import { tampered } from '../rules/activity/rules.js';
import { eventEvidence } from './event-context.js';
import { partitionOf } from './partition.js';
import type { CloudTrailRecord } from './record.js';

/** Where a call was made: the ARN of what it names is built from these. */
interface Place {
  partition: string;
  region: string;
  account: string;
}

interface Watched {
  events: string[];
  /** The name or ARN the request gives, if any. */
  name: (request: Record<string, unknown>) => string | undefined;
  /** The ARN of a resource the request names only by name. */
  arn: (name: string, request: Record<string, unknown>, at: Place) => string;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const prefix = ({ partition, region, account }: Place, service: string) =>
  `arn:${partition}:${service}:${region}:${account}`;

/** Calls that switch off or change the monitor's own pieces, keyed by event source. */
export const MONITOR_CALLS: Record<string, Watched> = {
  'events.amazonaws.com': {
    events: ['DeleteRule', 'DisableRule', 'RemoveTargets', 'PutRule', 'PutTargets'],
    name: (r) => str(r.name) ?? str(r.rule),
    // A rule on a custom bus has the bus in its ARN; on the default bus, not.
    arn: (name, r, at) => {
      const bus = str(r.eventBusName);
      return `${prefix(at, 'events')}:rule/${bus && bus !== 'default' ? `${bus}/` : ''}${name}`;
    },
  },
  'sns.amazonaws.com': {
    events: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission', 'Unsubscribe'],
    name: (r) => str(r.topicArn) ?? str(r.subscriptionArn),
    arn: (name, _r, at) => `${prefix(at, 'sns')}:${name}`,
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
    arn: (name, _r, at) => `${prefix(at, 'lambda')}:function:${name}`,
  },
  'dynamodb.amazonaws.com': {
    events: ['DeleteTable', 'UpdateTable'],
    name: (r) => str(r.tableName),
    arn: (name, _r, at) => `${prefix(at, 'dynamodb')}:table/${name}`,
  },
  'scheduler.amazonaws.com': {
    events: ['DeleteSchedule', 'UpdateSchedule'],
    name: (r) => str(r.name),
    arn: (name, r, at) => `${prefix(at, 'scheduler')}:schedule/${str(r.groupName) ?? 'default'}/${name}`,
  },
};

/** Trail calls that can blind the monitor, whoever owns the trail. */
export const TRAIL_CALLS = [
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'PutInsightSelectors',
];

const TRAIL: Watched = {
  events: TRAIL_CALLS,
  // StopLogging and DeleteTrail name it `name`; UpdateTrail and the selector calls `trailName`. Either may be an ARN.
  name: (r) => str(r.name) ?? str(r.trailName),
  arn: (name, _r, at) => `${prefix(at, 'cloudtrail')}:trail/${name}`,
};

/**
 * `monitor.tampered`: someone touched, or tried to touch, trustwatch's own rules, topic, functions,
 * table or schedules (named with `prefix`, case-insensitively, anywhere in the name or ARN), or any trail.
 *
 * Repeated attempts by one caller at one call on one target are one finding (a repeat updates it), so
 * a script retrying StopLogging on a trail that does not exist is one alert, not hundreds. A refused
 * attempt is high: it is the signal, but nothing was switched off. One that succeeded is critical.
 */
export function evaluateTamper(record: CloudTrailRecord, account: string, monitorPrefix: string): Finding[] {
  const request = record.requestParameters ?? {};
  const isTrail = record.eventSource === 'cloudtrail.amazonaws.com';
  const watched = isTrail ? TRAIL : MONITOR_CALLS[record.eventSource];
  if (!watched?.events.includes(record.eventName)) return [];
  const name = watched.name(request);
  if (!isTrail && !name?.toLowerCase().includes(monitorPrefix.toLowerCase())) return [];
  const region = record.region ?? 'us-east-1';
  const at: Place = { partition: partitionOf(region), region, account };
  const arn =
    name === undefined ? undefined : name.startsWith('arn:') ? name : watched.arn(name, request, at);
  const target = name ?? 'a trail the record does not name';
  const succeeded = record.errorCode === undefined;
  const actor = record.actor.arn ?? record.actor.principalId ?? 'an unknown caller';
  const finding = makeFinding(
    tampered,
    {
      resource: {
        type: 'account',
        arn: arn ?? `arn:${at.partition}:cloudtrail:${region}:${account}:trail/*`,
        name: target,
      },
      message: `${succeeded ? record.eventName : `attempted ${record.eventName} (refused: ${record.errorCode})`} on ${target} by ${actor} from ${record.sourceIp ?? 'an unknown address'}`,
      evidence: { target, event: eventEvidence(record) },
      detail: { actor, action: `${record.eventSource}:${record.eventName}`, succeeded },
    },
    account,
    region,
    record.eventTime,
  );
  return [{ ...finding, severity: succeeded ? 'critical' : 'high' }];
}
