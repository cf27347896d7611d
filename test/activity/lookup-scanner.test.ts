import { readFileSync } from 'node:fs';
import {
  CloudTrailClient,
  type Event,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type DeadLetter,
  rateLimiter,
  type ScanOptions,
  scanRegion,
} from '../../shared/activity/lookup-scanner.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';
import { MemoryStore } from '../support/memory-store.js';

// A real AssumeRoleWithWebIdentity record by GitHub Actions; each test event is a copy with its own id and time.
const sample = JSON.parse(
  readFileSync(
    new URL('../fixtures/cloudtrail/arwwi_github_success_ccbrown-cloud-snitch.json', import.meta.url),
    'utf8',
  ),
);

const REGION = 'eu-west-1';
const T0 = Date.parse('2026-03-01T12:00:00Z');
const minutes = (n: number) => n * 60_000;
const at = (offset: number) => new Date(T0 + offset);

interface Logged {
  id: string;
  /** When the call was made. */
  time: number;
  /** When LookupEvents starts returning it: CloudTrail delivers within ~5 minutes, sometimes later. */
  delivered?: number;
  /** The CloudTrailEvent string as LookupEvents returns it, when not the sample's copy. */
  body?: string;
}

function lookupItem(event: Logged): Event {
  return {
    EventId: event.id,
    EventName: 'AssumeRoleWithWebIdentity',
    EventTime: new Date(event.time),
    CloudTrailEvent:
      event.body ??
      JSON.stringify({ ...sample, eventID: event.id, eventTime: new Date(event.time).toISOString() }),
  };
}

/** `count` events one second apart, the first at `from`, ids prefixed by `prefix`. */
function burst(prefix: string, from: number, count: number): Logged[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, time: from + i * 1000 }));
}

const cloudtrail = new CloudTrailClient({ region: REGION });
const mock = mockClient(cloudtrail);

/**
 * LookupEvents over an event history as CloudTrail serves it: the window [StartTime, EndTime], newest
 * first, only events delivered by EndTime (the scan's now), in pages of MaxResults with an opaque
 * NextToken. `beforeCall` sees each call (numbered from 1) and may return an error to throw instead,
 * standing for one the SDK gave up on.
 */
function serve(history: Logged[], beforeCall?: (call: number) => Error | undefined) {
  let calls = 0;
  mock.on(LookupEventsCommand).callsFake((input: LookupEventsCommandInput) => {
    calls++;
    const error = beforeCall?.(calls);
    if (error) throw error;
    const start = input.StartTime?.getTime() ?? 0;
    const end = input.EndTime?.getTime() ?? Number.POSITIVE_INFINITY;
    const visible = history
      .filter((e) => e.time >= start && e.time <= end && (e.delivered ?? e.time) <= end)
      .sort((a, b) => b.time - a.time);
    const offset = Number(input.NextToken ?? 0);
    const page = visible.slice(offset, offset + (input.MaxResults ?? 50));
    const next = offset + page.length;
    return { Events: page.map(lookupItem), NextToken: next < visible.length ? String(next) : undefined };
  });
}

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

/** Every event handled, in order: a test asserts on duplicates and gaps across runs. */
let handled: string[];
let store: MemoryStore;

function options(now: Date, extra: Partial<ScanOptions> = {}): ScanOptions {
  return {
    region: REGION,
    now,
    sleep: async () => {},
    handle: async (record: CloudTrailRecord) => {
      handled.push(record.eventId);
    },
    ...extra,
  };
}

const sorted = (ids: Iterable<string>) => [...ids].sort();
const idsOf = (events: Logged[]) => sorted(events.map((e) => e.id));

beforeEach(() => {
  mock.reset();
  handled = [];
  store = new MemoryStore();
});

describe('scanRegion', () => {
  it('reads every page of the last 24 hours on a first scan, handles each event once and sets the checkpoint', async () => {
    const history = burst('a', T0 - minutes(120), 120);
    serve(history);
    const now = at(0);

    const result = await scanRegion(cloudtrail, store, options(now));

    expect(result).toEqual({
      region: REGION,
      from: at(-minutes(24 * 60)).toISOString(),
      to: now.toISOString(),
      complete: true,
      pages: 3,
      events: 120,
      new: 120,
      duplicates: 0,
      rejected: [],
      deadLettered: [],
    });
    expect(sorted(handled)).toEqual(idsOf(history));
    expect(handled).toHaveLength(120);
    expect(store.checkpoints.get(REGION)).toBe(now.toISOString());
    expect(mock).toHaveReceivedCommandTimes(LookupEventsCommand, 3);
    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 1, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRoleWithWebIdentity' }],
      StartTime: at(-minutes(24 * 60)),
      EndTime: now,
      MaxResults: 50,
      NextToken: undefined,
    });
    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 2, { NextToken: '50' });
  });

  it('keeps a claim until LookupEvents can no longer return the event (90 days after it)', async () => {
    serve([{ id: 'x', time: T0 - minutes(30) }]);
    await scanRegion(cloudtrail, store, options(at(0)));
    expect(store.claims.get('x')).toBe(new Date(T0 - minutes(30) + 90 * 24 * 3_600_000).toISOString());
  });

  it('looks again from 15 minutes before the checkpoint: a late event is caught, the overlap is not handled twice', async () => {
    const first = burst('early', T0 - minutes(10), 60);
    // Logged 5 minutes before the first scan, but delivered 3 minutes after it.
    const late = { id: 'late', time: T0 - minutes(5), delivered: T0 + minutes(3) };
    const second = burst('later', T0 + minutes(30), 30);
    serve([...first, late, ...second]);

    await scanRegion(cloudtrail, store, options(at(0)));
    expect(sorted(handled)).toEqual(idsOf(first));

    const result = await scanRegion(cloudtrail, store, options(at(minutes(60))));

    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 3, {
      StartTime: at(-minutes(15)),
      EndTime: at(minutes(60)),
    });
    expect(result).toMatchObject({ pages: 2, events: 91, new: 31, duplicates: 60 });
    expect(handled).toHaveLength(91);
    expect(sorted(handled)).toEqual(idsOf([...first, late, ...second]));
  });

  it('takes the overlap and the first lookback from its options', async () => {
    serve([]);
    await scanRegion(cloudtrail, store, options(at(0), { firstLookbackHours: 2, eventName: 'AssumeRole' }));
    await scanRegion(cloudtrail, store, options(at(minutes(60)), { overlapMinutes: 30 }));
    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 1, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }],
      StartTime: at(-minutes(120)),
    });
    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 2, { StartTime: at(-minutes(30)) });
  });

  it('resumes after a handler crash between pages with no event missed and none handled twice', async () => {
    const before = { id: 'before', time: T0 - minutes(90) };
    const history = burst('b', T0 - minutes(20), 130);
    serve([before, ...history]);
    await scanRegion(cloudtrail, store, options(at(-minutes(60))));
    const checkpoint = store.checkpoints.get(REGION);

    // Page 2 holds b-79..b-30 (newest first): the crash hits in its middle.
    let crashed = false;
    const crashing = options(at(0), {
      handle: async (record) => {
        if (record.eventId === 'b-60' && !crashed) {
          crashed = true;
          throw new Error('Lambda ran out of time');
        }
        handled.push(record.eventId);
      },
    });
    await expect(scanRegion(cloudtrail, store, crashing)).rejects.toThrow(
      /LookupEvents scan of eu-west-1 stopped.*handling event b-60 failed: Lambda ran out of time/,
    );
    expect(store.checkpoints.get(REGION)).toBe(checkpoint);
    // "before", page 1 (b-129..b-80) and page 2 up to the crash (b-79..b-61).
    expect(handled).toHaveLength(70);

    const resumed = await scanRegion(cloudtrail, store, options(at(minutes(5))));

    expect(resumed).toMatchObject({ pages: 3, events: 130, new: 61, duplicates: 69 });
    expect(handled).toHaveLength(131);
    expect(sorted(handled)).toEqual(idsOf([before, ...history]));
    expect(store.checkpoints.get(REGION)).toBe(at(minutes(5)).toISOString());
  });

  it('leaves the checkpoint when a page still fails after the SDK retries, naming the region, and resumes', async () => {
    const history = burst('c', T0 - minutes(10), 140);
    serve(history, (call) => (call === 3 ? throttled() : undefined));

    const failed = scanRegion(cloudtrail, store, options(at(0)));

    await expect(failed).rejects.toThrow(
      /LookupEvents scan of eu-west-1 stopped, checkpoint left at none: cloudtrail:LookupEvents on region eu-west-1 still throttled/,
    );
    await expect(failed).rejects.toHaveProperty('cause.name', 'ThrottlingException');
    expect(store.checkpoints.has(REGION)).toBe(false);
    expect(handled).toHaveLength(100);

    const resumed = await scanRegion(cloudtrail, store, options(at(minutes(1))));

    expect(resumed).toMatchObject({ pages: 3, events: 140, new: 40, duplicates: 100 });
    expect(sorted(handled)).toEqual(idsOf(history));
    expect(handled).toHaveLength(140);
  });

  it('names the permission when LookupEvents is denied', async () => {
    serve([], () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(scanRegion(cloudtrail, store, options(at(0)))).rejects.toThrow(
      /grant cloudtrail:LookupEvents/,
    );
  });

  it('handles again an event whose claim a crash prevented, and only that one (findings are idempotent)', async () => {
    const history = burst('d', T0 - minutes(10), 10);
    serve(history);
    const claim = store.claimEvent.bind(store);
    store.claimEvent = async (eventId, expiresAt) => {
      if (eventId === 'd-4') throw new Error('DynamoDB unavailable');
      return claim(eventId, expiresAt);
    };
    await expect(scanRegion(cloudtrail, store, options(at(0)))).rejects.toThrow(
      /eu-west-1 stopped.*event d-4 failed: DynamoDB unavailable/,
    );
    store.claimEvent = claim;

    await scanRegion(cloudtrail, store, options(at(minutes(1))));

    expect(sorted(handled)).toEqual(sorted([...idsOf(history), 'd-4']));
  });

  it('counts the records it cannot read, with their ids and reasons, and handles the rest', async () => {
    const good = burst('e', T0 - minutes(10), 3);
    const truncated = { id: 'cut', time: T0 - minutes(9), body: '{"eventVersion":"1.08","eventID":"cut' };
    const noId = {
      id: 'no-id',
      time: T0 - minutes(8),
      body: JSON.stringify({ ...sample, eventID: undefined }),
    };
    serve([...good, truncated, noId]);

    const result = await scanRegion(cloudtrail, store, options(at(0)));

    expect(result).toMatchObject({ events: 5, new: 3, duplicates: 0 });
    expect(result.rejected).toEqual([
      { eventId: 'no-id', reason: expect.stringContaining('eventID') },
      { eventId: 'cut', reason: expect.stringContaining('not valid JSON') },
    ]);
    expect(sorted(handled)).toEqual(idsOf(good));
    expect(store.checkpoints.get(REGION)).toBe(at(0).toISOString());
  });

  it('reads a backlog in slices, saving the checkpoint after each, and goes on where the last run stopped', async () => {
    // Ten hours behind (an outage, or a first scan of a busy account): two pages an hour.
    const history = Array.from({ length: 10 }, (_, h) =>
      burst(`h${h}`, T0 - minutes(600 - h * 60 - 5), 60),
    ).flat();
    serve(history);
    await store.setCheckpoint(REGION, at(-minutes(600)).toISOString());
    // Time for five pages in the first run: two slices of two pages, and one page of the third.
    let pages = 0;
    const budget = (n: number) => () => (pages++ < n ? 60_000 : 1_000);
    const first = await scanRegion(
      cloudtrail,
      store,
      options(at(0), { sliceMinutes: 60, timeLeft: budget(5), reserveMs: 30_000 }),
    );
    expect(first.complete).toBe(false);
    // The overlap starts the first slice 15 minutes early; each slice ends 60 minutes after it began.
    expect(store.checkpoints.get(REGION)).toBe(at(-minutes(615) + 2 * minutes(60)).toISOString());
    expect(first.to).toBe(store.checkpoints.get(REGION));
    expect(handled.length).toBeGreaterThanOrEqual(60);
    expect(handled.length).toBeLessThan(history.length);

    pages = 0;
    const second = await scanRegion(
      cloudtrail,
      store,
      options(at(minutes(5)), { sliceMinutes: 60, timeLeft: budget(100) }),
    );
    expect(second.complete).toBe(true);
    expect(store.checkpoints.get(REGION)).toBe(at(minutes(5)).toISOString());
    expect(sorted(handled)).toEqual(idsOf(history));
    expect(handled).toHaveLength(history.length);
  });

  it('reads a quiet backlog in few calls: a slice that fits in one page doubles the next', async () => {
    serve(burst('quiet', T0 - minutes(600), 3));
    const result = await scanRegion(cloudtrail, store, options(at(0), { sliceMinutes: 60 }));
    // 24 hours: 60, 120, 240, 480 and the 540 minutes left.
    expect(result).toMatchObject({ complete: true, pages: 5, new: 3 });
  });

  it('dead-letters a record the handler keeps failing on after 3 scans, by event id, and moves on', async () => {
    const history = burst('p', T0 - minutes(10), 5);
    serve(history);
    const letters: DeadLetter[] = [];
    const failing = options(at(0), {
      handle: async (record) => {
        if (record.eventId === 'p-2') throw new Error('role policy not readable');
        handled.push(record.eventId);
      },
      deadLetter: async (letter) => {
        letters.push(letter);
      },
    });
    for (const attempt of [1, 2])
      await expect(scanRegion(cloudtrail, store, { ...failing, now: at(minutes(attempt)) })).rejects.toThrow(
        new RegExp(`event p-2 failed: role policy not readable \\(attempt ${attempt}\\)`),
      );
    expect(store.checkpoints.get(REGION)).toBeUndefined();
    const third = await scanRegion(cloudtrail, store, { ...failing, now: at(minutes(3)) });
    expect(third.deadLettered).toEqual(['p-2']);
    expect(letters).toEqual([
      expect.objectContaining({
        region: REGION,
        eventId: 'p-2',
        attempts: 3,
        event: expect.objectContaining({ EventId: 'p-2' }),
      }),
    ]);
    expect(JSON.parse(letters[0]?.event.CloudTrailEvent ?? '{}').eventID).toBe('p-2');
    expect(store.checkpoints.get(REGION)).toBe(at(minutes(3)).toISOString());
    await scanRegion(cloudtrail, store, { ...failing, now: at(minutes(4)) });
    expect(letters).toHaveLength(1);
    expect(sorted(handled)).toEqual(sorted(['p-0', 'p-1', 'p-3', 'p-4']));
  });

  it('dead-letters an unreadable record once, at once', async () => {
    const truncated = { id: 'cut', time: T0 - minutes(9), body: '{"eventVersion":"1.08","eventID":"cut' };
    serve([...burst('q', T0 - minutes(10), 2), truncated]);
    const letters: DeadLetter[] = [];
    const deadLetter = async (letter: DeadLetter) => {
      letters.push(letter);
    };
    await scanRegion(cloudtrail, store, options(at(0), { deadLetter }));
    await scanRegion(cloudtrail, store, options(at(minutes(5)), { deadLetter }));
    expect(letters).toEqual([
      expect.objectContaining({
        eventId: 'cut',
        attempts: 0,
        reason: expect.stringContaining('not valid JSON'),
      }),
    ]);
  });

  it('makes at most 2 requests a second', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const sent: number[] = [];
    serve(burst('f', T0 - minutes(10), 230), () => {
      sent.push(clock);
      return undefined;
    });

    const result = await scanRegion(
      cloudtrail,
      store,
      options(at(0), {
        clock: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }),
    );

    expect(result.pages).toBe(5);
    expect(sleeps).toEqual([500, 500, 500, 500]);
    expect(sent).toEqual([0, 500, 1000, 1500, 2000]);
    for (const t of sent) expect(sent.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(2);
  });
});

describe('rateLimiter', () => {
  it('lets the first call go at once and spaces the next ones by 1000 / perSecond ms of the clock', async () => {
    let clock = 0;
    const sleeps: number[] = [];
    const limit = rateLimiter(
      4,
      async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      () => clock,
    );
    await limit();
    clock += 100;
    await limit();
    clock += 400;
    await limit();
    expect(sleeps).toEqual([150]);
  });
});
