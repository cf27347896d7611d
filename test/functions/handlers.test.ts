import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { activityScanHandler } from '../../functions/activity-scan/handler.js';
import { iamEventHandler } from '../../functions/iam-event/handler.js';
import { snapshotReader } from '../../shared/activity/account-reader.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { MemoryStore } from '../support/memory-store.js';
import { sampleAccount } from '../support/sample-account.js';
import { sampleSettings, silentLogger } from './sample-settings.js';

const { snapshot } = sampleAccount();
const settings = sampleSettings();
const logger = silentLogger();
const sent: AlertMessage[] = [];
const publish = async (m: AlertMessage) => sent.push(m);
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${snapshot.account}:function:trustwatch-test`,
};
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/cloudtrail', name), 'utf8')) as Record<
    string,
    unknown
  >;

/** A GitHub AssumeRoleWithWebIdentity of a role of the sample account, from the real cloud-snitch record. */
function githubAssumption(): Record<string, unknown> {
  const record = fixture('arwwi_github_success_ccbrown-cloud-snitch.json');
  const subject = 'repo:acme-corp/payments:environment:staging';
  return {
    ...record,
    recipientAccountId: snapshot.account,
    eventTime: '2026-11-02T08:00:00Z',
    userIdentity: { ...(record.userIdentity as object), userName: subject },
    requestParameters: {
      roleArn: `arn:aws:iam::${snapshot.account}:role/gh-deploy-payments-prod`,
      roleSessionName: 'GitHubActions',
    },
  };
}
const envelope = (detail: object) => ({
  version: '0',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.sts',
  detail,
});

const cloudtrail = mockClient(CloudTrailClient);
beforeEach(() => {
  cloudtrail.reset();
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [
      {
        Name: 'org',
        TrailARN: 'arn:aws:cloudtrail:us-east-1:1:trail/org',
        IsMultiRegionTrail: true,
        HomeRegion: 'us-east-1',
      },
    ],
  });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudtrail
    .on(GetEventSelectorsCommand)
    .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
});

/** A logger that keeps what it is asked to log, and metrics that keep what they count. */
function recording() {
  const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      logged.push({ level, message, fields });
  const logger = { ...silentLogger(), info: log('info'), warn: log('warn'), error: log('error') };
  const counted: Record<string, number> = {};
  const metrics = {
    addMetric: (name: string, _unit: unknown, value: number) => {
      counted[name] = (counted[name] ?? 0) + value;
    },
  };
  return { logged, counted, logger: logger as unknown as Logger, metrics };
}

/** The iam-event handler on an empty store, with a recording logger and metrics. */
function recordingHandler() {
  const store = new MemoryStore();
  const { logged, counted, logger, metrics } = recording();
  const handle = iamEventHandler({
    settings,
    reader: snapshotReader(snapshot),
    store,
    logger,
    publish,
    metrics,
  });
  return { store, logged, counted, handle };
}

/** A real UpdateAssumeRolePolicy record, about a role of the sample account. */
const roleChange = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...fixture('elastic-integrations_update-assume-role-policy.json'),
  requestParameters: { roleName: 'gh-deploy-web-prod' },
  ...extra,
});

const metrics = { addMetric: () => {} };

describe('iam-event function', () => {
  it('turns an EventBridge IAM event into saved findings about the changed role', async () => {
    const { handle } = recordingHandler();
    const record = roleChange();
    const result = await handle({ ...envelope(record), source: 'aws.iam' }, context);
    expect(result.records).toBe(1);
    expect(result.findings.find((f) => f.ruleId === 'drift.trust-wider')?.outcome).toBe('opened');
    // Alerted once, at or above the lowest channel minimum (Slack: medium by default).
    const alerts = () => sent.filter((m) => m.kind === 'alert' && m.finding.ruleId === 'drift.trust-wider');
    expect(alerts()).toHaveLength(1);
    const again = await handle({ ...envelope(record), source: 'aws.iam' }, context);
    expect(again.findings.every((f) => f.outcome === 'updated')).toBe(true);
    expect(alerts()).toHaveLength(1);
  });

  it('sends an event it cannot use to the failures queue, traceable, after saving the usable ones', async () => {
    const { store, logged, counted, handle } = recordingHandler();
    const record = roleChange();
    const { eventTime: _dropped, ...unusable } = record;
    const broken = { ...envelope(unusable), id: 'eb-7f3a', source: 'aws.iam' };
    const good = { ...envelope(record), id: 'eb-0001', source: 'aws.iam' };
    // EventBridge delivers one event an invocation; a list of them (a replay) holds both kinds.
    await expect(handle([good, broken], context)).rejects.toThrow(/eb-7f3a.*no eventTime/);
    expect([...store.findings.values()].map((f) => f.ruleId)).toContain('drift.trust-wider');
    const error = logged.find((l) => l.level === 'error');
    expect(error?.fields).toMatchObject({
      source: 'aws.iam',
      detailType: 'AWS API Call via CloudTrail',
      reason: 'no eventTime',
    });
    await expect(handle(broken, context)).rejects.toThrow(/UnusableEvent|eb-7f3a/);
    const alone = logged.filter((l) => l.level === 'error').at(-1)?.fields;
    expect(alone).toMatchObject({
      id: 'eb-7f3a',
      source: 'aws.iam',
      detailType: 'AWS API Call via CloudTrail',
      eventID: record.eventID,
      requestID: record.requestID,
    });
    expect(counted.UnusableEvents).toBe(2);
  });

  it('leaves the state as it was for an event no watch is about, and logs its ids', async () => {
    const { store, logged, handle } = recordingHandler();
    const unrelated = roleChange({
      eventSource: 's3.amazonaws.com',
      eventName: 'GetBucketAcl',
      requestParameters: { bucketName: 'logs' },
    });
    const result = await handle({ ...envelope(unrelated), id: 'eb-s3', source: 'aws.s3' }, context);
    expect(result).toMatchObject({ records: 1, rejected: 0, findings: [] });
    expect(store.findings.size + store.claims.size + store.checkpoints.size).toBe(0);
    expect(await store.assumptions('2000-01-01', '2100-01-01')).toEqual([]);
    expect(logged.find((l) => l.message === 'events processed')?.fields).toMatchObject({
      id: 'eb-s3',
      source: 'aws.s3',
      eventID: unrelated.eventID,
    });
  });
});

describe('one count per assumption, whichever path delivers it', () => {
  const record = githubAssumption();
  const setup = () => {
    const store = new MemoryStore();
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [
        {
          EventId: String(record.eventID),
          EventName: 'AssumeRoleWithWebIdentity',
          CloudTrailEvent: JSON.stringify(record),
        },
      ],
    });
    // What goes to Security Hub, when the export is on.
    const exported: string[][] = [];
    const exportFindings = async (ids: string[]) => void exported.push(ids);
    const deps = { settings, reader: snapshotReader(snapshot), store, logger, publish, exportFindings };
    const live = iamEventHandler({ ...deps, metrics });
    const poll = activityScanHandler({
      ...deps,
      cloudtrail: () => new CloudTrailClient({ region: 'us-east-1' }),
      deadLetter: async () => {},
      sleep: async () => {},
      now: () => new Date('2026-11-02T09:00:00Z'),
    });
    const scheduled = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event' };
    const counts = async () => (await store.assumptions('2026-11-02', '2026-11-02')).map((c) => c.succeeded);
    return { store, live, poll, scheduled, counts, exported };
  };

  it('EventBridge first (the deployed read-only rule), then the scan, then EventBridge again', async () => {
    const { store, live, poll, scheduled, counts, exported } = setup();
    const first = await live(envelope(record), context);
    expect(first.findings.map((f) => [f.ruleId, f.outcome])).toEqual([['activity.novel-subject', 'opened']]);
    expect(exported).toEqual([first.findings.map((f) => f.id)]);
    expect((await poll(scheduled, context)).findings).toEqual([]);
    expect((await live(envelope(record), context)).findings).toEqual([]);
    expect(await counts()).toEqual([1]);
    expect(await store.checkpoint('us-east-1')).toBe('2026-11-02T09:00:00.000Z');
  });

  it('the scan first, then the event forwarded from another region', async () => {
    const { live, poll, scheduled, counts } = setup();
    expect((await poll(scheduled, context)).findings.map((f) => f.ruleId)).toEqual([
      'activity.novel-subject',
    ]);
    expect((await live({ ...envelope(record), region: 'us-west-2' }, context)).findings).toEqual([]);
    expect(await counts()).toEqual([1]);
  });
});

describe('activity-scan function', () => {
  it('looks up calls signed with CI users keys and reports their use from GitHub Actions', async () => {
    const store = new MemoryStore();
    const use = {
      ...fixture('elastic-integrations_create-access-key_event-original.json'),
      eventID: 'key-use-1',
      eventSource: 'ecr.amazonaws.com',
      eventName: 'PutImage',
      recipientAccountId: snapshot.account,
      userAgent: 'aws-sdk-nodejs/2.1112.0 configure-aws-credentials-for-github-actions',
      userIdentity: {
        type: 'IAMUser',
        arn: `arn:aws:iam::${snapshot.account}:user/deploy-bot`,
        userName: 'deploy-bot',
        accessKeyId: 'AKIAEXAMPLEDEPLOYBT1',
      },
    };
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    cloudtrail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAEXAMPLEDEPLOYBT1' }],
      })
      .resolves({ Events: [{ EventId: 'key-use-1', CloudTrailEvent: JSON.stringify(use) }] });
    const exported: { ids: string[]; account: string }[] = [];
    const handle = activityScanHandler({
      settings,
      reader: snapshotReader(snapshot),
      store,
      cloudtrail: () => new CloudTrailClient({ region: 'us-east-1' }),
      logger,
      publish,
      deadLetter: async () => {},
      sleep: async () => {},
      now: () => new Date('2026-11-02T09:00:00Z'),
      exportFindings: async (ids, account) => void exported.push({ ids, account }),
    });
    const result = await handle({ source: 'aws.scheduler' }, context);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['activity.static-key-from-actions']);
    // Saved by the scan itself, not by the record handler: exported all the same.
    expect(exported).toEqual([{ ids: result.findings.map((f) => f.id), account: snapshot.account }]);
  });

  it('reports a region whose trails stopped logging', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const handle = activityScanHandler({
      settings,
      reader: snapshotReader(snapshot),
      store: new MemoryStore(),
      cloudtrail: () => new CloudTrailClient({ region: 'us-east-1' }),
      logger,
      publish,
      deadLetter: async () => {},
      sleep: async () => {},
      now: () => new Date('2026-11-02T09:00:00Z'),
    });
    const result = await handle({ source: 'aws.scheduler' }, context);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['monitor.trail-not-logging']);
  });
});
