import { describe, expect, it } from 'vitest';
import { normalizeEventTime } from '../../shared/activity/event-time.js';

describe('normalizeEventTime', () => {
  it.each([
    ['CloudTrail', '2025-04-16T02:46:56Z', '2025-04-16T02:46:56.000Z'],
    ['Panther', '2022-09-27 17:09:18', '2022-09-27T17:09:18.000Z'],
    ['Panther with nanoseconds', '2023-01-03 01:52:07.123456789', '2023-01-03T01:52:07.123Z'],
    ['the AWS CLI, with an offset', '2021-11-18T09:41:02-08:00', '2021-11-18T17:41:02.000Z'],
    ['an offset across midnight', '2021-12-31T23:30:00-01:00', '2022-01-01T00:30:00.000Z'],
    ['an offset without a colon', '2021-11-18T09:41:02+0530', '2021-11-18T04:11:02.000Z'],
    ['a lower-case separator and zone', '2021-11-18t09:41:02z', '2021-11-18T09:41:02.000Z'],
    ['Date#toISOString', '2021-11-18T09:41:02.500Z', '2021-11-18T09:41:02.500Z'],
  ])('reads the %s form', (_, input, expected) => {
    expect(normalizeEventTime(input)).toBe(expected);
  });

  it('makes times from different sources sort as strings do', () => {
    const times = ['2023-01-03 01:52:07.500', '2023-01-03T01:52:07Z', '2023-01-03T01:52:08+00:00'];
    const normalized = times.map(normalizeEventTime) as string[];
    expect([...normalized].sort()).toEqual([normalized[1], normalized[0], normalized[2]]);
  });

  it.each([
    ['a date alone', '2023-01-03'],
    ['words', 'yesterday'],
    ['a 30th of February', '2023-02-30T00:00:00Z'],
    ['hour 24', '2023-01-03T24:00:00Z'],
    ['minute 60', '2023-01-03T10:60:00Z'],
    ['an offset of 99 minutes', '2023-01-03T10:00:00+01:99'],
    ['an epoch number', 1672710727],
    ['null', null],
  ])('refuses %s', (_, input) => {
    expect(normalizeEventTime(input)).toBeUndefined();
  });
});
