import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { cloudtrailJson } from './cloudtrail-fixtures.js';

const TEN_MB = 10 * 1024 * 1024;
const template = cloudtrailJson('arwwi_github_success_ccbrown-cloud-snitch.json') as Record<string, unknown>;

// A log file of distinct copies of a real record, one in a thousand without an eventTime, until 10 MB.
function largeLogFile(): { text: string; count: number; broken: number[] } {
  const records: unknown[] = [];
  const broken: number[] = [];
  let size = 0;
  while (size < TEN_MB) {
    const index = records.length;
    const time = new Date(Date.UTC(2025, 3, 16) + index * 1000).toISOString().replace('.000', '');
    const record = {
      ...template,
      eventID: `event-${index}`,
      eventTime: index % 1000 === 999 ? undefined : time,
    };
    if (record.eventTime === undefined) broken.push(index);
    records.push(record);
    size += JSON.stringify(record).length + 1;
  }
  return { text: JSON.stringify({ Records: records }), count: records.length, broken };
}

describe('parseRecords on a 10 MB log file', () => {
  const { text, count, broken } = largeLogFile();

  it.each([
    ['as written', Buffer.from(text)],
    ['gzipped', gzipSync(text)],
  ])('reads every record of it %s and names each unusable one', (form, bytes) => {
    const start = performance.now();
    const { records, rejected } = parseRecords(bytes);
    const ms = performance.now() - start;
    console.info(
      `parsed ${count} records (${(text.length / 1024 / 1024).toFixed(1)} MB, ${form}) in ${ms.toFixed(0)} ms`,
    );
    expect(text.length).toBeGreaterThanOrEqual(TEN_MB);
    expect(records).toHaveLength(count - broken.length);
    expect(records[0]).toMatchObject({ eventId: 'event-0', eventTime: '2025-04-16T00:00:00.000Z' });
    const last = broken.includes(count - 1) ? count - 2 : count - 1;
    expect(records.at(-1)?.eventId).toBe(`event-${last}`);
    expect(rejected).toEqual(broken.map((index) => ({ index, reason: 'no eventTime' })));
  });
});
