import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { readRecordStream } from '../../shared/activity/read-stream.js';
import type { ParsedRecords } from '../../shared/activity/record.js';
import { cloudtrailJson } from './cloudtrail-fixtures.js';

type Raw = Record<string, unknown>;

const github = cloudtrailJson('arwwi_github_success_ccbrown-cloud-snitch.json') as Raw;
const adminUser = cloudtrailJson('stratus_aws.persistence.iam-create-admin-user.json') as Raw[];
const records = [github, ...adminUser];
const allIds = records.map((r) => r.eventID);
const [first, second, ...rest] = records as [Raw, Raw, ...Raw[]];

const logFile = (list: Raw[]) => ({ Records: list });
const ndjson = (values: unknown[]) => `${values.map((v) => JSON.stringify(v)).join('\n')}\n`;
const eventBridge = (record: Raw) => ({
  version: '0',
  id: `eb-${String(record.eventID)}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: `aws.${String(record.eventSource).split('.')[0]}`,
  account: '111122223333',
  time: record.eventTime,
  region: 'us-east-1',
  resources: [],
  detail: record,
});
const dataMessage = (list: Raw[], messageType = 'DATA_MESSAGE') => ({
  messageType,
  owner: '111122223333',
  logGroup: 'aws-cloudtrail-logs-111122223333',
  logStream: '111122223333_CloudTrail_us-east-1',
  subscriptionFilters: ['trustwatch'],
  logEvents: list.map((r, i) => ({ id: `${i}`, timestamp: 1744771616000 + i, message: JSON.stringify(r) })),
});

/** Reads bytes through the stream reader in chunks of `size` bytes, as ParsedRecords. */
async function streamed(bytes: Buffer, size: number): Promise<ParsedRecords> {
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }
  const parsed: ParsedRecords = { records: [], rejected: [] };
  for await (const batch of readRecordStream(chunks())) {
    for (const outcome of batch) {
      if ('record' in outcome) parsed.records.push(outcome.record);
      else parsed.rejected.push({ index: outcome.index, reason: outcome.reason });
    }
  }
  return parsed;
}

/** What every reader makes of the bytes: parseRecords at once, and the stream reader in small and large chunks. */
async function readEveryWay(bytes: Buffer): Promise<ParsedRecords> {
  const whole = parseRecords(bytes);
  for (const size of [1, 7, 4096]) {
    const parsed = await streamed(bytes, size);
    expect(parsed.rejected).toEqual(whole.rejected);
    expect(parsed.records.map((r) => r.eventId)).toEqual(whole.records.map((r) => r.eventId));
  }
  return whole;
}

const idsOf = async (bytes: Buffer) => (await readEveryWay(bytes)).records.map((r) => r.eventId);

describe('every shape CloudTrail reaches a user in, read at once or streamed', () => {
  it('newline-delimited records (Firehose, Logstash), plain and gzipped, with CRLF line ends too', async () => {
    const text = ndjson(records);
    expect(await idsOf(Buffer.from(text))).toEqual(allIds);
    expect(await idsOf(gzipSync(text))).toEqual(allIds);
    expect(await idsOf(Buffer.from(text.replaceAll('\n', '\r\n')))).toEqual(allIds);
  });

  it('newline-delimited EventBridge events and LookupEvents items', async () => {
    const lookup = (r: Raw) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) });
    expect(await idsOf(Buffer.from(ndjson([eventBridge(first), lookup(second)])))).toEqual([
      first.eventID,
      second.eventID,
    ]);
  });

  it('one bad line of NDJSON is set aside and the lines after it are read', async () => {
    const text = `${JSON.stringify(first)}\n{"eventID": oops}\n${JSON.stringify(second)}\n`;
    const parsed = await readEveryWay(Buffer.from(text));
    expect(parsed.records.map((r) => r.eventId)).toEqual([first.eventID, second.eventID]);
    expect(parsed.rejected).toEqual([
      { index: 1, reason: expect.stringMatching(/^not valid JSON: .*position/) },
    ]);
  });

  it('log files from S3 concatenated, as text and as gzip members one after another', async () => {
    const a = JSON.stringify(logFile([first, second]));
    const b = JSON.stringify(logFile(rest));
    expect(await idsOf(Buffer.from(a + b))).toEqual(allIds);
    expect(await idsOf(Buffer.from(`${a}\n${b}\n`))).toEqual(allIds);
    expect(await idsOf(Buffer.concat([gzipSync(a), gzipSync(b)]))).toEqual(allIds);
  });

  it('an array of log files (jq -s) and an array of LookupEvents pages', async () => {
    const files = [logFile([first]), logFile([second, ...rest])];
    expect(await idsOf(Buffer.from(JSON.stringify(files, null, 2)))).toEqual(allIds);
    const page = (list: Raw[]) => ({
      Events: list.map((r) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) })),
      NextToken: 'n',
    });
    expect(await idsOf(Buffer.from(JSON.stringify([page([first, second]), page(rest)])))).toEqual(allIds);
  });

  it('the Lambda event of a CloudWatch Logs subscription, and its decoded DATA_MESSAGE', async () => {
    const data = gzipSync(JSON.stringify(dataMessage(records))).toString('base64');
    expect(await idsOf(Buffer.from(JSON.stringify({ awslogs: { data } })))).toEqual(allIds);
    expect(await idsOf(Buffer.from(JSON.stringify(dataMessage(records))))).toEqual(allIds);
    expect(parseRecords({ awslogs: { data } }).records.map((r) => r.eventId)).toEqual(allIds);
  });

  it('sets a CloudWatch Logs CONTROL_MESSAGE aside, saying what it is', async () => {
    const control = {
      ...dataMessage([]),
      messageType: 'CONTROL_MESSAGE',
      logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination' }],
    };
    const data = gzipSync(JSON.stringify(control)).toString('base64');
    const parsed = await readEveryWay(Buffer.from(JSON.stringify({ awslogs: { data } })));
    expect(parsed).toEqual({
      records: [],
      rejected: [{ index: 0, reason: expect.stringMatching(/^a CloudWatch Logs CONTROL_MESSAGE/) }],
    });
  });

  it('EventBridge events delivered through SQS (Records[].body)', async () => {
    const message = (r: Raw, i: number) => ({
      messageId: `m-${i}`,
      receiptHandle: 'AQEB',
      body: JSON.stringify(eventBridge(r)),
      attributes: { ApproximateReceiveCount: '1' },
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:111122223333:trustwatch',
      awsRegion: 'us-east-1',
    });
    expect(await idsOf(Buffer.from(JSON.stringify({ Records: records.map(message) })))).toEqual(allIds);
  });

  it('CloudTrail Lake get-query-results output, structures in JSON or in Lake notation', async () => {
    const results = {
      QueryStatus: 'FINISHED',
      QueryStatistics: { ResultsCount: 2, TotalResultsCount: 2, BytesScanned: 4096 },
      QueryResultRows: [
        [
          { eventVersion: '1.08' },
          {
            userIdentity:
              '{type=WebIdentityUser, principalid=arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:octo/app:ref:refs/heads/main, arn=null, accountid=null, accesskeyid=null, username=repo:octo/app:ref:refs/heads/main, sessioncontext=null, invokedby=null, identityprovider=arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com}',
          },
          { eventTime: '2025-04-16 02:46:56.000' },
          { eventSource: 'sts.amazonaws.com' },
          { eventName: 'AssumeRoleWithWebIdentity' },
          { awsRegion: 'us-east-1' },
          {
            requestParameters:
              '{roleArn=arn:aws:iam::111122223333:role/deploy, roleSessionName=GitHubActions}',
          },
          { eventID: 'lake-1' },
          { readOnly: 'true' },
          { recipientAccountId: '111122223333' },
        ],
        [
          { eventID: 'lake-2' },
          { eventName: 'CreateAccessKey' },
          { eventSource: 'iam.amazonaws.com' },
          { eventTime: '2025-04-16 03:00:00.000' },
          { userIdentity: '{"type":"IAMUser","userName":"alice"}' },
        ],
      ],
    };
    const parsed = await readEveryWay(Buffer.from(JSON.stringify(results)));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.records).toMatchObject([
      {
        eventId: 'lake-1',
        eventTime: '2025-04-16T02:46:56.000Z',
        readOnly: true,
        account: '111122223333',
        actor: {
          type: 'WebIdentityUser',
          userName: 'repo:octo/app:ref:refs/heads/main',
          identityProvider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
        requestParameters: {
          roleArn: 'arn:aws:iam::111122223333:role/deploy',
          roleSessionName: 'GitHubActions',
        },
      },
      { eventId: 'lake-2', actor: { type: 'IAMUser', userName: 'alice' } },
    ]);
  });

  it('UTF-16 with a byte order mark, little and big endian (PowerShell >), and UTF-8 with one', async () => {
    const text = JSON.stringify(logFile(records), null, 2);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    expect(await idsOf(le)).toEqual(allIds);
    expect(await idsOf(be)).toEqual(allIds);
    expect(await idsOf(gzipSync(le))).toEqual(allIds);
    expect(await idsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual(allIds);
  });

  it('keeps characters beyond ASCII whole across chunk boundaries', async () => {
    const named = { ...first, eventID: 'ünïcødé-🔑', userAgent: 'Zürich/東京' };
    const [record] = (await readEveryWay(Buffer.from(JSON.stringify(logFile([named]))))).records;
    expect(record).toMatchObject({ eventId: 'ünïcødé-🔑', userAgent: 'Zürich/東京' });
  });

  it('finds where strings end across chunk boundaries, whatever backslashes and quotes they hold', async () => {
    const tricky = [
      'say \\"hi\\"',
      'ends in a backslash \\',
      '\\\\\\"',
      'braces } ] { [ and "quotes"',
      '\\u0022',
    ];
    const list = tricky.map((userAgent, i) => ({ ...first, eventID: `e-${i}`, userAgent }));
    const parsed = await readEveryWay(Buffer.from(JSON.stringify(logFile(list))));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.records.map((r) => r.userAgent)).toEqual(tricky);
  });

  it('names a digest file as one', async () => {
    const digest = {
      awsAccountId: '111122223333',
      digestStartTime: '2025-04-16T01:00:00Z',
      digestEndTime: '2025-04-16T02:00:00Z',
      digestS3Bucket: 'trail-bucket',
      digestS3Object: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/04/16/x.json.gz',
      digestPublicKeyFingerprint: 'abc',
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: '2025-04-16T01:59:00Z',
      oldestEventTime: '2025-04-16T01:00:00Z',
      previousDigestS3Bucket: null,
      previousDigestS3Object: null,
      previousDigestHashValue: null,
      previousDigestHashAlgorithm: null,
      previousDigestSignature: null,
      logFiles: [],
    };
    expect((await readEveryWay(gzipSync(JSON.stringify(digest)))).rejected).toEqual([
      { index: 0, reason: expect.stringMatching(/^a CloudTrail digest file/) },
    ]);
  });

  it('says what top-level shape it saw when it knows no such wrapper', async () => {
    const parsed = await readEveryWay(Buffer.from(JSON.stringify({ hits: { total: 1, hits: [github] } })));
    expect(parsed.rejected).toEqual([
      {
        index: 0,
        reason: 'not a CloudTrail record or a known wrapper of records: an object with members "hits"',
      },
    ]);
  });

  it('reads the records of a truncated stream up to the break, then says where it broke', async () => {
    const text = JSON.stringify(logFile(records));
    const cut = Buffer.from(text.slice(0, text.length - 100));
    const parsed = await readEveryWay(cut);
    expect(parsed.records.map((r) => r.eventId)).toEqual(allIds.slice(0, -1));
    expect(parsed.rejected).toEqual([
      {
        index: records.length - 1,
        reason: expect.stringMatching(/^not valid JSON: the input ends inside a value/),
      },
    ]);
  });

  it('reads what a truncated gzip stream held, then says it is not readable', async () => {
    const gz = gzipSync(ndjson(Array.from({ length: 2000 }, (_, i) => ({ ...first, eventID: `e-${i}` }))));
    const parsed = await streamed(gz.subarray(0, gz.length - 20), 4096);
    expect(parsed.records.length).toBeGreaterThan(1000);
    expect(parsed.rejected).toEqual([
      { index: parsed.records.length, reason: expect.stringMatching(/^not a readable gzip file: /) },
    ]);
  });

  it('sets aside a value that does not start as an object or an array', async () => {
    expect((await readEveryWay(Buffer.from('hello'))).rejected).toEqual([
      { index: 0, reason: 'not valid JSON: expected an object or an array at position 0, found "h"' },
    ]);
  });
});
