import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { cloudtrailFixture, cloudtrailJson } from './cloudtrail-fixtures.js';

type Raw = Record<string, unknown>;

const github = cloudtrailJson('arwwi_github_success_ccbrown-cloud-snitch.json') as Raw;
const reasons = (input: unknown) => parseRecords(input).rejected;

describe('parseRecords on bad input: never a throw, always a reason', () => {
  it('sets aside a truncated file, whole', () => {
    const text = cloudtrailFixture('arwwi_github_success_ccbrown-cloud-snitch.json').toString('utf8');
    expect(parseRecords(text.slice(0, text.length / 2))).toEqual({
      records: [],
      rejected: [{ index: 0, reason: expect.stringMatching(/^not valid JSON: /) }],
    });
  });

  it('sets aside a truncated gzip file', () => {
    const gz = gzipSync(JSON.stringify({ Records: [github] }));
    expect(reasons(gz.subarray(0, gz.length - 20))).toEqual([
      { index: 0, reason: expect.stringMatching(/^not a readable gzip file: /) },
    ]);
  });

  it.each([
    'aws-docs-2023_arwwi_google_example_INVALID-JSON.txt',
    'aws-docs-2023_AssumeRoleWithSAML_example_INVALID-JSON.txt',
    'aws-docs-cloudtrail-userguide_userIdentity_WebIdentityUser_google_fragment.txt',
  ])('sets aside the AWS documentation sample %s, which is not JSON as published', (name) => {
    expect(parseRecords(cloudtrailFixture(name))).toEqual({
      records: [],
      rejected: [{ index: 0, reason: expect.stringMatching(/^not valid JSON: .*position \d+/) }],
    });
  });

  it('sets aside one LookupEvents item whose CloudTrailEvent is cut short, and reads the rest', () => {
    const item = (record: Raw) => ({ EventId: record.eventID, CloudTrailEvent: JSON.stringify(record) });
    const cut = { ...item(github), CloudTrailEvent: JSON.stringify(github).slice(0, 100) };
    const page = {
      Events: [item({ ...github, eventID: 'a' }), cut, { EventId: 'c' }, item({ ...github, eventID: 'd' })],
    };
    expect(parseRecords(page)).toMatchObject({
      records: [{ eventId: 'a' }, { eventId: 'd' }],
      rejected: [
        { index: 1, reason: expect.stringMatching(/^CloudTrailEvent is not valid JSON: /) },
        { index: 2, reason: 'LookupEvents item without a CloudTrailEvent' },
      ],
    });
  });

  it('names what is missing or of the wrong type, by position in the file', () => {
    const { eventID: _, ...noId } = github;
    const records = [
      github,
      noId,
      { ...github, eventName: 42 },
      { ...github, eventSource: '' },
      { ...github, eventTime: 'yesterday' },
      { ...github, eventTime: '2023-02-30T00:00:00Z' },
      null,
      'AssumeRoleWithWebIdentity',
      [github],
    ];
    expect(parseRecords({ Records: records })).toMatchObject({
      records: [{ eventId: github.eventID }],
      rejected: [
        { index: 1, reason: 'no eventID' },
        { index: 2, reason: 'eventName is a number, not a string' },
        { index: 3, reason: 'eventSource is empty' },
        { index: 4, reason: 'eventTime "yesterday" is not a time' },
        { index: 5, reason: 'eventTime "2023-02-30T00:00:00Z" is not a time' },
        { index: 6, reason: 'not a CloudTrail record: null' },
        { index: 7, reason: 'not a CloudTrail record: a string' },
        { index: 8, reason: 'not a CloudTrail record: an array' },
      ],
    });
  });

  it('leaves out optional fields of an unexpected type and keeps the rest of the record', () => {
    const mangled = {
      ...github,
      awsRegion: 42,
      readOnly: 'maybe',
      userIdentity: 'WebIdentityUser',
      requestParameters: ['roleArn'],
      responseElements: 'null',
      errorCode: null,
    };
    const [record] = parseRecords(mangled).records;
    expect(record).toMatchObject({ eventId: github.eventID, userAgent: github.userAgent, actor: {} });
    expect(record?.region).toBeUndefined();
    expect(record?.readOnly).toBeUndefined();
    expect(record?.actor.type).toBeUndefined();
    expect(record?.requestParameters).toBeUndefined();
    expect(record?.responseElements).toBeUndefined();
    expect(record?.errorCode).toBeUndefined();
  });

  it.each([
    ['Records that are not a list', { Records: { eventID: 'x' } }, 'Records is an object, not an array'],
    ['Events that are not a list', { Events: null }, 'Events is null, not an array'],
    ['an empty file', '  \n', 'empty input'],
    ['no input at all', undefined, 'not a CloudTrail record: nothing'],
    ['a number', 42, 'not a CloudTrail record: a number'],
  ])('sets aside %s', (_, input, reason) => {
    expect(parseRecords(input)).toEqual({ records: [], rejected: [{ index: 0, reason }] });
  });

  it('sets aside a CloudTrailEvent that is neither a JSON string nor an object', () => {
    expect(reasons({ CloudTrailEvent: 7 })).toEqual([
      { index: 0, reason: 'CloudTrailEvent is a number, not a JSON string' },
    ]);
  });
});
