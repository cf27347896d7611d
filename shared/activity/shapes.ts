import { constants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { describeValue, isJsonObject } from './json-value.js';
import { lakeRow } from './lake-row.js';
import { readRecord } from './read-record.js';
import type { CloudTrailRecord } from './record.js';

/** What one item of the input gave: a record, or why it gave none. */
export type Outcome = { record: CloudTrailRecord } | { reason: string };
export type Emit = (outcome: Outcome) => void;

/**
 * Members of a wrapper whose array holds the items: a log file's or an SQS event's `Records`, a
 * LookupEvents page's `Events`, a CloudWatch Logs DATA_MESSAGE's `logEvents`, CloudTrail Lake's
 * `QueryResultRows`. The stream reader reads these arrays element by element.
 */
export const ITEM_ARRAYS: ReadonlySet<string> = new Set([
  'Records',
  'Events',
  'logEvents',
  'QueryResultRows',
]);

/** `jq -s` of log files is an array of wrappers; deeper arrays than that are no shape anyone writes. */
const MAX_ARRAY_NESTING = 2;

/**
 * The records in a whole value: a wrapper (log file, LookupEvents page, SQS event, CloudWatch Logs
 * payload, Lake results), an array of values, an EventBridge event, a LookupEvents item or a record.
 */
export function valueOutcomes(value: unknown, emit: Emit, nesting = 0): void {
  if (Array.isArray(value)) {
    if (nesting >= MAX_ARRAY_NESTING) {
      emit({ reason: `an array nested ${nesting + 1} deep in arrays: no CloudTrail shape looks like this` });
      return;
    }
    for (const element of value) valueOutcomes(element, emit, nesting + 1);
    return;
  }
  if (isJsonObject(value)) {
    for (const key of ITEM_ARRAYS) {
      if (!(key in value)) continue;
      const list = value[key];
      if (!Array.isArray(list)) emit({ reason: `${key} is ${describeValue(list)}, not an array` });
      else for (const element of list) elementOutcomes(element, key, value, emit);
      return;
    }
    const digest = digestReason(value);
    if (digest) {
      emit({ reason: digest });
      return;
    }
    if (isJsonObject(value.awslogs)) {
      awslogsOutcomes(value.awslogs, emit, nesting);
      return;
    }
  }
  itemOutcomes(value, emit, nesting);
}

/** One element of the array `key` of a wrapper; `wrapper` holds the wrapper's members read so far. */
export function elementOutcomes(
  element: unknown,
  key: string,
  wrapper: Record<string, unknown>,
  emit: Emit,
): void {
  if (key === 'QueryResultRows') {
    const row = lakeRow(element);
    emit('reason' in row ? row : readRecord(row.value));
    return;
  }
  if (key === 'logEvents') {
    if (wrapper.messageType === 'CONTROL_MESSAGE') {
      emit({
        reason: 'a CloudWatch Logs CONTROL_MESSAGE (a check that the subscription works): no record',
      });
      return;
    }
    if (!isJsonObject(element) || typeof element.message !== 'string') {
      emit({
        reason: `a CloudWatch Logs log event without a message string: ${describeValue(element)}`,
      });
      return;
    }
    const message = parseJson(element.message, 'the log event message');
    if ('reason' in message) emit(message);
    else itemOutcomes(message.value, emit, MAX_ARRAY_NESTING);
    return;
  }
  itemOutcomes(element, emit, MAX_ARRAY_NESTING);
}

/** An item: a record, a LookupEvents item, an EventBridge event, or an SQS message carrying one of those. */
function itemOutcomes(item: unknown, emit: Emit, nesting: number): void {
  if (!isJsonObject(item)) {
    emit(readRecord(item));
    return;
  }
  if ('CloudTrailEvent' in item || 'EventId' in item) {
    emit(lookupItem(item));
    return;
  }
  if ('detail-type' in item) {
    const detailType = item['detail-type'];
    // "AWS API Call", "AWS Console Sign In", "AWS Service Event" ... "via CloudTrail" all carry a record.
    if (typeof detailType === 'string' && CLOUDTRAIL_DETAIL_TYPE.test(detailType)) {
      emit(readRecord(item.detail));
      return;
    }
    emit({
      reason: `EventBridge event of type ${JSON.stringify(detailType)} carries no CloudTrail record`,
    });
    return;
  }
  if (typeof item.body === 'string' && (item.eventSource === 'aws:sqs' || 'messageId' in item)) {
    // The body is what was sent: usually an EventBridge event, which may itself be one of the wrappers.
    const body = parseJson(item.body, 'the SQS message body');
    if ('reason' in body) emit(body);
    else valueOutcomes(body.value, emit, nesting);
    return;
  }
  if (item.eventSource === 'aws:s3' && isJsonObject(item.s3)) {
    emit({ reason: 'an S3 event notification (it names a log file; replay the log file itself)' });
    return;
  }
  if (!RECORD_KEYS.some((key) => key in item)) {
    emit({ reason: unknownShape(item) });
    return;
  }
  emit(readRecord(item));
}

const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

/** Members of which a CloudTrail record has at least one; an object with none of them is some other shape. */
const RECORD_KEYS = ['eventID', 'eventName', 'eventSource', 'eventTime', 'eventVersion', 'userIdentity'];

function lookupItem(item: Record<string, unknown>): Outcome {
  const event = item.CloudTrailEvent;
  if (event === undefined || event === null) return { reason: 'LookupEvents item without a CloudTrailEvent' };
  if (isJsonObject(event)) return readRecord(event);
  if (typeof event !== 'string') {
    return { reason: `CloudTrailEvent is ${describeValue(event)}, not a JSON string` };
  }
  const parsed = parseJson(event, 'CloudTrailEvent');
  return 'reason' in parsed ? parsed : readRecord(parsed.value);
}

/** The Lambda event of a CloudWatch Logs subscription: `data` is the DATA_MESSAGE, gzipped, in base64. */
function awslogsOutcomes(awslogs: Record<string, unknown>, emit: Emit, nesting: number): void {
  if (typeof awslogs.data !== 'string') {
    emit({ reason: `awslogs.data is ${describeValue(awslogs.data)}, not a base64 string` });
    return;
  }
  let text: string;
  try {
    text = gunzipSync(Buffer.from(awslogs.data, 'base64'), {
      maxOutputLength: constants.MAX_STRING_LENGTH,
    }).toString('utf8');
  } catch (error) {
    emit({ reason: `awslogs.data is not gzipped base64: ${(error as Error).message}` });
    return;
  }
  const message = parseJson(text, 'the decoded awslogs.data');
  if ('reason' in message) {
    emit(message);
    return;
  }
  valueOutcomes(message.value, emit, nesting + 1);
}

function digestReason(value: Record<string, unknown>): string | undefined {
  if (
    'digestStartTime' in value ||
    'digestSignatureAlgorithm' in value ||
    'previousDigestS3Object' in value
  ) {
    return 'a CloudTrail digest file (hashes that validate log files): it holds no records; replay the log files';
  }
  return undefined;
}

/** What a person needs to see an unknown wrapper for what it is: its member names. */
function unknownShape(value: Record<string, unknown>): string {
  const keys = Object.keys(value);
  if (keys.length === 0) return 'not a CloudTrail record: an empty object';
  const shown = keys.slice(0, 8).map((k) => JSON.stringify(k));
  const more = keys.length > shown.length ? ` and ${keys.length - shown.length} more` : '';
  return `not a CloudTrail record or a known wrapper of records: an object with members ${shown.join(', ')}${more}`;
}

export function parseJson(text: string, what: string): { value: unknown } | { reason: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { reason: `${what} is not valid JSON: ${(error as Error).message}` };
  }
}
