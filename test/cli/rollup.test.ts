import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { mapLimit } from '../../shared/inventory/map-limit.js';
import { RollupSchema } from '../../shared/report/rollup.js';
import { s3ReportFolder } from '../../shared/report/s3-report-folder.js';
import { ACCOUNTS, MONTH, organizationFiles } from '../report/organization-reports.js';
import { describeMoto } from '../support/moto-suite.js';
import { ensureBuilt, tempFiles, trustwatch } from './run.js';

beforeAll(ensureBuilt);

const READ = [ACCOUNTS.sample, ACCOUNTS.busy, ACCOUNTS.hostile, ACCOUNTS.legacy];

/** The organization's report files written under a fresh directory. */
async function reportDirectory(): Promise<{ dir: string; cleanup: () => void }> {
  const temp = tempFiles({});
  for (const [key, text] of Object.entries(await organizationFiles())) {
    mkdirSync(dirname(join(temp.dir, 'reports', key)), { recursive: true });
    writeFileSync(join(temp.dir, 'reports', key), text);
  }
  return temp;
}

describe('trustwatch report rollup, from a directory', () => {
  it('writes the roll-up, names the unreadable report on stderr and exits 2', async () => {
    const { dir, cleanup } = await reportDirectory();
    try {
      writeFileSync(
        join(dir, 'accounts.txt'),
        `# the organization\n${ACCOUNTS.sample}, ${ACCOUNTS.silent}\n`,
      );
      const run = trustwatch([
        'report',
        'rollup',
        '--month',
        MONTH,
        '--from',
        join(dir, 'reports'),
        '--accounts',
        join(dir, 'accounts.txt'),
        '--out',
        join(dir, 'out'),
        '--format',
        'json',
      ]);
      const path = join(dir, 'out', 'rollup', MONTH, 'rollup.json');
      expect(run.stdout).toBe(
        `wrote ${path}: 4 accounts, 110 open findings (19 critical or high); 2 without a report, 1 unreadable\n`,
      );
      expect(run.stderr).toBe(
        `trustwatch: ${join(dir, 'reports', ACCOUNTS.future, MONTH, 'report.json')}: schemaVersion: 2, not a report version this trustwatch reads (1)\n`,
      );
      expect(run.status).toBe(2);
      const rollup = RollupSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
      expect(rollup.accounts.map((a) => a.account).sort()).toEqual([...READ].sort());
      expect(rollup.missing.map((m) => m.account)).toEqual([ACCOUNTS.lapsed, ACCOUNTS.silent]);
      expect(rollup.source).toBe(join(dir, 'reports'));
    } finally {
      cleanup();
    }
  });

  it('exits 0 when every report was read, and writes HTML by default', async () => {
    const { dir, cleanup } = await reportDirectory();
    try {
      const future = join(dir, 'reports', ACCOUNTS.future);
      writeFileSync(
        join(future, MONTH, 'report.json'),
        readFileSync(join(dir, 'reports', ACCOUNTS.busy, MONTH, 'report.json'), 'utf8').replace(
          ACCOUNTS.busy,
          ACCOUNTS.future,
        ),
      );
      const run = trustwatch([
        'report',
        'rollup',
        '--month',
        MONTH,
        '--from',
        join(dir, 'reports'),
        '--out',
        dir,
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const html = readFileSync(join(dir, 'rollup', MONTH, 'rollup.html'), 'utf8');
      expect(html).toContain('<h1>Organization report: October 2026</h1>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>');
      expect(run.stdout).toMatch(/: 5 accounts, .*; 1 without a report, 0 unreadable\n$/);
    } finally {
      cleanup();
    }
  });

  it('takes `aws organizations list-accounts` output as the accounts expected', async () => {
    const { dir, cleanup } = await reportDirectory();
    try {
      const listed = {
        Accounts: [{ Id: ACCOUNTS.silent, Name: 'silent', State: 'ACTIVE' }, { Id: ACCOUNTS.sample }],
      };
      writeFileSync(join(dir, 'accounts.json'), JSON.stringify(listed));
      const run = trustwatch([
        'report',
        'rollup',
        '--month',
        MONTH,
        '--from',
        join(dir, 'reports'),
        '--accounts',
        join(dir, 'accounts.json'),
        '--out',
        dir,
        '--format',
        'markdown',
      ]);
      const md = readFileSync(join(dir, 'rollup', MONTH, 'rollup.md'), 'utf8');
      expect(md).toContain(
        `| \`${ACCOUNTS.silent}\` | \`${join(dir, 'reports', ACCOUNTS.silent, MONTH, 'report.json')}\` |`,
      );
      expect(run.status).toBe(2);
    } finally {
      cleanup();
    }
  });

  it.each([
    [['--month', '2026-13'], /--month "2026-13" is not a month/],
    [['--accounts', 'accounts.txt'], /accounts\.txt: line 2: "12345" is not an AWS account id \(12 digits\)/],
    [['--accounts', 'nope.txt'], /--accounts nope\.txt: cannot read \(ENOENT\)/],
    [['--from', 'missing-dir'], /--from missing-dir: cannot read \(ENOENT\)/],
    [['--format', 'pdf'], /argument 'pdf' is invalid/],
  ])('refuses bad usage (%s) with exit 2 and writes nothing', (args, message) => {
    const { dir, cleanup } = tempFiles({ 'accounts.txt': '111122223333\n12345\n' });
    try {
      const options = new Map([
        ['--month', MONTH],
        ['--from', dir],
        ['--out', join(dir, 'out')],
      ]);
      for (let i = 0; i < args.length; i += 2) options.set(args[i] as string, args[i + 1] as string);
      const run = trustwatch(['report', 'rollup', ...[...options].flat()], { cwd: dir });
      expect(run.stderr).toMatch(message);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
    } finally {
      cleanup();
    }
  });

  it('still requires --month and --out of the account report', () => {
    const run = trustwatch(['report', '--out', 'x']);
    expect(run.stderr).toBe("trustwatch: required option '--month <YYYY-MM>' not specified\n");
    expect(run.status).toBe(2);
  });
});

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

describeMoto('trustwatch report rollup, from S3 (moto)', () => {
  // moto serves buckets by path, not by virtual host.
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const bucket = `org-reports-${Date.now()}`;
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  };
  const put = (Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const files = Object.entries(await organizationFiles());
    await mapLimit(files, 8, ([key, text]) => put(`trustwatch/reports/${key}`, text));
  });

  it('reads every account folder under the prefix, as the CLI is run against an endpoint', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const run = trustwatch(
        [
          'report',
          'rollup',
          '--month',
          MONTH,
          '--from',
          `s3://${bucket}/trustwatch/reports/`,
          '--out',
          dir,
          '--format',
          'json',
        ],
        { env },
      );
      expect(run.stderr).toMatch(/schemaVersion: 2, not a report version/);
      expect(run.status).toBe(2);
      const rollup = RollupSchema.parse(
        JSON.parse(readFileSync(join(dir, 'rollup', MONTH, 'rollup.json'), 'utf8')),
      );
      expect(rollup.source).toBe(`s3://${bucket}/trustwatch/reports`);
      expect(rollup.accounts.map((a) => a.source).sort()).toEqual(
        [...READ].sort().map((a) => `s3://${bucket}/trustwatch/reports/${a}/${MONTH}/report.json`),
      );
      expect(rollup.missing).toEqual([
        {
          account: ACCOUNTS.lapsed,
          source: `s3://${bucket}/trustwatch/reports/${ACCOUNTS.lapsed}/${MONTH}/report.json`,
        },
      ]);
      expect(rollup.unreadable.map((u) => u.account)).toEqual([ACCOUNTS.future]);
    } finally {
      cleanup();
    }
  });

  it('says it cannot list a bucket that is not there, exit 2', () => {
    const run = trustwatch(
      ['report', 'rollup', '--month', MONTH, '--from', `s3://${bucket}-absent/x`, '--out', 'unused'],
      { env },
    );
    expect(run.stderr).toMatch(
      // The SDK may warn about the Node version first.
      new RegExp(`^trustwatch: s3://${bucket}-absent/x: cannot list \\(NoSuchBucket: `, 'm'),
    );
    expect(run.status).toBe(2);
  });

  it('lists account folders over more than one page', async () => {
    const many = Array.from({ length: 25 }, (_, i) => String(100_000_000_000 + i));
    await mapLimit(many, 8, (account) => put(`paged/${account}/2026-09/report.json`, '{}'));
    let pages = 0;
    s3.middlewareStack.add(
      (next) => (args) => {
        pages += 1;
        return next(args);
      },
      { name: 'countPages' },
    );
    try {
      // Ten folders a page: three pages, every folder once.
      expect(await s3ReportFolder(s3, bucket, 'paged', 10).folders()).toEqual(many);
      expect(pages).toBe(3);
    } finally {
      s3.middlewareStack.remove('countPages');
    }
  });
});
