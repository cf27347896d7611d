import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, expect, inject, it, vi } from 'vitest';
import type { TrustwatchMonitor } from '../../infra/monitor.js';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { formatBaseline } from '../../shared/baseline/capture.js';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import { deployedFunctions, type TemplateJson } from '../infra/deployed-roles.js';
import { synth } from '../infra/synth.js';
import { githubTrust } from '../support/github-trust.js';
import { describeMoto } from '../support/moto-suite.js';
import { createStateTable } from '../support/state-table.js';

const endpoint = inject('motoEndpoint');
const REGION = 'eu-west-1';
const PROVIDER = 'token.actions.githubusercontent.com';
const newAccount = () => String(randomInt(100_000_000_000, 999_999_999_999));
/** The organization's security account, which holds the baseline bucket. */
const SECURITY = newAccount();
const BUCKET = `trustwatch-baselines-${randomUUID().slice(0, 8)}`;
const PREFIX = 'org/baselines';

/** Credentials moto ties to `account`: those of a role assumed there, as STS gives a Lambda function. */
async function credentialsIn(account: string) {
  const sts = new STSClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/trustwatch-audit`,
      RoleSessionName: 'trustwatch-audit',
    }),
  );
  sts.destroy();
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials from STS');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

type Credentials = Awaited<ReturnType<typeof credentialsIn>>;
const client = <T>(Client: new (config: object) => T, credentials: Credentials): T =>
  new Client({ endpoint, region: REGION, credentials, forcePathStyle: true });

const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const trust = (account: string, sub: string) => githubTrust(sub, { account, operator: 'StringLike' });

/** A reviewed baseline of `account` that approves exactly these roles' trust. */
function baselineOf(account: string, roles: Record<string, string>): Baseline {
  return BaselineSchema.parse({
    schemaVersion: 1,
    account,
    ciRoles: Object.entries(roles).map(([name, sub]) => ({
      name,
      arn: role(account, name),
      trustPolicy: trust(account, sub),
    })),
    oidcProviders: [{ url: PROVIDER, audiences: ['sts.amazonaws.com'] }],
  });
}

interface Account {
  id: string;
  credentials: Credentials;
  environment: Record<string, string>;
}

describeMoto('one synthesized template, each account audited against its own baseline from S3', () => {
  let template: TemplateJson;
  let monitor: TrustwatchMonitor;
  let dir: string;
  let security: S3Client;
  const saved = { ...process.env };

  beforeAll(() => {
    const app = synth({ region: REGION, baselineLocation: `s3://${BUCKET}/${PREFIX}` });
    template = app.template.toJSON() as TemplateJson;
    monitor = app.monitor.node.findChild('Monitor') as TrustwatchMonitor;
    dir = mkdtempSync(join(tmpdir(), 'trustwatch-task-root-'));
    // The task root as the stack deploys it: the bundled config, the functions' fallback.
    for (const [name, text] of Object.entries(monitor.deployedFiles)) writeFileSync(join(dir, name), text);
  }, 60_000);

  beforeAll(async () => {
    security = client(S3Client, await credentialsIn(SECURITY));
    await security.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }, 60_000);

  afterAll(() => {
    process.env = saved;
    security?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const putObject = (key: string, text: string) =>
    security.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}`, Body: text }));
  const getObject = async (key: string) => {
    const object = await security.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${key}` }));
    return { text: (await object.Body?.transformToString()) ?? '', etag: object.ETag };
  };

  /**
   * An account where the stack is deployed: the audit function's environment as the template gives it
   * there (its table, its topic, the baseline location), the resources it names created on moto, and
   * GitHub-trusted roles with these trust subjects.
   */
  async function deployIn(roles: Record<string, string>): Promise<Account> {
    const id = newAccount();
    const credentials = await credentialsIn(id);
    const fn = deployedFunctions(template, { account: id, region: REGION })['trustwatch-audit'];
    if (!fn) throw new Error('no audit function in the template');
    const environment: Record<string, string> = {
      ...fn.environment,
      TRUSTWATCH_CONFIG: join(dir, 'trustwatch.config.json'),
    };
    const dynamodb = client(DynamoDBClient, credentials);
    await createStateTable(dynamodb, environment.TRUSTWATCH_TABLE as string);
    dynamodb.destroy();
    const sns = client(SNSClient, credentials);
    const topicArn = environment.TRUSTWATCH_TOPIC_ARN as string;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topicArn.split(':').at(-1) }));
    expect(TopicArn).toBe(topicArn);
    sns.destroy();
    const iam = client(IAMClient, credentials);
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${PROVIDER}`,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    );
    for (const [name, sub] of Object.entries(roles))
      await iam.send(
        new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust(id, sub)) }),
      );
    iam.destroy();
    return { id, credentials, environment };
  }

  /** The audit function as Lambda runs it in `account`: a fresh module (a cold start) unless `warm`. */
  async function audit(account: Account, warm = false) {
    process.env = {
      ...saved,
      ...account.environment,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: account.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: account.credentials.sessionToken,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    if (!warm) vi.resetModules();
    const { handler } = await import('../../functions/audit/index.js');
    const context = {
      functionName: 'trustwatch-audit',
      awsRequestId: randomUUID(),
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${account.id}:function:trustwatch-audit`,
    } as Context;
    return handler({}, context);
  }

  /** The findings the audit keeps in the account's state table, open ones, by rule: resource names. */
  async function openFindings(account: Account, prefix: string): Promise<string[]> {
    const dynamodb = client(DynamoDBClient, account.credentials);
    const store = new DynamoDbStore(dynamodb, account.environment.TRUSTWATCH_TABLE as string);
    const open = await store.list('open');
    dynamodb.destroy();
    return open
      .filter((f) => f.ruleId.startsWith(prefix))
      .map((f) => `${f.ruleId} ${f.resource.name}`)
      .sort();
  }

  it('audits two accounts, each against the baseline published for it in the one bucket', async () => {
    // Account A widened deploy-a since its review; account B added a role its review never saw.
    const a = await deployIn({ 'deploy-a': 'repo:acme-corp/*' });
    const b = await deployIn({
      'deploy-b': 'repo:acme-corp/app-b:ref:refs/heads/main',
      'new-b': 'repo:acme-corp/tools:ref:refs/heads/main',
    });
    await putObject(
      `${a.id}/baseline.json`,
      formatBaseline(baselineOf(a.id, { 'deploy-a': 'repo:acme-corp/app-a:ref:refs/heads/main' })),
    );
    await putObject(
      `${b.id}/baseline.json`,
      formatBaseline(baselineOf(b.id, { 'deploy-b': 'repo:acme-corp/app-b:ref:refs/heads/main' })),
    );
    // The same environment in both but the account: the location names no account.
    expect(a.environment.TRUSTWATCH_BASELINE_LOCATION).toBe(`s3://${BUCKET}/${PREFIX}`);
    expect({ ...a.environment, TRUSTWATCH_TOPIC_ARN: '' }).toEqual({
      ...b.environment,
      TRUSTWATCH_TOPIC_ARN: '',
    });

    const resultA = await audit(a);
    const resultB = await audit(b);

    expect(await openFindings(a, 'drift.')).toEqual(['drift.trust-wider deploy-a']);
    expect(await openFindings(b, 'drift.')).toEqual(['drift.new-ci-role new-b']);
    for (const result of [resultA, resultB])
      expect(result.findings.map((f) => f.ruleId)).not.toContain('baseline.missing');
    // Each account's config object is absent: the bundled config applied, no proposal was written.
    await expect(getObject(`${a.id}/baseline.proposed.json`)).rejects.toThrow(/does not exist/);
  }, 120_000);

  it('reports a missing baseline once, proposes one for review, and reads the reviewed one when it appears', async () => {
    const c = await deployIn({ 'deploy-c': 'repo:acme-corp/app-c:ref:refs/heads/main' });

    const first = await audit(c);
    const missing = first.findings.filter((f) => f.ruleId === 'baseline.missing');
    expect(missing.map((f) => f.outcome)).toEqual(['opened']);
    expect(await openFindings(c, 'drift.')).toEqual([]);
    const proposal = await getObject(`${c.id}/baseline.proposed.json`);
    const proposed = BaselineSchema.parse(JSON.parse(proposal.text));
    expect(proposed.account).toBe(c.id);
    expect(proposed.ciRoles.map((r) => r.name)).toEqual(['deploy-c']);

    // An hour later, in the same warm container and after a change: no second report, the proposal kept.
    const iam = client(IAMClient, c.credentials);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'deploy-c2',
        AssumeRolePolicyDocument: JSON.stringify(trust(c.id, 'repo:acme-corp/app-c2:ref:refs/heads/main')),
      }),
    );
    const second = await audit(c, true);
    expect(second.findings.filter((f) => f.ruleId === 'baseline.missing').map((f) => f.outcome)).toEqual([
      'updated',
    ]);
    expect(second.alerted).toEqual([]);
    expect(await getObject(`${c.id}/baseline.proposed.json`)).toEqual(proposal);
    // A cold start does not make it new either: the state table remembers it.
    const third = await audit(c);
    expect(third.findings.filter((f) => f.ruleId === 'baseline.missing').map((f) => f.outcome)).toEqual([
      'updated',
    ]);

    // A person reviews the proposal and publishes it (deploy-c2 not approved): the next invocation
    // of the warm function reads it, drift starts and the missing-baseline finding is resolved.
    await putObject(`${c.id}/baseline.json`, proposal.text);
    const reviewed = await audit(c, true);
    expect(reviewed.findings.map((f) => f.ruleId)).not.toContain('baseline.missing');
    expect(reviewed.resolved).toEqual(missing.map((f) => f.id));
    expect(await openFindings(c, 'drift.')).toEqual(['drift.new-ci-role deploy-c2']);

    // The reviewed baseline changes (deploy-c2 approved): re-read on change, by the same warm function.
    const approved = baselineOf(c.id, {
      'deploy-c': 'repo:acme-corp/app-c:ref:refs/heads/main',
      'deploy-c2': 'repo:acme-corp/app-c2:ref:refs/heads/main',
    });
    await putObject(`${c.id}/baseline.json`, formatBaseline(approved));
    await audit(c, true);
    expect(await openFindings(c, 'drift.')).toEqual([]);

    // And when it goes away again, drift is off and the account is reported as missing one.
    await security.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${c.id}/baseline.json` }));
    const gone = await audit(c, true);
    expect(gone.findings.map((f) => f.ruleId)).toContain('baseline.missing');
    iam.destroy();
  }, 180_000);

  it('names the object and the field of a published baseline that does not fit', async () => {
    const d = await deployIn({});
    await putObject(
      `${d.id}/baseline.json`,
      formatBaseline({ ...baselineOf(d.id, {}), account: SECURITY }).replace('"ciRoles": []', '"ciRoles": 3'),
    );
    await expect(audit(d)).rejects.toThrow(`s3://${BUCKET}/${PREFIX}/${d.id}/baseline.json: ciRoles:`);
    await putObject(`${d.id}/baseline.json`, formatBaseline({ ...baselineOf(d.id, {}), account: SECURITY }));
    await expect(audit(d, true)).rejects.toThrow(
      `s3://${BUCKET}/${PREFIX}/${d.id}/baseline.json: account: ${SECURITY} is not the account reading it (${d.id})`,
    );
    await putObject(`${d.id}/trustwatch.config.json`, '{"maxKeyAgeDays": "ninety"}');
    await putObject(`${d.id}/baseline.json`, formatBaseline(baselineOf(d.id, {})));
    await expect(audit(d, true)).rejects.toThrow(
      `s3://${BUCKET}/${PREFIX}/${d.id}/trustwatch.config.json: maxKeyAgeDays:`,
    );
  }, 120_000);
});
