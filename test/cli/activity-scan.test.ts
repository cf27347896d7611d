import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../cli/commands/activity.js';
import { scanActivity } from '../../cli/commands/activity-live.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import { MemoryStore } from '../support/memory-store.js';

const record = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../fixtures/cloudtrail/arwwi_github_success_ccbrown-cloud-snitch.json'),
    'utf8',
  ),
) as Record<string, unknown>;

describe('trustwatch activity', () => {
  it('reads LookupEvents in each region and reports subjects a role never saw', async () => {
    const cloudtrail = mockClient(CloudTrailClient);
    const sts = mockClient(STSClient);
    const iam = mockClient(IAMClient);
    try {
      sts.on(GetCallerIdentityCommand).resolves({ Account: '774305579662' });
      cloudtrail
        .on(LookupEventsCommand)
        .resolves({ Events: [{ EventId: 'e1', CloudTrailEvent: JSON.stringify(record) }] });
      iam.on(GetRoleCommand).resolves({});
      iam.on(ListAttachedRolePoliciesCommand).resolves({});
      iam.on(ListRolePoliciesCommand).resolves({});
      const run = await scanActivity({
        regions: ['us-east-1', 'eu-west-1'],
        hours: 24,
        config: DEFAULT_CONFIG,
        store: new MemoryStore(),
        prefix: 'trustwatch',
      });
      // The same event in both regions' answers is handled once.
      expect(run.findings.map((f) => [f.finding.ruleId, f.finding.evidence.subject])).toEqual([
        ['activity.novel-subject', 'repo:ccbrown/cloud-snitch:ref:refs/heads/main'],
      ]);
      expect(cloudtrail.commandCalls(LookupEventsCommand)[0]?.args[0].input.LookupAttributes).toEqual([
        { AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithWebIdentity' },
      ]);
    } finally {
      cloudtrail.restore();
      sts.restore();
      iam.restore();
    }
  });
  it('takes durations people write', () => {
    expect(parseSince('24h')).toBe(24);
    expect(parseSince('7d')).toBe(168);
    expect(parseSince('90m')).toBe(1.5);
    expect(() => parseSince('yesterday')).toThrow(/90m, 24h or 7d/);
    expect(() => parseSince('100d')).toThrow(/90 days/);
  });
});
