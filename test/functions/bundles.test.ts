import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdkEsbuildOptions } from '../../bench/cdk-esbuild.js';
import { bundlingFor } from '../../infra/bundling.js';
import { goldenAlerts } from '../notify/sample-alerts.js';
import { type FakeAws, startFakeAws } from '../support/fake-aws.js';
import { LAMBDA_RUNTIME, lambdaNode, nodeMajor } from '../support/lambda-node.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const FUNCTIONS = readdirSync(join(root, 'functions')).filter((name) =>
  existsSync(join(root, 'functions', name, 'index.ts')),
);

/** An event each function is triggered with; a function without one is only loaded. */
async function events(): Promise<Record<string, unknown>> {
  const [iamChange] = JSON.parse(
    readFileSync(join(root, 'examples/sample-account/events.json'), 'utf8'),
  ) as unknown[];
  const alert = (await goldenAlerts())['keys-not-rotated'];
  const alarm = JSON.parse(
    readFileSync(join(root, 'test/fixtures/cloudwatch/alarm-lambda-action.json'), 'utf8'),
  ) as unknown;
  return {
    // An alarm that fires: the relay alerts, quoting its rule's texts, rendered for email, through SNS.
    'alarm-relay': alarm,
    'iam-event': iamChange,
    'activity-scan': { 'detail-type': 'Scheduled Event', source: 'aws.events' },
    audit: {},
    'daily-digest': {},
    'slack-notifier': { Records: [{ Sns: { MessageId: 'm-1', Message: JSON.stringify(alert) } }] },
  };
}

/**
 * Each function bundled as the stack deploys it, run in a fresh process of the Lambda runtime's
 * Node.js (22) with no node_modules in reach, as in Lambda, against a local endpoint: the modules infra/bundling.ts leaves out must be
 * ones the functions never load, and the ES module bundle must work with the CommonJS it holds.
 */
describe('deployed bundles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-bundle-test-'));
  let aws: FakeAws;
  let triggers: Record<string, unknown>;

  beforeAll(async () => {
    aws = await startFakeAws();
    triggers = await events();
    for (const name of FUNCTIONS)
      await build({
        ...cdkEsbuildOptions(bundlingFor(name), join(root, 'functions', name, 'index.ts'), join(dir, name)),
        logLevel: 'error',
      });
    // Seven bundles on a busy machine take longer than the default hook timeout.
  }, 120_000);
  afterAll(async () => {
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(FUNCTIONS)('%s runs with the credentials Lambda gives it', async (name) => {
    const bundle = pathToFileURL(join(dir, name, 'index.mjs')).href;
    const event = triggers[name];
    const script =
      event === undefined
        ? `await import(${JSON.stringify(bundle)}); console.log('{}');`
        : `const { handler } = await import(${JSON.stringify(bundle)});
const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:${name}', awsRequestId: 'request-1', functionName: '${name}' };
console.log(JSON.stringify(await handler(${JSON.stringify(event)}, context)));`;
    const { stdout } = await run(
      lambdaNode(),
      ['--enable-source-maps', '--input-type=module', '-e', script],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIAFROMLAMBDA',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_SESSION_TOKEN: 'token',
          AWS_ENDPOINT_URL: aws.url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          TRUSTWATCH_TABLE: 'trustwatch',
          TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:trustwatch-alerts',
          TRUSTWATCH_SLACK_SECRET: 'trustwatch-slack',
          TRUSTWATCH_REPORT_BUCKET: 'trustwatch-reports',
          TRUSTWATCH_FAILURES_QUEUE: `${aws.url}/111122223333/trustwatch-failures`,
        },
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(result).toMatchObject(
      {
        'alarm-relay': { state: 'ALARM', alerted: [expect.any(String)] },
        'iam-event': { records: 1, rejected: 0 },
        'activity-scan': { findings: [expect.objectContaining({ ruleId: 'monitor.trail-not-logging' })] },
        audit: { findings: [] },
        'daily-digest': { kind: 'digest', account: '111122223333' },
        'slack-notifier': { posted: 1, malformed: 0 },
      }[name] ?? {},
    );
  });

  it('runs the bundles on the Node.js major the functions are deployed on', () => {
    expect(`nodejs${nodeMajor(lambdaNode())}.x`).toBe(LAMBDA_RUNTIME);
  });

  it('signed every AWS request with the credentials from the environment', () => {
    const signed = aws.calls.filter((c) => c.operation !== '/slack-webhook');
    expect(signed.length).toBeGreaterThan(0);
    expect(new Set(signed.map((c) => c.signedBy))).toEqual(new Set(['AKIAFROMLAMBDA']));
  });
});
