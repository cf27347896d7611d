import {
  type AdvancedEventSelector,
  type AdvancedFieldSelector,
  CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { trailCoverage } from '../../shared/activity/trail-status.js';

const ACCOUNT = '123456789012';
const arn = (region: string, name: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${name}`;

const cloudtrail = new CloudTrailClient({ region: 'eu-west-1' });
const mock = mockClient(cloudtrail);

interface FakeTrail {
  name: string;
  home: string;
  multiRegion?: boolean;
  logging?: boolean;
  selectors?: EventSelector[];
  advanced?: AdvancedEventSelector[];
}

/** The CloudTrail console's default: one selector, reads and writes, management events. */
const ALL_MANAGEMENT: EventSelector[] = [
  { ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] },
];

/** DescribeTrails lists the trails (shadow ones too); status and selectors answer to the ARN. */
function serve(trails: FakeTrail[]) {
  const listed: Trail[] = trails.map((t) => ({
    Name: t.name,
    TrailARN: arn(t.home, t.name),
    HomeRegion: t.home,
    IsMultiRegionTrail: t.multiRegion ?? false,
  }));
  mock.on(DescribeTrailsCommand).resolves({ trailList: listed });
  for (const t of trails) {
    mock.on(GetTrailStatusCommand, { Name: arn(t.home, t.name) }).resolves({ IsLogging: t.logging ?? true });
    mock
      .on(GetEventSelectorsCommand, { TrailName: arn(t.home, t.name) })
      .resolves(
        t.advanced
          ? { TrailARN: arn(t.home, t.name), AdvancedEventSelectors: t.advanced }
          : { TrailARN: arn(t.home, t.name), EventSelectors: t.selectors ?? ALL_MANAGEMENT },
      );
  }
}

const management = (...more: AdvancedFieldSelector[]): AdvancedEventSelector => ({
  Name: 'management',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, ...more],
});

const denied = () => Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });

beforeEach(() => mock.reset());

describe('trailCoverage', () => {
  it('covers a region with a multi-region trail from another region logging all management events', async () => {
    serve([{ name: 'org-audit', home: 'us-east-1', multiRegion: true }]);

    expect(await trailCoverage(cloudtrail, 'eu-west-1')).toEqual({
      logging: true,
      trails: [
        {
          name: 'org-audit',
          arn: arn('us-east-1', 'org-audit'),
          isLogging: true,
          multiRegion: true,
          managementEvents: 'all',
        },
      ],
    });
    expect(mock).toHaveReceivedCommandWith(DescribeTrailsCommand, { includeShadowTrails: true });
    // A shadow trail is found only by its ARN.
    expect(mock).toHaveReceivedCommandWith(GetTrailStatusCommand, { Name: arn('us-east-1', 'org-audit') });
  });

  it('does not cover a region whose only trail is stopped', async () => {
    serve([{ name: 'main', home: 'eu-west-1', logging: false }]);
    const coverage = await trailCoverage(cloudtrail, 'eu-west-1');
    expect(coverage.logging).toBe(false);
    expect(coverage.trails[0]).toMatchObject({ isLogging: false, managementEvents: 'all' });
    expect(coverage.problem).toBe(
      'no trail logs read-only management events in eu-west-1 (main: stopped, management events all)',
    );
  });

  it('does not cover a region whose trail records write-only management events', async () => {
    serve([{ name: 'writes', home: 'eu-west-1', selectors: [{ ReadWriteType: 'WriteOnly' }] }]);
    const coverage = await trailCoverage(cloudtrail, 'eu-west-1');
    expect(coverage.logging).toBe(false);
    expect(coverage.trails[0]?.managementEvents).toBe('writeOnly');
    expect(coverage.problem).toContain('writes: logging, management events writeOnly');
  });

  it('does not cover a region whose advanced selectors keep only readOnly=false management events', async () => {
    serve([
      { name: 'adv', home: 'eu-west-1', advanced: [management({ Field: 'readOnly', Equals: ['false'] })] },
    ]);
    const coverage = await trailCoverage(cloudtrail, 'eu-west-1');
    expect(coverage.logging).toBe(false);
    expect(coverage.trails[0]?.managementEvents).toBe('writeOnly');
  });

  it('reads what classic and advanced selectors record', async () => {
    const cases: [Omit<FakeTrail, 'name' | 'home'>, string][] = [
      [{ selectors: [{ ReadWriteType: 'ReadOnly' }] }, 'readOnly'],
      // The defaults: all management events.
      [{ selectors: [{}] }, 'all'],
      [{ selectors: [{ ReadWriteType: 'All', IncludeManagementEvents: false }] }, 'none'],
      [{ selectors: [{ ReadWriteType: 'ReadOnly' }, { ReadWriteType: 'WriteOnly' }] }, 'all'],
      [{ selectors: [{ ExcludeManagementEventSources: ['kms.amazonaws.com'] }] }, 'all'],
      [{ selectors: [] }, 'none'],
      [{ advanced: [management()] }, 'all'],
      [{ advanced: [management({ Field: 'readOnly', Equals: ['true'] })] }, 'readOnly'],
      [{ advanced: [management({ Field: 'eventSource', NotEquals: ['kms.amazonaws.com'] })] }, 'all'],
      [{ advanced: [management({ Field: 'eventSource', NotEquals: ['sts.amazonaws.com'] })] }, 'writeOnly'],
      [
        {
          advanced: [
            management({ Field: 'readOnly', Equals: ['true'] }),
            management({ Field: 'readOnly', Equals: ['false'] }),
          ],
        },
        'all',
      ],
      // Data events only.
      [
        {
          advanced: [
            {
              FieldSelectors: [
                { Field: 'eventCategory', Equals: ['Data'] },
                { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              ],
            },
          ],
        },
        'none',
      ],
      // Only some callers' events: AssumeRoleWithWebIdentity by others would be missed.
      [{ advanced: [management({ Field: 'userIdentity.arn', StartsWith: ['arn:aws:iam::'] })] }, 'none'],
    ];
    for (const [selectors, expected] of cases) {
      mock.reset();
      serve([{ name: 't', home: 'eu-west-1', ...selectors }]);
      const coverage = await trailCoverage(cloudtrail, 'eu-west-1');
      expect([selectors, coverage.trails[0]?.managementEvents]).toEqual([selectors, expected]);
      expect(coverage.logging).toBe(expected === 'all' || expected === 'readOnly');
    }
  });

  it('ignores a single-region trail of another region', async () => {
    serve([{ name: 'elsewhere', home: 'us-west-2' }]);
    expect(await trailCoverage(cloudtrail, 'eu-west-1')).toEqual({
      logging: false,
      trails: [],
      problem: 'no trail logs eu-west-1',
    });
  });

  it('is covered when any applying trail is, whatever the others do', async () => {
    serve([
      { name: 'stopped', home: 'eu-west-1', logging: false },
      { name: 'writes', home: 'eu-west-1', selectors: [{ ReadWriteType: 'WriteOnly' }] },
      { name: 'org', home: 'us-east-1', multiRegion: true },
    ]);
    const coverage = await trailCoverage(cloudtrail, 'eu-west-1');
    expect(coverage.logging).toBe(true);
    expect(coverage.trails.map((t) => t.name)).toEqual(['stopped', 'writes', 'org']);
    expect(coverage.problem).toBeUndefined();
  });

  it('names the missing permission when DescribeTrails is denied', async () => {
    mock.on(DescribeTrailsCommand).rejects(denied());
    expect(await trailCoverage(cloudtrail, 'eu-west-1')).toEqual({
      logging: false,
      trails: [],
      problem: expect.stringContaining(
        'cloudtrail:DescribeTrails denied on region eu-west-1: grant cloudtrail:DescribeTrails',
      ),
    });
  });

  it('names the missing permission for a trail it cannot read, and still judges by the others', async () => {
    serve([
      { name: 'locked', home: 'eu-west-1' },
      { name: 'org', home: 'us-east-1', multiRegion: true },
    ]);
    mock.on(GetEventSelectorsCommand, { TrailName: arn('eu-west-1', 'locked') }).rejects(denied());

    const coverage = await trailCoverage(cloudtrail, 'eu-west-1');

    expect(coverage.logging).toBe(true);
    expect(coverage.trails.map((t) => t.name)).toEqual(['org']);
    expect(coverage.problem).toMatch(
      /^cloudtrail:GetEventSelectors denied on trail locked: grant cloudtrail:GetEventSelectors/,
    );
  });

  it('says when no trail could be read', async () => {
    serve([{ name: 'locked', home: 'eu-west-1' }]);
    mock.on(GetTrailStatusCommand).rejects(denied());
    const coverage = await trailCoverage(cloudtrail, 'eu-west-1');
    expect(coverage.logging).toBe(false);
    expect(coverage.problem).toMatch(
      /^no trail of eu-west-1 could be read; cloudtrail:GetTrailStatus denied on trail locked: grant cloudtrail:GetTrailStatus/,
    );
  });
});
