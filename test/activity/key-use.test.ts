import { readFileSync } from 'node:fs';
import {
  CloudTrailClient,
  type Event,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { staticKeyUse } from '../../shared/activity/key-use.js';

// A real record whose user agent is configure-aws-credentials'; copies change the key, id and agent.
const sample = JSON.parse(
  readFileSync(
    new URL('../fixtures/cloudtrail/arwwi_github_success_ccbrown-cloud-snitch.json', import.meta.url),
    'utf8',
  ),
);
const ACTIONS_AGENT = sample.userAgent as string;
const CLI_AGENT = 'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22';

const since = new Date('2026-02-01T00:00:00Z');

function used(id: string, accessKeyId: string, userAgent: string): Event {
  return {
    EventId: id,
    AccessKeyId: accessKeyId,
    CloudTrailEvent: JSON.stringify({
      ...sample,
      eventID: id,
      eventName: 'GetCallerIdentity',
      userIdentity: { type: 'IAMUser', userName: 'ci-deploy', accessKeyId },
      userAgent,
    }),
  };
}

const cloudtrail = new CloudTrailClient({ region: 'us-east-1' });
const mock = mockClient(cloudtrail);

/** LookupEvents by AccessKeyId over per-key histories, in pages of MaxResults. */
function serve(byKey: Record<string, Event[]>) {
  mock.on(LookupEventsCommand).callsFake((input: LookupEventsCommandInput) => {
    const key = input.LookupAttributes?.[0]?.AttributeValue ?? '';
    const events = byKey[key] ?? [];
    const offset = Number(input.NextToken ?? 0);
    const page = events.slice(offset, offset + (input.MaxResults ?? 50));
    const next = offset + page.length;
    return { Events: page, NextToken: next < events.length ? String(next) : undefined };
  });
}

const noSleep = { sleep: async () => {} };

beforeEach(() => mock.reset());

describe('staticKeyUse', () => {
  it('returns the calls made by configure-aws-credentials with each key, one lookup per key', async () => {
    serve({
      AKIAACTIONS: [
        used('a1', 'AKIAACTIONS', ACTIONS_AGENT),
        used('a2', 'AKIAACTIONS', CLI_AGENT),
        used('a3', 'AKIAACTIONS', ACTIONS_AGENT.toUpperCase()),
      ],
      AKIALAPTOP: [used('b1', 'AKIALAPTOP', CLI_AGENT)],
    });

    const result = await staticKeyUse(
      cloudtrail,
      ['AKIAACTIONS', 'AKIALAPTOP', 'AKIAACTIONS'],
      since,
      noSleep,
    );

    expect(result.uses.map((u) => [u.accessKeyId, u.record.eventId])).toEqual([
      ['AKIAACTIONS', 'a1'],
      ['AKIAACTIONS', 'a3'],
    ]);
    expect(result.uses[0]?.record.userAgent).toBe(ACTIONS_AGENT);
    expect(result).toMatchObject({ truncated: [], rejected: [] });
    expect(mock).toHaveReceivedCommandTimes(LookupEventsCommand, 2);
    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 1, {
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIAACTIONS' }],
      StartTime: since,
      MaxResults: 50,
    });
    expect(mock).toHaveReceivedNthCommandWith(LookupEventsCommand, 2, {
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIALAPTOP' }],
    });
  });

  it('reads at most 2 pages of a key by default and says which keys it cut short', async () => {
    const busy = Array.from({ length: 180 }, (_, i) => used(`busy-${i}`, 'AKIABUSY', CLI_AGENT));
    busy[120] = used('busy-120', 'AKIABUSY', ACTIONS_AGENT);
    serve({ AKIABUSY: busy, AKIAQUIET: [used('q1', 'AKIAQUIET', ACTIONS_AGENT)] });

    const result = await staticKeyUse(cloudtrail, ['AKIABUSY', 'AKIAQUIET'], since, noSleep);

    expect(result.uses.map((u) => u.record.eventId)).toEqual(['q1']);
    expect(result.truncated).toEqual(['AKIABUSY']);
    expect(mock).toHaveReceivedCommandTimes(LookupEventsCommand, 3);

    mock.resetHistory();
    const deeper = await staticKeyUse(cloudtrail, ['AKIABUSY'], since, { ...noSleep, maxPagesPerKey: 3 });
    expect(deeper.uses.map((u) => u.record.eventId)).toEqual(['busy-120']);
    expect(deeper.truncated).toEqual(['AKIABUSY']);
  });

  it('makes at most 2 requests a second across keys', async () => {
    serve({});
    let clock = 0;
    const sleeps: number[] = [];
    await staticKeyUse(cloudtrail, ['AKIA1', 'AKIA2', 'AKIA3'], since, {
      clock: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    expect(sleeps).toEqual([500, 500]);
  });

  it('counts records it cannot read', async () => {
    serve({
      AKIA1: [{ EventId: 'broken', CloudTrailEvent: '{"eventID":' }, used('ok', 'AKIA1', ACTIONS_AGENT)],
    });
    const result = await staticKeyUse(cloudtrail, ['AKIA1'], since, noSleep);
    expect(result.uses.map((u) => u.record.eventId)).toEqual(['ok']);
    expect(result.rejected).toEqual([
      { eventId: 'broken', reason: expect.stringContaining('not valid JSON') },
    ]);
  });

  it('names the permission when LookupEvents is denied', async () => {
    mock
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(staticKeyUse(cloudtrail, ['AKIA1'], since, noSleep)).rejects.toThrow(
      'cloudtrail:LookupEvents denied on access key AKIA1: grant cloudtrail:LookupEvents',
    );
  });
});
