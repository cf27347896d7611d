import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { orgRollupHandler } from '../../functions/org-rollup/handler.js';
import { mapLimit } from '../../shared/inventory/map-limit.js';
import { RollupSchema } from '../../shared/report/rollup.js';
import { s3Bucket } from '../../shared/report/s3-bucket.js';
import { s3ReportFolder } from '../../shared/report/s3-report-folder.js';
import { ACCOUNTS, MONTH, organizationFiles } from '../report/organization-reports.js';
import { describeMoto } from '../support/moto-suite.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** What the function logged, by level. */
function recordingLogger() {
  const lines: { level: 'info' | 'warn'; message: string; data: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message: string, data: Record<string, unknown>) => lines.push({ level: 'info', message, data }),
    warn: (message: string, data: Record<string, unknown>) => lines.push({ level: 'warn', message, data }),
  };
}

describeMoto("the organization's roll-up function on moto S3", () => {
  // moto serves buckets by path, not by virtual host.
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const bucket = `trustwatch-org-reports-${randomUUID()}`;
  const get = async (Key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    return { text: (await object.Body?.transformToString('utf-8')) ?? '', contentType: object.ContentType };
  };

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // Four readable October reports, one account that reported for September only, one report of a
    // schema this trustwatch does not read, and September's roll-up (not an account).
    const files = Object.entries(await organizationFiles());
    await mapLimit(files, 8, ([Key, Body]) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body })));
  });
  afterAll(() => s3.destroy());

  const handler = (now: string, expected?: string[], logger = recordingLogger(), name = bucket) =>
    orgRollupHandler({
      folder: s3ReportFolder(s3, name, ''),
      bucket: s3Bucket(s3, name),
      ...(expected ? { expected } : {}),
      logger,
      now: () => new Date(now),
    });

  it('writes the month asked for, naming the missing and the unreadable', async () => {
    const logger = recordingLogger();
    const result = await handler(
      '2026-12-07T10:00:00.000Z',
      [ACCOUNTS.sample, ACCOUNTS.silent],
      logger,
    )({
      month: MONTH,
    });
    expect(result).toEqual({
      month: MONTH,
      written: [`rollup/${MONTH}/rollup.html`, `rollup/${MONTH}/rollup.md`, `rollup/${MONTH}/rollup.json`],
      accounts: 4,
      openFindings: 110,
      missing: [ACCOUNTS.lapsed, ACCOUNTS.silent],
      unreadable: [
        {
          account: ACCOUNTS.future,
          problem: `s3://${bucket}/${ACCOUNTS.future}/${MONTH}/report.json: schemaVersion: 2, not a report version this trustwatch reads (1)`,
        },
      ],
    });
    const warning = logger.lines.find((l) => l.level === 'warn');
    expect(warning?.data).toEqual({
      month: MONTH,
      missing: result.missing,
      unreadable: result.unreadable,
    });

    const json = await get(`rollup/${MONTH}/rollup.json`);
    expect(json.contentType).toBe('application/json');
    const rollup = RollupSchema.parse(JSON.parse(json.text));
    expect(rollup.generatedAt).toBe('2026-12-07T10:00:00.000Z');
    expect(rollup.source).toBe(`s3://${bucket}/`);
    expect(rollup.accounts.map((a) => a.account).sort()).toEqual(
      [ACCOUNTS.sample, ACCOUNTS.busy, ACCOUNTS.hostile, ACCOUNTS.legacy].sort(),
    );
    expect(rollup.missing).toEqual([
      { account: ACCOUNTS.lapsed, source: `s3://${bucket}/${ACCOUNTS.lapsed}/${MONTH}/report.json` },
      { account: ACCOUNTS.silent, source: `s3://${bucket}/${ACCOUNTS.silent}/${MONTH}/report.json` },
    ]);
    expect(rollup.unreadable.map((u) => u.account)).toEqual([ACCOUNTS.future]);

    const html = await get(`rollup/${MONTH}/rollup.html`);
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.text).toMatch(/^<!doctype html>/i);
    for (const account of [ACCOUNTS.busy, ACCOUNTS.lapsed, ACCOUNTS.future])
      expect(html.text).toContain(account);
    const markdown = await get(`rollup/${MONTH}/rollup.md`);
    expect(markdown.contentType).toBe('text/markdown; charset=utf-8');
    expect(markdown.text).toMatch(/^# Organization report: October 2026\n/);
  });

  it('rolls up the previous UTC month when the schedule sends no month', async () => {
    // Run on 2 October, as scheduled: September's roll-up.
    const result = await handler('2026-10-02T06:00:00.000Z')({});
    expect(result.month).toBe('2026-09');
    // Only the lapsed account reported for September; every other account folder is missing.
    expect(result.accounts).toBe(1);
    expect(result.missing).toEqual(
      [ACCOUNTS.sample, ACCOUNTS.busy, ACCOUNTS.hostile, ACCOUNTS.legacy, ACCOUNTS.future].sort(),
    );
    const rollup = RollupSchema.parse(JSON.parse((await get('rollup/2026-09/rollup.json')).text));
    expect(rollup.accounts.map((a) => a.account)).toEqual([ACCOUNTS.lapsed]);
  });

  it('crosses the year: on 2 January it rolls up December', async () => {
    const result = await handler('2027-01-02T06:00:00.000Z')(undefined);
    expect(result.month).toBe('2026-12');
    expect(result.accounts).toBe(0);
    expect(result.written).toContain('rollup/2026-12/rollup.json');
  });

  it.each(['2026-13', '26-10', '', '2026-10/../x'])(
    'refuses the event month %j, writing nothing',
    async (month) => {
      const name = `trustwatch-org-reports-${randomUUID()}`;
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      const logger = recordingLogger();
      await expect(handler('2026-11-02T06:00:00.000Z', undefined, logger, name)({ month })).rejects.toThrow(
        /is not a month: give YYYY-MM/,
      );
      expect(logger.lines).toEqual([]);
    },
  );

  it('fails the run when the bucket cannot be listed, for Lambda to retry and the alarm to fire', async () => {
    const absent = `trustwatch-org-reports-${randomUUID()}`;
    await expect(
      handler('2026-11-02T06:00:00.000Z', undefined, recordingLogger(), absent)({}),
    ).rejects.toThrow(/bucket does not exist/);
  });
});
