import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { cdkEsbuildOptions } from '../../bench/cdk-esbuild.js';
import { appSettings } from '../../infra/app-context.js';
import { bundlingFor } from '../../infra/bundling.js';
import { deployedConfig } from '../../infra/deployed-files.js';
import { captureBaseline, formatBaseline } from '../../shared/baseline/capture.js';
import { createClients } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { githubTrust } from '../support/github-trust.js';
import { lambdaNode } from '../support/lambda-node.js';
import { describeMoto } from '../support/moto-suite.js';
import { createStateTable } from '../support/state-table.js';
import { type DeployedFunction, decision, deployedFunctions, type TemplateJson } from './deployed-roles.js';
import { synth } from './synth.js';

const run = promisify(execFile);
const motoEndpoint = inject('motoEndpoint');
const root = join(import.meta.dirname, '../..');
const REGION = 'eu-west-1';
const ACCOUNT = String(randomInt(100_000_000_000, 999_999_999_999));
const CHAINED = ['audit', 'iam-event', 'slack-notifier'] as const;
type Chained = (typeof CHAINED)[number];
/** The access key each function signs with, so that each call is checked against its own role. */
const keyOf = (name: string) => `AKIA${name.replace(/-/g, '').toUpperCase()}`;

/** One AWS request a function made, as the loopback proxy in front of moto saw it. */
interface Call {
  key: string;
  service: string;
  operation: string;
  params: Record<string, unknown>;
}

/**
 * moto behind a proxy that puts every request in this test's own moto account and records it, and a
 * Slack webhook on loopback: what the functions reach through AWS_ENDPOINT_URL and the secret.
 */
async function startProxy(): Promise<{ url: string; calls: Call[]; slack: unknown[]; server: Server }> {
  const calls: Call[] = [];
  const slack: unknown[] = [];
  const target = new URL(motoEndpoint);
  const server = createServer((incoming: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (c: Buffer) => chunks.push(c));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (incoming.url === '/slack') {
        slack.push(JSON.parse(body.toString()));
        response.end('ok');
        return;
      }
      const scope = /Credential=([^/]+)\/\d+\/[^/]+\/([^/]+)\//.exec(incoming.headers.authorization ?? '');
      const amzTarget = incoming.headers['x-amz-target'];
      const text = body.toString();
      const [operation, params] =
        typeof amzTarget === 'string'
          ? [amzTarget.split('.').at(-1) as string, JSON.parse(text || '{}') as Record<string, unknown>]
          : ((): [string, Record<string, unknown>] => {
              const form = Object.fromEntries(new URLSearchParams(text));
              return [form.Action ?? incoming.url ?? '', form];
            })();
      if (scope) calls.push({ key: scope[1] as string, service: scope[2] as string, operation, params });
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, 'x-moto-account-id': ACCOUNT },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, slack, server };
}

/** The resource ARN a recorded call acts on, as IAM authorizes it. */
function resourceOf(call: Call, secretArn: string): string {
  const p = call.params;
  const arn = (service: string, resource: string, region = REGION) =>
    `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
  switch (call.service) {
    case 'dynamodb':
      return arn('dynamodb', `table/${p.TableName}${p.IndexName ? `/index/${p.IndexName}` : ''}`);
    case 'sns':
      return p.TopicArn as string;
    case 'secretsmanager':
      return secretArn;
    case 'iam': {
      const iam = (resource: string) => `arn:aws:iam::${ACCOUNT}:${resource}`;
      if (p.RoleName) return iam(`role/${p.RoleName}`);
      if (p.UserName) return iam(`user/${p.UserName}`);
      if (p.PolicyArn) return p.PolicyArn as string;
      if (p.OpenIDConnectProviderArn) return p.OpenIDConnectProviderArn as string;
      return '*';
    }
    default:
      throw new Error(`no resource for ${call.service}:${call.operation} in this test`);
  }
}

/** EventBridge's matching for the patterns trustwatch writes: arrays of exact values, nested by field. */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, wanted]) => {
    const value = event[field];
    if (Array.isArray(wanted)) {
      if (wanted.some((w) => typeof w === 'object'))
        throw new Error(`no matcher for ${JSON.stringify(wanted)}`);
      return (Array.isArray(value) ? value : [value]).some((v) => wanted.includes(v));
    }
    return typeof value === 'object' && value !== null && matches(wanted as never, value as never);
  });
}

describeMoto('the deployed monitor as a chain, on moto: every call checked against its role', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-chain-'));
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let functions: Record<string, DeployedFunction>;
  let forwarded: Record<string, unknown>;
  let fromOtherRegions: Record<string, unknown>;
  let slackFilter: unknown;
  let secretArn: string;
  let queueUrl: string;
  let clients: ReturnType<typeof createClients>;
  const role = 'gh-deploy-payments';
  const narrow = githubTrust('repo:acme-corp/payments:ref:refs/heads/main', { account: ACCOUNT });
  // One more branch may deploy: wider than the baseline, and nothing else to report at high or above.
  const wide = githubTrust(
    ['repo:acme-corp/payments:ref:refs/heads/main', 'repo:acme-corp/payments:ref:refs/heads/release'],
    { account: ACCOUNT },
  );

  /** Runs a function's bundle once in a fresh Node.js 22 process, as Lambda would, with the template's environment. */
  async function invoke(
    name: Chained,
    event: unknown,
  ): Promise<{ result?: unknown; failed?: string; logs: string }> {
    const fn = functions[`trustwatch-${name}`] as DeployedFunction;
    const bundle = pathToFileURL(join(dir, name, 'index.mjs')).href;
    const context = {
      invokedFunctionArn: fn.functionArn,
      functionName: fn.functionName,
      awsRequestId: 'chain',
    };
    const script = `const { handler } = await import(${JSON.stringify(bundle)});
const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 60000 };
try { console.log('RESULT ' + JSON.stringify(await handler(JSON.parse(process.env.EVENT), context))); }
catch (error) { console.log('FAILED ' + error.name + ': ' + error.message); }`;
    const environment = Object.fromEntries(
      Object.entries(fn.environment).map(([k, v]) => [k, v.replace(/^\/var\/task\//, `${join(dir, name)}/`)]),
    );
    const { stdout } = await run(lambdaNode(), ['--input-type=module', '-e', script], {
      cwd: join(dir, name),
      env: {
        PATH: process.env.PATH,
        ...environment,
        EVENT: JSON.stringify(event),
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: keyOf(name),
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_ENDPOINT_URL: proxy.url,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    const last = stdout.trim().split('\n').at(-1) ?? '';
    if (last.startsWith('RESULT ')) return { result: JSON.parse(last.slice(7)), logs: stdout };
    return { failed: last.replace(/^FAILED /, ''), logs: stdout };
  }

  beforeAll(async () => {
    proxy = await startProxy();
    const options = {
      endpoint: proxy.url,
      region: REGION,
      credentials: { accessKeyId: 'SETUP', secretAccessKey: 's' },
    };
    clients = createClients(options);
    await clients.iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    );
    await clients.iam.send(
      new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify(narrow) }),
    );
    const context = {
      region: REGION,
      alertEmails: 'security@example.com',
      slackWebhookSecretName: 'trustwatch/slack-webhook',
      allowedOwners: 'acme-corp',
      emailMinimum: 'high',
      slackMinimum: 'high',
      baselineFile: join(dir, 'baseline.json'),
    };
    const config = deployedConfig(undefined, appSettings(context).monitor.config);
    const { snapshot } = await collectSnapshot(clients);
    writeFileSync(context.baselineFile, formatBaseline(captureBaseline(snapshot, config)));

    const app = synth(context);
    const template = app.template.toJSON() as TemplateJson;
    functions = deployedFunctions(template, { account: ACCOUNT, region: REGION });
    const rule = (t: TemplateJson, name: string) =>
      Object.values(t.Resources).find((r) => r.Properties?.Name === name)?.Properties?.EventPattern as Record<
        string,
        unknown
      >;
    const forwarder = app.forwarders.find((f) => f.region === 'us-east-1');
    if (!forwarder) throw new Error('no forwarder in us-east-1');
    const { Template } = await import('aws-cdk-lib/assertions');
    forwarded = rule(
      Template.fromStack(forwarder).toJSON() as TemplateJson,
      'trustwatch-forward-iam-changes',
    );
    fromOtherRegions = rule(template, 'trustwatch-from-other-regions');
    slackFilter = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::SNS::Subscription' && r.Properties?.Protocol === 'lambda',
    )?.Properties?.FilterPolicy;

    for (const name of CHAINED) {
      await build({
        ...cdkEsbuildOptions(bundlingFor(name), join(root, 'functions', name, 'index.ts'), join(dir, name)),
        logLevel: 'error',
      });
      // The files the stack copies next to each bundle (/var/task).
      writeFileSync(join(dir, name, 'trustwatch.config.json'), JSON.stringify(config));
      writeFileSync(join(dir, name, 'baseline.json'), readFileSync(context.baselineFile));
    }

    // The resources the template creates, by the names it gives them.
    const env = functions['trustwatch-audit']?.environment ?? {};
    await createStateTable(new DynamoDBClient(options), env.TRUSTWATCH_TABLE as string);
    const sns = new SNSClient(options);
    const sqs = new SQSClient(options);
    await sns.send(new CreateTopicCommand({ Name: (env.TRUSTWATCH_TOPIC_ARN as string).split(':').at(-1) }));
    ({ ARN: secretArn = '' } = await new SecretsManagerClient(options).send(
      new CreateSecretCommand({ Name: 'trustwatch/slack-webhook', SecretString: `${proxy.url}/slack` }),
    ));
    // The Slack notifier's subscription, its filter as the template writes it, to a queue this test reads.
    ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'slack-channel' })));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: env.TRUSTWATCH_TOPIC_ARN,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify(slackFilter) },
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => proxy?.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  const topicArn = () => functions['trustwatch-audit']?.environment.TRUSTWATCH_TOPIC_ARN as string;
  /** What the functions published to the alert topic (as the proxy saw the Publish): each alert and its attributes. */
  const alerts = async () =>
    proxy.calls
      .filter((c) => c.key !== 'SETUP' && c.operation === 'Publish' && c.params.TopicArn === topicArn())
      .map(({ params }) => {
        const structure = JSON.parse(params.Message as string) as { default: string; lambda: string };
        const alert = JSON.parse(structure.lambda) as { kind: string; finding?: { ruleId: string } };
        const attributes: Record<string, unknown> = {};
        for (let n = 1; params[`MessageAttributes.entry.${n}.Name`]; n++)
          attributes[params[`MessageAttributes.entry.${n}.Name`] as string] =
            params[`MessageAttributes.entry.${n}.Value.StringValue`];
        return { kind: alert.kind, ruleId: alert.finding?.ruleId, attributes, ...structure };
      });
  /** SNS's delivery to the Slack notifier: what passed its filter, as the SNS event Lambda gets. */
  async function deliverToSlack(): Promise<void> {
    const sqs = new SQSClient({
      endpoint: proxy.url,
      region: REGION,
      credentials: { accessKeyId: 'SETUP', secretAccessKey: 's' },
    });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const sent = await alerts();
    for (const m of Messages) {
      // Which publish it is: SNS delivers a queue the default text, with the attributes.
      const envelope = JSON.parse(m.Body ?? '{}') as { MessageId: string; Message: string };
      const alert = sent.find((a) => a.default === envelope.Message);
      if (!alert) throw new Error(`no publish ${envelope.MessageId}`);
      const delivered = await invoke('slack-notifier', {
        Records: [{ EventSource: 'aws:sns', Sns: { MessageId: envelope.MessageId, Message: alert.lambda } }],
      });
      expect(delivered.failed).toBeUndefined();
    }
  }
  const tableItems = async () => {
    const db = new DynamoDBClient({
      endpoint: proxy.url,
      region: REGION,
      credentials: { accessKeyId: 'SETUP', secretAccessKey: 's' },
    });
    const table = functions['trustwatch-audit']?.environment.TRUSTWATCH_TABLE as string;
    const { Items = [] } = await db.send(new ScanCommand({ TableName: table }));
    return Items.map((i) => JSON.stringify(i)).sort();
  };
  const cloudTrailEvent = (id: string, detail: Record<string, unknown>) => ({
    version: '0',
    id,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${String(detail.eventSource).split('.')[0]}`,
    account: ACCOUNT,
    time: detail.eventTime ?? new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail,
  });

  it('walks audit, widening, one alert and one Slack message, silence, the revert resolved, bad events traced', async () => {
    const first = await invoke('audit', {});
    expect(first.failed, first.logs).toBeUndefined();
    expect(await alerts()).toEqual([]);

    // Someone widens the role's trust; CloudTrail delivers the call in us-east-1, the forwarder's rule
    // matches it and sends it to the monitor's bus, whose rule hands it to iam-event.
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: JSON.stringify(wide) }),
    );
    const sample = JSON.parse(
      readFileSync(
        join(root, 'test/fixtures/cloudtrail/elastic-integrations_update-assume-role-policy.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const record: Record<string, unknown> = {
      ...sample,
      eventTime: new Date().toISOString(),
      recipientAccountId: ACCOUNT,
      requestParameters: { roleName: role, policyDocument: JSON.stringify(wide) },
      userIdentity: {
        type: 'IAMUser',
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        userName: 'alice',
      },
    };
    const widening = cloudTrailEvent('eb-chain-1', record);
    expect(matches(forwarded, widening)).toBe(true);
    expect(matches(fromOtherRegions, widening)).toBe(true);
    const live = await invoke('iam-event', widening);
    expect(live.failed, live.logs).toBeUndefined();
    const afterEvent = await alerts();
    expect(afterEvent.map((a) => [a.kind, a.ruleId])).toEqual([['alert', 'drift.trust-wider']]);
    expect(afterEvent[0]?.attributes).toEqual({
      severity: 'critical',
      ruleId: 'drift.trust-wider',
      account: ACCOUNT,
      kind: 'alert',
    });
    await deliverToSlack();
    expect(proxy.slack).toHaveLength(1);
    expect(proxy.slack[0]).toMatchObject({ blocks: expect.any(Array) });

    // The same event again (EventBridge delivers at least once) and the next audit: nothing more.
    expect((await invoke('iam-event', widening)).failed).toBeUndefined();
    expect((await invoke('audit', {})).failed).toBeUndefined();
    expect(await alerts()).toHaveLength(1);
    await deliverToSlack();
    expect(proxy.slack).toHaveLength(1);

    // The revert: the next audit resolves the finding with one notice, which Slack gets too.
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: JSON.stringify(narrow) }),
    );
    expect((await invoke('audit', {})).failed).toBeUndefined();
    expect((await alerts()).map((a) => [a.kind, a.ruleId])).toEqual([
      ['alert', 'drift.trust-wider'],
      ['resolved', 'drift.trust-wider'],
    ]);
    await deliverToSlack();
    expect(proxy.slack).toHaveLength(2);

    // A malformed event the rules deliver, and an unrelated one: the table stays as it was, and both
    // can be found by their ids; the malformed one fails the invocation (to the failures queue).
    const before = await tableItems();
    const { eventTime: _dropped, ...unusable } = record;
    const malformed = cloudTrailEvent('eb-chain-bad', unusable);
    expect(matches(forwarded, malformed)).toBe(true);
    const bad = await invoke('iam-event', malformed);
    expect(bad.failed).toMatch(/^UnusableEventError: event eb-chain-bad from aws.iam: no eventTime/);
    expect(bad.logs).toContain('"id":"eb-chain-bad"');
    expect(bad.logs).toContain(`"eventID":"${record.eventID}"`);
    const unrelated = cloudTrailEvent('eb-chain-s3', {
      ...record,
      eventSource: 's3.amazonaws.com',
      eventName: 'GetBucketAcl',
      requestParameters: { bucketName: 'logs' },
    });
    expect(matches(fromOtherRegions, unrelated)).toBe(true);
    const ignored = await invoke('iam-event', unrelated);
    expect(ignored.failed).toBeUndefined();
    expect(ignored.logs).toContain('"id":"eb-chain-s3"');
    expect(await tableItems()).toEqual(before);
    expect(await alerts()).toHaveLength(2);

    // Every AWS call any function made, evaluated against that function's role policy from the template.
    const byKey = new Map(
      CHAINED.map((name) => [keyOf(name), functions[`trustwatch-${name}`] as DeployedFunction]),
    );
    const made = proxy.calls.filter(
      (c) => byKey.has(c.key) && `${c.service}:${c.operation}` !== 'sts:GetCallerIdentity',
    );
    expect(new Set(made.map((c) => c.key))).toEqual(new Set(byKey.keys()));
    // Each distinct request once: the same call repeated needs the same decision.
    const requests = new Set(
      made.map((c) => JSON.stringify([c.key, `${c.service}:${c.operation}`, resourceOf(c, secretArn)])),
    );
    const denied: string[] = [];
    for (const [key, action, resource] of [...requests].map(
      (r) => JSON.parse(r) as [string, string, string],
    )) {
      const fn = byKey.get(key) as DeployedFunction;
      if ((await decision(fn, action, resource, ACCOUNT)) !== 'Allowed')
        denied.push(`${fn.functionName}: ${action} on ${resource}`);
    }
    expect(denied).toEqual([]);
    expect(requests.size).toBeGreaterThan(10);
  });
});
