import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { describeMoto } from '../support/moto-suite.js';
import { ensureBuilt, SAMPLE, tempFiles, trustwatch } from './run.js';

const endpoint = inject('motoEndpoint');
/** The CLI as a user runs it against an emulator: standard variables, moto's default account. */
const env = {
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
};
const BASELINE = `${SAMPLE}/baseline.json`;
const CONFIG = `${SAMPLE}/trustwatch.config.json`;
const ACCOUNT = (JSON.parse(readFileSync(BASELINE, 'utf8')) as { account: string }).account;

describeMoto('trustwatch baseline publish (moto S3)', () => {
  const bucket = `trustwatch-baselines-${randomUUID().slice(0, 8)}`;
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const object = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString();

  beforeAll(async () => {
    ensureBuilt();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 120_000);
  afterAll(() => s3.destroy());

  it("writes the reviewed baseline and the config under the baseline's account, as they were reviewed", async () => {
    const run = trustwatch(
      ['baseline', 'publish', '--to', `s3://${bucket}/org/baselines/`, '--config', CONFIG, BASELINE],
      { env },
    );
    expect(run.stderr).toContain(`published the baseline of ${ACCOUNT}`);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      `s3://${bucket}/org/baselines/${ACCOUNT}/baseline.json`,
      `s3://${bucket}/org/baselines/${ACCOUNT}/trustwatch.config.json`,
      '',
    ]);
    expect(await object(`org/baselines/${ACCOUNT}/baseline.json`)).toBe(readFileSync(BASELINE, 'utf8'));
    expect(await object(`org/baselines/${ACCOUNT}/trustwatch.config.json`)).toBe(
      readFileSync(CONFIG, 'utf8'),
    );
  });

  it('refuses, writing nothing, a baseline for another account than --account, a bad file or location', async () => {
    const other = ACCOUNT === '111122223333' ? '444455556666' : '111122223333';
    const wrongAccount = trustwatch(
      ['baseline', 'publish', '--to', `s3://${bucket}/x`, '--account', other, BASELINE],
      { env },
    );
    expect(wrongAccount.status).toBe(2);
    expect(wrongAccount.stderr).toContain(
      `${BASELINE}: account: ${ACCOUNT} is not the account given with --account (${other})`,
    );
    const { dir, cleanup } = tempFiles({
      'bad.json': JSON.stringify({ schemaVersion: 1, account: '12345', ciRoles: [], oidcProviders: [] }),
      'bad-config.json': '{"maxKeyAgeDays": "ninety"}',
    });
    try {
      const bad = trustwatch(['baseline', 'publish', '--to', `s3://${bucket}/x`, `${dir}/bad.json`], { env });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(`${dir}/bad.json: account: a 12-digit AWS account id`);
      const badConfig = trustwatch(
        ['baseline', 'publish', '--to', `s3://${bucket}/x`, '--config', `${dir}/bad-config.json`, BASELINE],
        { env },
      );
      expect(badConfig.status).toBe(2);
      expect(badConfig.stderr).toContain(`${dir}/bad-config.json: maxKeyAgeDays:`);
    } finally {
      cleanup();
    }
    const badLocation = trustwatch(['baseline', 'publish', '--to', 'https://example.com/x', BASELINE], {
      env,
    });
    expect(badLocation.status).toBe(2);
    expect(badLocation.stderr).toContain('--to "https://example.com/x": expected s3://BUCKET/PREFIX');
    // Nothing of the refused runs reached the bucket.
    await expect(object(`x/${ACCOUNT}/baseline.json`)).rejects.toThrow(/does not exist/);
  });

  it('says which object it could not write', () => {
    const run = trustwatch(['baseline', 'publish', '--to', 's3://no-such-bucket-here/p', BASELINE], { env });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      `s3://no-such-bucket-here/p/${ACCOUNT}/baseline.json: cannot write (NoSuchBucket`,
    );
  });
});
