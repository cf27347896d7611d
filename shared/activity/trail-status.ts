import {
  type AdvancedEventSelector,
  type AdvancedFieldSelector,
  type CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  type GetEventSelectorsResponse,
  GetTrailStatusCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { describeFailure } from '../inventory/gaps.js';

export type ManagementEvents = 'all' | 'readOnly' | 'writeOnly' | 'none';

export interface TrailState {
  name: string;
  arn: string;
  isLogging: boolean;
  multiRegion: boolean;
  managementEvents: ManagementEvents;
}

export interface TrailCoverage {
  /** Some trail that applies to the region logs read-only management events. */
  logging: boolean;
  /** The trails that apply to the region and could be read. */
  trails: TrailState[];
  /** Why the region is not covered, and any trail that could not be read (naming the permission). */
  problem?: string;
}

/** A management event as advanced field selectors see it. */
type Probe = Record<string, string>;

/** The event the activity watch needs: read-only, so a write-only trail misses it. */
const ASSUME: Probe = {
  eventCategory: 'Management',
  eventType: 'AwsApiCall',
  eventSource: 'sts.amazonaws.com',
  eventName: 'AssumeRoleWithWebIdentity',
  readOnly: 'true',
};
/** A write the change watch needs, standing for write management events. */
const WRITE: Probe = {
  eventCategory: 'Management',
  eventType: 'AwsApiCall',
  eventSource: 'iam.amazonaws.com',
  eventName: 'UpdateAssumeRolePolicy',
  readOnly: 'false',
};

/**
 * Whether CloudTrail records the region's management events, read-only ones included: the trails
 * that apply to it (its own and multi-region ones from other regions, which DescribeTrails lists as
 * shadow trails), each with its status and event selectors. A call that fails leaves that part
 * unknown and says why in `problem`, rather than aborting the check.
 */
export async function trailCoverage(client: CloudTrailClient, region: string): Promise<TrailCoverage> {
  let listed: Trail[];
  try {
    listed = (await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  } catch (error) {
    return {
      logging: false,
      trails: [],
      problem: describeFailure('cloudtrail:DescribeTrails', `region ${region}`, error),
    };
  }
  const trails: TrailState[] = [];
  const unread: string[] = [];
  const applying = listed.filter((t) => t.IsMultiRegionTrail || t.HomeRegion === region);
  for (const trail of applying) {
    const name = trail.Name ?? trail.TrailARN ?? '';
    // A shadow trail can only be named by its ARN.
    const id = trail.TrailARN ?? name;
    try {
      const status = await call('cloudtrail:GetTrailStatus', name, () =>
        client.send(new GetTrailStatusCommand({ Name: id })),
      );
      const selectors = await call('cloudtrail:GetEventSelectors', name, () =>
        client.send(new GetEventSelectorsCommand({ TrailName: id })),
      );
      trails.push({
        name,
        arn: trail.TrailARN ?? '',
        isLogging: status.IsLogging ?? false,
        multiRegion: trail.IsMultiRegionTrail ?? false,
        managementEvents: managementEvents(selectors),
      });
    } catch (error) {
      unread.push((error as Error).message);
    }
  }
  const logging = trails.some(
    (t) => t.isLogging && (t.managementEvents === 'all' || t.managementEvents === 'readOnly'),
  );
  const problems = [...(logging ? [] : [uncovered(region, applying.length, trails)]), ...unread];
  return { logging, trails, ...(problems.length > 0 ? { problem: problems.join('; ') } : {}) };
}

async function call<T>(action: string, trail: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw new Error(describeFailure(action, `trail ${trail}`, error), { cause: error });
  }
}

function uncovered(region: string, applying: number, trails: readonly TrailState[]): string {
  if (applying === 0) return `no trail logs ${region}`;
  if (trails.length === 0) return `no trail of ${region} could be read`;
  const states = trails.map(
    (t) => `${t.name}: ${t.isLogging ? 'logging' : 'stopped'}, management events ${t.managementEvents}`,
  );
  return `no trail logs read-only management events in ${region} (${states.join('; ')})`;
}

/** Which management events a trail's selectors record, judged by the events trustwatch watches. */
function managementEvents(selectors: GetEventSelectorsResponse): ManagementEvents {
  const reads = records(selectors, ASSUME);
  const writes = records(selectors, WRITE);
  if (reads && writes) return 'all';
  if (reads) return 'readOnly';
  return writes ? 'writeOnly' : 'none';
}

/** A trail has either advanced or classic selectors; either kind records an event some selector matches. */
function records(selectors: GetEventSelectorsResponse, probe: Probe): boolean {
  const advanced = selectors.AdvancedEventSelectors ?? [];
  if (advanced.length > 0) return advanced.some((s) => advancedMatches(s, probe));
  return (selectors.EventSelectors ?? []).some((s) => classicMatches(s, probe));
}

function classicMatches(selector: EventSelector, probe: Probe): boolean {
  // Both fields default to recording: management events included, reads and writes.
  if (selector.IncludeManagementEvents === false) return false;
  if (selector.ExcludeManagementEventSources?.includes(probe.eventSource ?? '')) return false;
  const type = selector.ReadWriteType ?? 'All';
  return type === 'All' || type === (probe.readOnly === 'true' ? 'ReadOnly' : 'WriteOnly');
}

/**
 * Field selectors AND. A field the probe does not know (`userIdentity.arn`, `resources.type`) narrows
 * the selector to events that cannot be vouched for, so such a selector counts as not matching.
 */
function advancedMatches(selector: AdvancedEventSelector, probe: Probe): boolean {
  return (selector.FieldSelectors ?? []).every((field) => {
    const value = field.Field === undefined ? undefined : probe[field.Field];
    return value !== undefined && fieldMatches(field, value);
  });
}

function fieldMatches(field: AdvancedFieldSelector, value: string): boolean {
  const anyOf = (list: string[] | undefined, test: (v: string) => boolean) =>
    !list?.length || list.some(test);
  const noneOf = (list: string[] | undefined, test: (v: string) => boolean) => !list?.some(test);
  return (
    anyOf(field.Equals, (v) => v === value) &&
    anyOf(field.StartsWith, (v) => value.startsWith(v)) &&
    anyOf(field.EndsWith, (v) => value.endsWith(v)) &&
    noneOf(field.NotEquals, (v) => v === value) &&
    noneOf(field.NotStartsWith, (v) => value.startsWith(v)) &&
    noneOf(field.NotEndsWith, (v) => value.endsWith(v))
  );
}
