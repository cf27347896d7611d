import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OTHERS_LIMIT, quietLoad, tooBusy, watchMachine } from '../../bench/machine-load.js';
import { ms, scaled, showSpread, spread, target } from '../../bench/measure.js';

describe('the spread of repeated runs', () => {
  it('gives the minimum, the median and the maximum, the median of an even count being the mean of the middle two', () => {
    expect(spread([30, 10, 20])).toEqual({ min: 10, median: 20, max: 30, runs: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4, runs: 4 });
    expect(() => spread([])).toThrow('no samples');
  });

  it('is written median first, the range in brackets, and once when every run gave the same', () => {
    expect(showSpread(spread([1.5, 2, 12]), ms)).toBe('2.000 ms (1.500 ms–12.0 ms)');
    expect(showSpread(spread([3, 3]), ms)).toBe('3.000 ms');
  });
});

describe('a target', () => {
  it('is judged by the median for a duration and by the maximum for a bound', () => {
    const runs = spread([900, 1000, 1500]);
    expect(target('under 1.2 s', 'median', runs, 1200, ms)).toMatchObject({
      met: true,
      measured: 'median 1000.0 ms of 3 runs',
    });
    expect(target('under 1.2 s at worst', 'max', runs, 1200, ms)).toMatchObject({
      met: false,
      measured: 'max 1500.0 ms of 3 runs',
    });
  });
});

describe('the bench options', () => {
  it('scales a size, never below the least the suite needs', () => {
    expect(scaled(10_000, { scale: 0.01, runs: 1 })).toBe(100);
    expect(scaled(200, { scale: 0.001, runs: 1 })).toBe(1);
    expect(scaled(5_000, { scale: 0.0001, runs: 1 }, 2)).toBe(2);
  });
});

describe('a busy machine', () => {
  it('is one where other processes took more than the limit of the CPU, or without /proc a load above quiet plus the bench itself', () => {
    expect(tooBusy({ loadStart: 0, loadEnd: 9, others: OTHERS_LIMIT / 2 })).toBe(false);
    expect(tooBusy({ loadStart: 0, loadEnd: 0, others: OTHERS_LIMIT + 0.01 })).toBe(true);
    expect(tooBusy({ loadStart: 0, loadEnd: quietLoad() + 0.5 })).toBe(false);
    expect(tooBusy({ loadStart: 0, loadEnd: quietLoad() + 1.5 })).toBe(true);
  });
});

describe('watching the machine', () => {
  it.runIf(existsSync('/proc/stat'))(
    'reads the load average and the share of the CPU others took, from 0 to 1',
    async () => {
      const done = watchMachine();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const busy = done();
      expect(busy.loadStart).toBeGreaterThanOrEqual(0);
      expect(busy.others).toBeGreaterThanOrEqual(0);
      expect(busy.others).toBeLessThanOrEqual(1);
    },
  );
});
