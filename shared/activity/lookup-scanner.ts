import { type CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { FindingStore } from '../findings/store.js';
import { describeFailure } from '../inventory/gaps.js';
import { parseRecords } from './parse.js';
import type { CloudTrailRecord } from './record.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** LookupEvents keeps 90 days: an event older than that can never come back, so neither can its claim. */
const RETENTION_MS = 90 * 24 * HOUR;
/** The most LookupEvents returns in one page. */
const PAGE_SIZE = 50;

export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spaces calls at least `1000 / perSecond` ms apart, measured from one call's start to the next, so
 * no one-second window holds more than `perSecond` calls (LookupEvents allows 2 per second per
 * account and region). The first call goes at once. `clock` and `sleep` are injectable for tests.
 */
export function rateLimiter(
  perSecond: number,
  sleep: Sleep = realSleep,
  clock: () => number = Date.now,
): () => Promise<void> {
  const interval = 1000 / perSecond;
  let last: number | undefined;
  return async () => {
    if (last !== undefined) {
      const wait = last + interval - clock();
      if (wait > 0) await sleep(wait);
    }
    last = clock();
  };
}

export interface ScanOptions {
  region: string;
  now: Date;
  /** Defaults to AssumeRoleWithWebIdentity. */
  eventName?: string;
  /** How far before the checkpoint to look again, for late delivery; defaults to 15. */
  overlapMinutes?: number;
  /** How far back the first scan of a region (no checkpoint yet) looks; defaults to 24. */
  firstLookbackHours?: number;
  /** Defaults to 2, LookupEvents' limit per account and region. */
  requestsPerSecond?: number;
  sleep?: Sleep;
  /** A limiter shared with other LookupEvents callers of the same region (the limit is per region). */
  limiter?: () => Promise<void>;
  clock?: () => number;
  handle: (record: CloudTrailRecord) => Promise<void>;
}

export interface RejectedEvent {
  /** LookupEvents names the event outside the record, so even an unreadable record has its id. */
  eventId?: string;
  reason: string;
}

export interface ScanResult {
  region: string;
  /** The window read, ISO 8601. */
  from: string;
  to: string;
  pages: number;
  events: number;
  /** Handled in this scan. */
  new: number;
  /** Already claimed, by an earlier scan or by the EventBridge path. */
  duplicates: number;
  rejected: RejectedEvent[];
}

/**
 * Reads every `eventName` event of the region since the checkpoint (less an overlap for late
 * delivery) and hands each one not yet claimed to `handle`, then moves the checkpoint to `now`.
 * A failure stops the scan with the checkpoint where it was, so the next scan reads the same window
 * again: claimed events are skipped then, and nothing in the window is missed.
 */
export async function scanRegion(
  client: CloudTrailClient,
  store: FindingStore,
  options: ScanOptions,
): Promise<ScanResult> {
  const { region, now } = options;
  const checkpoint = await store.checkpoint(region);
  const start = checkpoint
    ? new Date(Date.parse(checkpoint) - (options.overlapMinutes ?? 15) * MINUTE)
    : new Date(now.getTime() - (options.firstLookbackHours ?? 24) * HOUR);
  const limit = options.limiter ?? rateLimiter(options.requestsPerSecond ?? 2, options.sleep, options.clock);
  const result: ScanResult = {
    region,
    from: start.toISOString(),
    to: now.toISOString(),
    pages: 0,
    events: 0,
    new: 0,
    duplicates: 0,
    rejected: [],
  };
  const stopped = (what: string, error: unknown) =>
    new Error(`LookupEvents scan of ${region} stopped, checkpoint left at ${checkpoint ?? 'none'}: ${what}`, {
      cause: error,
    });

  let nextToken: string | undefined;
  do {
    await limit();
    let events: Event[];
    try {
      const page = await client.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: options.eventName ?? 'AssumeRoleWithWebIdentity' },
          ],
          StartTime: start,
          EndTime: now,
          MaxResults: PAGE_SIZE,
          NextToken: nextToken,
        }),
      );
      events = page.Events ?? [];
      nextToken = page.NextToken;
    } catch (error) {
      throw stopped(describeFailure('cloudtrail:LookupEvents', `region ${region}`, error), error);
    }
    result.pages++;
    result.events += events.length;

    const parsed = parseRecords(events);
    for (const { index, reason } of parsed.rejected) {
      result.rejected.push({ eventId: events[index]?.EventId, reason });
    }
    for (const record of parsed.records) {
      if (await store.eventClaimed(record.eventId)) {
        result.duplicates++;
        continue;
      }
      // Handle first, claim after. A crash between the two handles the event again on the next
      // scan, which is harmless since findings are idempotent by fingerprint (a repeat is an update,
      // not a second alert; only that day's assumption count comes out one too high); claiming
      // first would make that crash lose the event for good. A claim refused here means the
      // EventBridge path handled it at the same moment: the same idempotence covers that too.
      try {
        await options.handle(record);
      } catch (error) {
        throw stopped(`handling event ${record.eventId} failed: ${(error as Error).message}`, error);
      }
      try {
        await store.claimEvent(record.eventId, claimExpiry(record, now));
      } catch (error) {
        throw stopped(`claiming event ${record.eventId} failed: ${(error as Error).message}`, error);
      }
      result.new++;
    }
  } while (nextToken);

  // Only now, with every page handled: an earlier move would skip the pages a crash left unread.
  await store.setCheckpoint(region, now.toISOString());
  return result;
}

/** When the claim may go: once LookupEvents no longer returns the event. */
function claimExpiry(record: CloudTrailRecord, now: Date): string {
  const time = Date.parse(record.eventTime);
  return new Date((Number.isFinite(time) ? time : now.getTime()) + RETENTION_MS).toISOString();
}
