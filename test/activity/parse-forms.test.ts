import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { cloudtrailFixture, cloudtrailJson } from './cloudtrail-fixtures.js';

type Raw = Record<string, unknown>;

const github = cloudtrailJson('arwwi_github_success_ccbrown-cloud-snitch.json') as Raw;
const adminUser = cloudtrailJson('stratus_aws.persistence.iam-create-admin-user.json') as Raw[];
const ids = (input: unknown) => parseRecords(input).records.map((r) => r.eventId);
const adminIds = adminUser.map((r) => r.eventID);

/** A LookupEvents item as the API returns it: a summary, and the record as a JSON string. */
function lookupItem(record: Raw, eventTime: unknown = new Date(String(record.eventTime))) {
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly),
    EventTime: eventTime,
    EventSource: record.eventSource,
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  };
}

describe('parseRecords reads every form a user meets', () => {
  it('a LookupEvents page from the SDK, with the summary fields it does not need', () => {
    const page = {
      $metadata: { httpStatusCode: 200 },
      Events: adminUser.map((r) => lookupItem(r)),
      NextToken: 'n',
    };
    expect(ids(page)).toEqual(adminIds);
  });

  it('`aws cloudtrail lookup-events` output, as text, with the CLI printing local times', () => {
    const output = JSON.stringify(
      { Events: [lookupItem(github, '2025-04-15T19:46:56-07:00')], NextToken: 'n' },
      null,
      4,
    );
    const { records, rejected } = parseRecords(output);
    expect(rejected).toEqual([]);
    expect(records).toMatchObject([{ eventId: github.eventID, eventTime: '2025-04-16T02:46:56.000Z' }]);
    // The record itself, not the summary, is what the model keeps as evidence.
    expect(records[0]?.raw).toEqual(github);
  });

  it('a bare array of LookupEvents items, and an item whose CloudTrailEvent a tool already decoded', () => {
    expect(ids(adminUser.map((r) => lookupItem(r)))).toEqual(adminIds);
    expect(ids({ ...lookupItem(github), CloudTrailEvent: github })).toEqual([github.eventID]);
  });

  it('a CloudTrail log file from S3, gzipped as CloudTrail writes it or not, as bytes or text', () => {
    const logFile = JSON.stringify({ Records: adminUser });
    expect(ids(gzipSync(logFile))).toEqual(adminIds);
    expect(ids(Buffer.from(logFile))).toEqual(adminIds);
    expect(ids(new Uint8Array(gzipSync(logFile)))).toEqual(adminIds);
    expect(ids(logFile)).toEqual(adminIds);
  });

  it('an EventBridge event, alone or in an array, and any "... via CloudTrail" detail type', () => {
    const envelope = cloudtrailJson(
      'eventbridge_envelope_sts_GetCallerIdentity_curbengh-splunk-scripts.json',
    ) as Raw;
    const signIn = { ...envelope, 'detail-type': 'AWS Console Sign In via CloudTrail', detail: github };
    expect(ids(envelope)).toEqual(['uuid']);
    expect(ids(JSON.stringify([envelope, signIn]))).toEqual(['uuid', github.eventID]);
  });

  it('an EventBridge event that is not a CloudTrail record is set aside, the others are read', () => {
    const envelope = cloudtrailJson(
      'eventbridge_envelope_sts_GetCallerIdentity_curbengh-splunk-scripts.json',
    ) as Raw;
    const schedule = {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      detail: {},
    };
    expect(parseRecords([schedule, envelope])).toMatchObject({
      records: [{ eventId: 'uuid' }],
      rejected: [
        { index: 0, reason: 'EventBridge event of type "Scheduled Event" carries no CloudTrail record' },
      ],
    });
  });

  it('a single raw record, as text (tab-indented as published) or parsed, and a JSON array of records', () => {
    expect(ids(cloudtrailFixture('arwwi_github_success_ccbrown-cloud-snitch.json'))).toEqual([
      github.eventID,
    ]);
    expect(ids(github)).toEqual([github.eventID]);
    expect(ids(cloudtrailFixture('stratus_aws.persistence.iam-create-admin-user.json'))).toEqual(adminIds);
  });

  it('text that starts with a byte order mark', () => {
    expect(ids(`\uFEFF${JSON.stringify(github)}`)).toEqual([github.eventID]);
  });
});
