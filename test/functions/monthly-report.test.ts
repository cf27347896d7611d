import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { monthlyReportHandler } from '../../functions/monthly-report/handler.js';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import type { AssumptionCount, StoredFinding } from '../../shared/findings/store.js';
import { emailText } from '../../shared/notify/email.js';
import { publishAlert } from '../../shared/notify/sns.js';
import { readReport, renderJson } from '../../shared/report/json.js';
import { s3Bucket } from '../../shared/report/s3-bucket.js';
import { SAMPLE_STATE, sampleReport, sampleSeptemberReport } from '../report/sample-report.js';
import { describeMoto } from '../support/moto-suite.js';
import { published } from '../support/moto-topics.js';
import { sampleAccount } from '../support/sample-account.js';
import { createStateTable } from '../support/state-table.js';
import { sampleSettings, silentLogger } from './sample-settings.js';

const endpoint = inject('motoEndpoint');
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const { snapshot } = sampleAccount();
const ACCOUNT = snapshot.account;
const context = {
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:trustwatch-monthly-report`,
};
const FIRST_OF_NOVEMBER = new Date('2026-11-01T06:00:00.000Z');

describeMoto('monthly report function on moto (DynamoDB, S3, SNS)', () => {
  const table = `trustwatch-state-${randomUUID()}`;
  const dynamodb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  // moto serves buckets by path, not by virtual host.
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  const sns = new SNSClient({ endpoint, region: 'us-east-1', credentials });
  const store = new DynamoDbStore(dynamodb, table);

  beforeAll(async () => {
    await createStateTable(dynamodb, table);
    // The sample account's state, kept the way the deployed functions keep it.
    const state = JSON.parse(readFileSync(SAMPLE_STATE, 'utf8')) as {
      findings: Record<string, StoredFinding>;
      assumptions: AssumptionCount[];
    };
    for (const f of Object.values(state.findings)) {
      await store.save({ ...f, status: f.status === 'resolved' ? 'open' : f.status });
      if (f.resolvedAt) await store.resolve(f.id, f.resolvedAt);
    }
    for (let i = 0; i < state.assumptions.length; i += 50) {
      await Promise.all(state.assumptions.slice(i, i + 50).map((a) => store.addAssumption(a)));
    }
    // Some 1,500 counters and 50 findings written one by one to moto.
  }, 180_000);
  afterAll(() => {
    for (const client of [dynamodb, s3, sns]) client.destroy();
  });

  async function setUp() {
    const bucket = `trustwatch-reports-${randomUUID()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: `trustwatch-alerts-${randomUUID()}` }),
    );
    if (!TopicArn) throw new Error('moto created no topic');
    return { bucket, topicArn: TopicArn };
  }

  const handler = (
    bucket: string,
    topicArn: string,
    collect: () => Promise<typeof snapshot>,
    central?: string,
  ) =>
    monthlyReportHandler({
      settings: sampleSettings(),
      store,
      logger: silentLogger(),
      publish: (message) => publishAlert(sns, topicArn, message),
      bucket: s3Bucket(s3, bucket),
      ...(central ? { central: s3Bucket(s3, central) } : {}),
      region: 'us-east-1',
      collect,
      now: () => FIRST_OF_NOVEMBER,
    });

  const text = async (bucket: string, key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: (await object.Body?.transformToString()) ?? '', contentType: object.ContentType };
  };

  it("on 1 November writes October's HTML and JSON beside September's, then publishes the summary for email and Slack", async () => {
    const { bucket, topicArn } = await setUp();
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${ACCOUNT}/2026-09/report.json`,
        Body: renderJson(sampleSeptemberReport()),
      }),
    );

    const result = await handler(bucket, topicArn, async () => snapshot)(undefined, context);
    expect(result.month).toBe('2026-10');
    expect(result.html).toBe(`s3://${bucket}/${ACCOUNT}/2026-10/report.html`);

    const html = await text(bucket, `${ACCOUNT}/2026-10/report.html`);
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<h1>Compliance report: October 2026</h1>');
    const json = await text(bucket, `${ACCOUNT}/2026-10/report.json`);
    const report = readReport(json.body, 'report.json');
    if ('problem' in report) throw new Error(report.problem);
    // The state read from DynamoDB makes the same report as the same state read from the CLI's file.
    const expected = await sampleReport();
    expect(report.metrics).toEqual(expected.metrics);
    expect(report.comparison).toEqual(expected.comparison);
    expect(report.activity).toEqual(expected.activity);

    const [sent, ...more] = await published(topicArn);
    expect(more).toEqual([]);
    expect(sent?.subject).toBe(`[REPORT] trustwatch: compliance report for October 2026, account ${ACCOUNT}`);
    expect(sent?.attributes).toEqual({
      severity: { Type: 'String', Value: 'report' },
      ruleId: { Type: 'String', Value: 'report' },
      account: { Type: 'String', Value: ACCOUNT },
      kind: { Type: 'String', Value: 'report' },
    });
    const structure = JSON.parse(sent?.message ?? '') as Record<string, string>;
    const message = JSON.parse(structure.lambda ?? '');
    expect(message).toMatchObject({
      kind: 'report',
      account: ACCOUNT,
      summary: { month: '2026-10', location: { html: result.html } },
    });
    expect(structure.email).toBe(emailText(message));
    expect(structure.email).toContain(`s3://${bucket}/${ACCOUNT}/2026-10/report.html`);
    expect(structure.email).toContain('Changes are against September 2026.');
  });

  it('without a previous report or a readable account still writes the report, saying what it lacks', async () => {
    const { bucket, topicArn } = await setUp();
    const result = await handler(bucket, topicArn, async () => {
      throw new Error('AccessDenied: iam:ListRoles');
    })({ month: '2026-09' }, context);
    expect(result.month).toBe('2026-09');
    expect(result.notes).toContain(
      'The account could not be read (AccessDenied: iam:ListRoles): OIDC migration, trusted roles and unused roles are not reported.',
    );
    expect(result.notes).toContain(
      'No report for August 2026 was found: there is no month-over-month comparison.',
    );
    // The account comes from the function's own ARN when the snapshot is missing.
    expect((await text(bucket, `${ACCOUNT}/2026-09/report.json`)).body).toContain('"month": "2026-09"');
    expect(await published(topicArn)).toHaveLength(1);
  });

  it("copies the report to the organization's bucket, under the account's folder, before publishing", async () => {
    const { bucket, topicArn } = await setUp();
    const central = `trustwatch-org-reports-${randomUUID()}`;
    await s3.send(new CreateBucketCommand({ Bucket: central }));
    const result = await handler(
      bucket,
      topicArn,
      async () => snapshot,
      central,
    )({ month: '2026-10' }, context);
    for (const file of ['report.html', 'report.json']) {
      const own = await text(bucket, `${ACCOUNT}/2026-10/${file}`);
      expect(await text(central, `${ACCOUNT}/2026-10/${file}`)).toEqual(own);
    }
    // The summary points at the account's own report.
    expect(result.html).toBe(`s3://${bucket}/${ACCOUNT}/2026-10/report.html`);
    expect(await published(topicArn)).toHaveLength(1);
  });

  it('publishes nothing when the copy fails: the run fails and is retried whole', async () => {
    const { bucket, topicArn } = await setUp();
    const run = handler(bucket, topicArn, async () => snapshot, `trustwatch-absent-${randomUUID()}`);
    await expect(run({ month: '2026-10' }, context)).rejects.toThrow(/bucket does not exist/);
    expect(await published(topicArn)).toEqual([]);
  });
});
