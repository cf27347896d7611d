import { describe, expect, it } from 'vitest';
import { inMonth, MonthError, monthOf, parseMonth, previousMonth } from '../../shared/report/month.js';

describe('UTC months', () => {
  it('reads YYYY-MM and knows its days, leap years included', () => {
    const feb = parseMonth('2028-02');
    expect(feb).toMatchObject({
      id: '2028-02',
      start: '2028-02-01T00:00:00.000Z',
      end: '2028-03-01T00:00:00.000Z',
    });
    expect(feb.days).toHaveLength(29);
    expect(parseMonth('2026-02').days).toHaveLength(28);
    expect(parseMonth('2026-10').days.at(-1)).toBe('2026-10-31');
  });

  it('refuses what is not a month, saying what to give', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '26-10', '2026/10', 'October', '']) {
      expect(() => parseMonth(bad)).toThrow(MonthError);
    }
    expect(() => parseMonth('2026-13')).toThrow(/give YYYY-MM/);
  });

  it('refuses years Date.UTC would move to the 1900s, and any before 1970', () => {
    for (const bad of ['0000-01', '0099-12', '1969-12']) {
      expect(() => parseMonth(bad)).toThrow(/the year must be 1970 or later/);
    }
    expect(parseMonth('1970-01').id).toBe('1970-01');
  });

  it('goes back across a year boundary', () => {
    expect(previousMonth(parseMonth('2027-01')).id).toBe('2026-12');
    expect(monthOf(Date.parse('2026-11-01T00:00:00Z')).id).toBe('2026-11');
    expect(monthOf(Date.parse('2026-10-31T23:59:59.999Z')).id).toBe('2026-10');
  });

  it('places times written with an offset by their UTC instant', () => {
    const october = parseMonth('2026-10');
    // 1 November 01:30 in UTC, though the local date says 31 October.
    expect(inMonth('2026-10-31T21:30:00-04:00', october)).toBe(false);
    // 30 September 23:00 in UTC, though the local date says 1 October.
    expect(inMonth('2026-10-01T01:00:00+02:00', october)).toBe(false);
    expect(inMonth('2026-10-01T00:00:00Z', october)).toBe(true);
    expect(inMonth('2026-11-01T00:59:00+01:00', october)).toBe(true);
    expect(inMonth(undefined, october)).toBe(false);
  });
});
