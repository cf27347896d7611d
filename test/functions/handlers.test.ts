import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('iam-event function', () => {
  it('turns an EventBridge IAM event into saved findings about the changed role', async () => {
    const store = new MemoryStore();
    const handle = iamEventHandler({ settings, reader: snapshotReader(snapshot), store, logger, publish });
    const record = {
      ...fixture('elastic-integrations_update-assume-role-policy.json'),
      requestParameters: { roleName: 'gh-deploy-web-prod' },
    };
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
});

describe('activity-scan function', () => {
  it('handles an assumption once whether EventBridge or the poller sees it first', async () => {
    const store = new MemoryStore();
    const record = githubAssumption();
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [
        {
          EventId: String(record.eventID),
          EventName: 'AssumeRoleWithWebIdentity',
          CloudTrailEvent: JSON.stringify(record),
        },
      ],
    });
    const handle = activityScanHandler({
      settings,
      reader: snapshotReader(snapshot),
      store,
      cloudtrail: () => new CloudTrailClient({ region: 'us-east-1' }),
      logger,
      publish,
      now: () => new Date('2026-11-02T09:00:00Z'),
    });
    const live = await handle(envelope(record), context);
    expect(live.findings.map((f) => [f.ruleId, f.outcome])).toEqual([['activity.novel-subject', 'opened']]);
    const polled = await handle({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, context);
    expect(polled.findings).toEqual([]);
    const counts = await store.assumptions('2026-11-02', '2026-11-02');
    expect(counts.map((c) => c.succeeded)).toEqual([1]);
    expect(await store.checkpoint('us-east-1')).toBe('2026-11-02T09:00:00.000Z');
  });

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
    const handle = activityScanHandler({
      settings,
      reader: snapshotReader(snapshot),
      store,
      cloudtrail: () => new CloudTrailClient({ region: 'us-east-1' }),
      logger,
      publish,
      now: () => new Date('2026-11-02T09:00:00Z'),
    });
    const result = await handle({ source: 'aws.scheduler' }, context);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['activity.static-key-from-actions']);
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
      now: () => new Date('2026-11-02T09:00:00Z'),
    });
    const result = await handle({ source: 'aws.scheduler' }, context);
    expect(result.findings.map((f) => f.ruleId)).toEqual(['monitor.trail-not-logging']);
  });
});
