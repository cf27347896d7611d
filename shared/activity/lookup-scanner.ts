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

/**
 * The event the scan polls for by default. Every path that delivers one (the scan, the EventBridge
 * rules) handles it through `handleOnce`, so that it is counted and alerted once.
 */
export const POLLED_EVENT = 'AssumeRoleWithWebIdentity';

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
  /** Defaults to POLLED_EVENT. */
  eventName?: string;
  /** How far before the checkpoint to look again, for late delivery; defaults to 15. */
  overlapMinutes?: number;
  /** How far back the first scan of a region (no checkpoint yet) looks; defaults to 24. */
  firstLookbackHours?: number;
  /**
   * The window is read in slices of this many minutes, oldest first, with the checkpoint saved after
   * each: a backlog longer than one invocation moves forward run by run. Defaults to the whole window.
   */
  sliceMinutes?: number;
  /**
   * Milliseconds left to the invocation: no page is read with less than `reserveMs` left, and the scan
   * returns with `complete: false` and the checkpoint at the end of the last slice it finished.
   */
  timeLeft?: () => number;
  /** Defaults to 30 seconds. */
  reserveMs?: number;
  /**
   * Where a record goes that cannot be handled: unreadable at once, failing the handler after
   * `maxAttempts` scans. Its event id is then claimed and the scan moves on. Without it a record the
   * handler fails on stops the scan every time (the checkpoint stays where it was).
   */
  deadLetter?: (letter: DeadLetter) => Promise<void>;
  /** Scans in which the handler failed on a record before it is dead-lettered; defaults to 3. */
  maxAttempts?: number;
  /** Defaults to 2, LookupEvents' limit per account and region. */
  requestsPerSecond?: number;
  sleep?: Sleep;
  /** A limiter shared with other LookupEvents callers of the same region (the limit is per region). */
  limiter?: () => Promise<void>;
  clock?: () => number;
  handle: (record: CloudTrailRecord) => Promise<void>;
}

/** A record set aside for good, with what is needed to find it and replay it. */
export interface DeadLetter {
  region: string;
  eventId: string;
  /** Why: the parse problem, or the handler's last error. */
  reason: string;
  /** Scans that failed on it; 0 for a record that cannot be read. */
  attempts: number;
  /** The LookupEvents item as CloudTrail returned it (its CloudTrailEvent is the record). */
  event: Event;
}

export interface RejectedEvent {
  /** LookupEvents names the event outside the record, so even an unreadable record has its id. */
  eventId?: string;
  reason: string;
}

export interface ScanResult {
  region: string;
  /** The window read, ISO 8601: up to `to` when `complete`, else up to the checkpoint saved. */
  from: string;
  to: string;
  /** False when the time ran out before the window was read: the next scan goes on from the checkpoint. */
  complete: boolean;
  pages: number;
  events: number;
  /** Handled in this scan. */
  new: number;
  /** Already claimed, by an earlier scan or by the EventBridge path. */
  duplicates: number;
  rejected: RejectedEvent[];
  /** Event ids dead-lettered in this scan. */
  deadLettered: string[];
}

/**
 * Reads every `eventName` event of the region since the checkpoint (less an overlap for late
 * delivery) and hands each one not yet claimed to `handle`, moving the checkpoint to the end of each
 * slice read, the last one ending at `now`. A failure stops the scan with the checkpoint at the end of
 * the last slice read, so the next scan reads the rest again: claimed events are skipped then, and
 * nothing in the window is missed. A record that keeps failing is dead-lettered (see `deadLetter`).
 */
export async function scanRegion(
  client: CloudTrailClient,
  store: FindingStore,
  options: ScanOptions,
): Promise<ScanResult> {
  const { region, now } = options;
  let checkpoint = await store.checkpoint(region);
  const start = checkpoint
    ? new Date(Date.parse(checkpoint) - (options.overlapMinutes ?? 15) * MINUTE)
    : new Date(now.getTime() - (options.firstLookbackHours ?? 24) * HOUR);
  const limit = options.limiter ?? rateLimiter(options.requestsPerSecond ?? 2, options.sleep, options.clock);
  const result: ScanResult = {
    region,
    from: start.toISOString(),
    to: now.toISOString(),
    complete: false,
    pages: 0,
    events: 0,
    new: 0,
    duplicates: 0,
    rejected: [],
    deadLettered: [],
  };
  const stopped = (what: string, error: unknown) =>
    new Error(`LookupEvents scan of ${region} stopped, checkpoint left at ${checkpoint ?? 'none'}: ${what}`, {
      cause: error,
    });
  const outOfTime = () =>
    options.timeLeft !== undefined && options.timeLeft() < (options.reserveMs ?? 30_000);
  const slice = (options.sliceMinutes ?? Number.POSITIVE_INFINITY) * MINUTE;

  // A slice that fit in one page makes the next one twice as long: a quiet backlog takes a few calls.
  for (let from = start.getTime(), length = slice, pages = 0; from < now.getTime(); from += length) {
    length = pages === 1 ? length * 2 : slice;
    pages = 0;
    const to = new Date(Math.min(from + length, now.getTime()));
    let nextToken: string | undefined;
    do {
      pages++;
      if (outOfTime()) {
        result.to = checkpoint ?? result.from;
        return result;
      }
      await limit();
      let events: Event[];
      try {
        const page = await client.send(
          new LookupEventsCommand({
            LookupAttributes: [
              { AttributeKey: 'EventName', AttributeValue: options.eventName ?? POLLED_EVENT },
            ],
            StartTime: new Date(from),
            EndTime: to,
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
        const event = events[index] as Event;
        result.rejected.push({ eventId: event.EventId, reason });
        // Unreadable now means unreadable on every scan: set aside at once, once.
        if (options.deadLetter && event.EventId && !(await store.eventClaimed(event.EventId))) {
          await options.deadLetter({ region, eventId: event.EventId, reason, attempts: 0, event });
          await store.claimEvent(event.EventId, claimExpiry(event.EventTime?.toISOString(), now));
          result.deadLettered.push(event.EventId);
        }
      }
      for (const record of parsed.records) {
        let handled: boolean;
        try {
          handled = await handleOnce(store, record, options.handle, now);
        } catch (error) {
          const failure = `handling event ${record.eventId} failed: ${(error as Error).message}`;
          if (!options.deadLetter) throw stopped(failure, error);
          const attempts = await store.countFailure(record.eventId, claimExpiry(record.eventTime, now));
          if (attempts < (options.maxAttempts ?? 3)) throw stopped(`${failure} (attempt ${attempts})`, error);
          const event = events.find((e) => e.EventId === record.eventId) ?? {
            EventId: record.eventId,
            CloudTrailEvent: JSON.stringify(record.raw),
          };
          await options.deadLetter({ region, eventId: record.eventId, reason: failure, attempts, event });
          await store.claimEvent(record.eventId, claimExpiry(record.eventTime, now));
          result.deadLettered.push(record.eventId);
          continue;
        }
        if (handled) result.new++;
        else result.duplicates++;
      }
    } while (nextToken);
    // Only now, with every page of the slice handled: an earlier move would skip the pages a crash left unread.
    checkpoint = to.toISOString();
    await store.setCheckpoint(region, checkpoint);
  }
  result.complete = true;
  return result;
}

/**
 * Handles the record unless its event id is claimed already, then claims it; false for a duplicate.
 * Handle first, claim after: a crash between the two handles the event again on the next delivery,
 * which findings survive (idempotent by fingerprint: a repeat is an update, not a second alert; only
 * that day's assumption count comes out one too high), while claiming first would make that crash
 * lose the event for good. Two paths handling the same event at the same moment is covered the same way.
 */
export async function handleOnce(
  store: FindingStore,
  record: CloudTrailRecord,
  handle: (record: CloudTrailRecord) => Promise<void>,
  now: Date = new Date(),
): Promise<boolean> {
  if (await store.eventClaimed(record.eventId)) return false;
  await handle(record);
  await store.claimEvent(record.eventId, claimExpiry(record.eventTime, now));
  return true;
}

/** When the claim may go: once LookupEvents no longer returns the event. */
function claimExpiry(eventTime: string | undefined, now: Date): string {
  const time = Date.parse(eventTime ?? '');
  return new Date((Number.isFinite(time) ? time : now.getTime()) + RETENTION_MS).toISOString();
}
