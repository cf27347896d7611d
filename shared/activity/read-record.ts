import { normalizeEventTime } from './event-time.js';
import { describeValue, isJsonObject, nonEmptyString } from './json-value.js';
import type { CloudTrailRecord } from './record.js';

type RecordOrReason = { record: CloudTrailRecord } | { reason: string };

/** What the model cannot do without: an id to dedupe on, what was called, where and when. */
const REQUIRED = ['eventID', 'eventName', 'eventSource', 'eventTime'] as const;

/**
 * One raw CloudTrail record (the object a log file's `Records` holds) as a CloudTrailRecord, or why it
 * cannot be one. Optional members of the wrong type are left out rather than trusted, so a record a
 * pipeline mangled still yields what it does carry.
 */
export function readRecord(value: unknown): RecordOrReason {
  if (!isJsonObject(value)) return { reason: `not a CloudTrail record: ${describeValue(value)}` };
  const problems = REQUIRED.flatMap((key) => {
    const field = value[key];
    if (field === undefined || field === null) return [`no ${key}`];
    if (field === '') return [`${key} is empty`];
    return typeof field === 'string' ? [] : [`${key} is ${describeValue(field)}, not a string`];
  });
  if (problems.length > 0) return { reason: problems.join(', ') };
  const eventTime = normalizeEventTime(value.eventTime);
  if (eventTime === undefined) {
    return { reason: `eventTime ${JSON.stringify(value.eventTime)} is not a time` };
  }

  const identity = isJsonObject(value.userIdentity) ? value.userIdentity : {};
  return {
    record: {
      eventId: value.eventID as string,
      eventName: value.eventName as string,
      eventSource: value.eventSource as string,
      eventTime,
      region: nonEmptyString(value.awsRegion),
      account: nonEmptyString(value.recipientAccountId),
      readOnly: flag(value.readOnly),
      errorCode: nonEmptyString(value.errorCode),
      errorMessage: nonEmptyString(value.errorMessage),
      actor: {
        type: nonEmptyString(identity.type),
        arn: nonEmptyString(identity.arn),
        principalId: nonEmptyString(identity.principalId),
        userName: nonEmptyString(identity.userName),
        accessKeyId: nonEmptyString(identity.accessKeyId),
        identityProvider: nonEmptyString(identity.identityProvider),
        invokedBy: nonEmptyString(identity.invokedBy),
      },
      sourceIp: nonEmptyString(value.sourceIPAddress),
      userAgent: nonEmptyString(value.userAgent),
      requestParameters: isJsonObject(value.requestParameters) ? value.requestParameters : undefined,
      responseElements: isJsonObject(value.responseElements) ? value.responseElements : undefined,
      raw: value,
    },
  };
}

// Records carry readOnly as a boolean; LookupEvents' summary and some pipelines as "true"/"false".
function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
