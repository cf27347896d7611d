import { describe, expect, it } from 'vitest';
import { accountFilesReader, type ReadObject } from '../../shared/account-files/account-files.js';
import type { ObjectRead } from '../../shared/account-files/s3-get-object.js';
import { formatBaseline } from '../../shared/baseline/capture.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';

const ACCOUNT = '111122223333';
const LOCATION = { bucket: 'acme-baselines', prefix: 'org' };
const baselineText = (account = ACCOUNT, owners: string[] = []) =>
  formatBaseline({
    schemaVersion: 1,
    account,
    ciRoles: [],
    oidcProviders: [],
    ciUsers: [],
    observedSubjects: {},
    allowedOwners: owners,
    suppressions: [],
  });

/**
 * A bucket as a map of key → text, answering conditional reads as S3 does (the ETag changes with the
 * text), and recording each request with the ETag it carried.
 */
function fakeBucket(objects: Record<string, string>) {
  const requests: { key: string; knownEtag?: string; answer: ObjectRead['kind'] }[] = [];
  const etag = (text: string) =>
    `"${text.length}-${[...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)}"`;
  const read: ReadObject = async (bucket, key, knownEtag) => {
    expect(bucket).toBe(LOCATION.bucket);
    const text = objects[key];
    const answer: ObjectRead =
      text === undefined
        ? { kind: 'missing' }
        : knownEtag === etag(text)
          ? { kind: 'unchanged' }
          : { kind: 'object', text, etag: etag(text) };
    requests.push({ key, ...(knownEtag ? { knownEtag } : {}), answer: answer.kind });
    return answer;
  };
  return { read, requests };
}

describe("an account's files from the organization's location", () => {
  it('reads once, then asks only whether the ETag changed, and re-reads when it did', async () => {
    const objects: Record<string, string> = { [`org/${ACCOUNT}/baseline.json`]: baselineText() };
    const bucket = fakeBucket(objects);
    const read = accountFilesReader(LOCATION, bucket.read, DEFAULT_CONFIG);

    const first = await read(ACCOUNT);
    expect(first.baseline?.allowedOwners).toEqual([]);
    expect(first.config).toBe(DEFAULT_CONFIG);
    expect(first.missingBaseline).toBeUndefined();
    const second = await read(ACCOUNT);
    expect(second.baseline).toBe(first.baseline);
    objects[`org/${ACCOUNT}/baseline.json`] = baselineText(ACCOUNT, ['acme-corp']);
    objects[`org/${ACCOUNT}/trustwatch.config.json`] = '{"maxKeyAgeDays": 30}';
    const third = await read(ACCOUNT);
    expect(third.baseline?.allowedOwners).toEqual(['acme-corp']);
    expect(third.config.maxKeyAgeDays).toBe(30);

    const baselineReads = bucket.requests.filter((r) => r.key.endsWith('/baseline.json'));
    expect(baselineReads.map((r) => [r.knownEtag !== undefined, r.answer])).toEqual([
      [false, 'object'],
      [true, 'unchanged'],
      [true, 'object'],
    ]);
  });

  it('says where the reviewed baseline is looked for and where the proposal goes when there is none', async () => {
    const read = accountFilesReader(LOCATION, fakeBucket({}).read, DEFAULT_CONFIG);
    expect(await read(ACCOUNT)).toEqual({
      config: DEFAULT_CONFIG,
      missingBaseline: {
        reviewed: `s3://acme-baselines/org/${ACCOUNT}/baseline.json`,
        proposed: {
          bucket: 'acme-baselines',
          key: `org/${ACCOUNT}/baseline.proposed.json`,
          url: `s3://acme-baselines/org/${ACCOUNT}/baseline.proposed.json`,
        },
      },
    });
  });

  it('keeps accounts apart: each reads its own objects', async () => {
    const other = '444455556666';
    const bucket = fakeBucket({
      [`org/${ACCOUNT}/baseline.json`]: baselineText(ACCOUNT, ['one']),
      [`org/${other}/baseline.json`]: baselineText(other, ['two']),
    });
    const read = accountFilesReader(LOCATION, bucket.read, DEFAULT_CONFIG);
    expect((await read(ACCOUNT)).baseline?.allowedOwners).toEqual(['one']);
    expect((await read(other)).baseline?.allowedOwners).toEqual(['two']);
  });

  it.each([
    ['baseline.json', '{"schemaVersion": 1', 'baseline.json: not JSON'],
    ['baseline.json', '{"schemaVersion": 2}', 'baseline.json: schemaVersion:'],
    [
      'baseline.json',
      baselineText('444455556666'),
      'baseline.json: account: 444455556666 is not the account reading it (111122223333)',
    ],
    ['trustwatch.config.json', '{"alerts": {"email": "loud"}}', 'trustwatch.config.json: alerts.email:'],
  ])('names the object and the field of a bad %s', async (file, text, message) => {
    const objects = { [`org/${ACCOUNT}/baseline.json`]: baselineText(), [`org/${ACCOUNT}/${file}`]: text };
    const read = accountFilesReader(LOCATION, fakeBucket(objects).read, DEFAULT_CONFIG);
    await expect(read(ACCOUNT)).rejects.toThrow(`s3://acme-baselines/org/${ACCOUNT}/${message}`);
  });
});
