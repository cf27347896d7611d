import { constants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { describeValue, isJsonObject } from './json-value.js';
import { readRecord } from './read-record.js';
import type { ParsedRecords } from './record.js';

/**
 * Every CloudTrail record in what a user hands over, whichever form it came in:
 * - a log file from S3, `{"Records": [...]}`, gzipped (as CloudTrail writes it) or not;
 * - LookupEvents results: the SDK or `aws cloudtrail lookup-events` output `{"Events": [...]}`, or a
 *   bare array of its items, each carrying the record as the `CloudTrailEvent` JSON string;
 * - EventBridge events (`"detail-type": "AWS API Call via CloudTrail"`, record under `detail`), one or
 *   an array of them;
 * - a single raw record, or a JSON array of raw records.
 * The input may be text, bytes (gzip is recognised by its magic bytes) or JSON already parsed.
 * Nothing in the input makes this throw: an item that yields no usable record is in `rejected`, with
 * its position in the input's list of items (0 for an input that holds one item or cannot be read).
 */
export function parseRecords(input: string | Buffer | unknown): ParsedRecords {
  const decoded = decode(input);
  if ('reason' in decoded) return { records: [], rejected: [{ index: 0, reason: decoded.reason }] };
  const items = itemsOf(decoded.value);
  if ('reason' in items) return { records: [], rejected: [{ index: 0, reason: items.reason }] };

  const parsed: ParsedRecords = { records: [], rejected: [] };
  items.list.forEach((item, index) => {
    const unwrapped = unwrap(item);
    const result = 'reason' in unwrapped ? unwrapped : readRecord(unwrapped.value);
    if ('reason' in result) parsed.rejected.push({ index, reason: result.reason });
    else parsed.records.push(result.record);
  });
  return parsed;
}

type Outcome<T> = T | { reason: string };

const GZIP_MAGIC = [0x1f, 0x8b];

function decode(input: unknown): Outcome<{ value: unknown }> {
  if (input instanceof Uint8Array) {
    let bytes = input;
    if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
      try {
        // Bounded by the longest string V8 can hold, so a gzip bomb is a reason, not a crash.
        bytes = gunzipSync(bytes, { maxOutputLength: constants.MAX_STRING_LENGTH });
      } catch (error) {
        return { reason: `not a readable gzip file: ${messageOf(error)}` };
      }
    }
    // UTF-8 never takes fewer bytes than the string it decodes to has characters.
    if (bytes.byteLength > constants.MAX_STRING_LENGTH) {
      return { reason: `too large to read at once: ${bytes.byteLength} bytes` };
    }
    return parseJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  }
  if (typeof input === 'string') return parseJson(input);
  return { value: input };
}

function parseJson(text: string): Outcome<{ value: unknown }> {
  // A byte order mark is what editors on Windows leave at the start of a saved file.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { reason: 'empty input' };
  try {
    return { value: JSON.parse(body) };
  } catch (error) {
    return { reason: `not valid JSON: ${messageOf(error)}` };
  }
}

/** The list of items the input holds: a log file's Records, a LookupEvents page's Events, an array, or the input alone. */
function itemsOf(value: unknown): Outcome<{ list: unknown[] }> {
  if (Array.isArray(value)) return { list: value };
  if (isJsonObject(value)) {
    for (const key of ['Records', 'Events']) {
      if (key in value) {
        const list = value[key];
        return Array.isArray(list) ? { list } : { reason: `${key} is ${describeValue(list)}, not an array` };
      }
    }
  }
  return { list: [value] };
}

const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

/** The raw record an item carries: itself, a LookupEvents item's CloudTrailEvent, or an EventBridge event's detail. */
function unwrap(item: unknown): Outcome<{ value: unknown }> {
  if (!isJsonObject(item)) return { value: item };
  if ('CloudTrailEvent' in item || 'EventId' in item) {
    const event = item.CloudTrailEvent;
    if (event === undefined || event === null)
      return { reason: 'LookupEvents item without a CloudTrailEvent' };
    if (isJsonObject(event)) return { value: event };
    if (typeof event !== 'string')
      return { reason: `CloudTrailEvent is ${describeValue(event)}, not a JSON string` };
    try {
      return { value: JSON.parse(event) };
    } catch (error) {
      return { reason: `CloudTrailEvent is not valid JSON: ${messageOf(error)}` };
    }
  }
  if ('detail-type' in item) {
    const detailType = item['detail-type'];
    // "AWS API Call", "AWS Console Sign In", "AWS Service Event" ... "via CloudTrail" all carry a record.
    if (typeof detailType === 'string' && CLOUDTRAIL_DETAIL_TYPE.test(detailType)) {
      return { value: item.detail };
    }
    return { reason: `EventBridge event of type ${JSON.stringify(detailType)} carries no CloudTrail record` };
  }
  return { value: item };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
