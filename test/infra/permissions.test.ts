import { readdirSync } from 'node:fs';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionActions, synth } from './synth.js';

/** Document client commands, by the DynamoDB action each one calls. */
const DOCUMENT_COMMANDS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
};

/** IAM's service prefix of each SDK client package. */
const SERVICE_PREFIX: Record<string, string> = {
  'client-iam': 'iam',
  'client-sts': 'sts',
  'client-cloudtrail': 'cloudtrail',
  'client-sns': 'sns',
  'client-secrets-manager': 'secretsmanager',
  'client-s3': 's3',
  'client-dynamodb': 'dynamodb',
  'lib-dynamodb': 'dynamodb',
};

/** Calls AWS authorizes without any policy (sts:GetCallerIdentity). */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/**
 * The AWS actions a function's code can call: its bundle (tree-shaken as deployed) split into the
 * modules esbuild marks with `// path` lines; the SDK commands constructed or paginated in the
 * project's own modules, each named by the client package that defines it.
 */
async function calledActions(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text ?? '';
  const sections = text.split(/^\/\/ (\S+)$/m);
  const packageOf = new Map<string, string>();
  const ownCode: string[] = [];
  for (let i = 1; i < sections.length; i += 2) {
    const path = sections[i] as string;
    const sdk =
      /^node_modules\/@aws-sdk\/((?:client|lib)-[a-z0-9-]+)\/dist-es\/commands\/(\w+)Command\.js$/.exec(path);
    if (sdk) packageOf.set(sdk[2] as string, sdk[1] as string);
    else if (!path.startsWith('node_modules/')) ownCode.push(sections[i + 1] ?? '');
  }
  const actions = new Set<string>();
  for (const code of ownCode)
    for (const m of code.matchAll(/new (\w+?)Command\d*\(|\bpaginate(\w+?)\d*\(/g)) {
      const command = (m[1] ?? m[2]) as string;
      const pkg = packageOf.get(command);
      if (!pkg) throw new Error(`${entry}: no SDK client in the bundle defines ${command}Command`);
      const action = pkg === 'lib-dynamodb' ? DOCUMENT_COMMANDS[command] : command;
      if (!action) throw new Error(`${entry}: ${command}Command has no DynamoDB action in this test's table`);
      actions.add(`${SERVICE_PREFIX[pkg] ?? pkg}:${action}`);
    }
  return [...actions].filter((a) => !NEEDS_NO_PERMISSION.has(a)).sort();
}

/**
 * What a role needs though its code calls no such command: its logs, its failure queue, the topic key,
 * and s3:ListBucket, without which S3 answers GetObject of a missing object with AccessDenied.
 */
const PLUMBING =
  /^(logs:(CreateLogStream|PutLogEvents)|sqs:(SendMessage|GetQueueAttributes|GetQueueUrl)|kms:(Decrypt|GenerateDataKey)|s3:ListBucket)$/;

const FUNCTIONS = readdirSync('functions').filter((d) => d !== 'common');

describe('each function role holds exactly what its code calls', () => {
  let granted: Record<string, string[]>;
  beforeAll(() => {
    granted = functionActions(synth().template);
  });

  it('deploys every function under functions/', () => {
    expect(Object.keys(granted).sort()).toEqual(FUNCTIONS.map((f) => `trustwatch-${f}`).sort());
  });

  it.each(FUNCTIONS)('%s: every call granted, every grant called', async (name) => {
    const called = await calledActions(`functions/${name}/index.ts`);
    expect(called.length).toBeGreaterThan(0);
    const actions = granted[`trustwatch-${name}`] ?? [];
    expect(called.filter((a) => !actions.includes(a))).toEqual([]);
    expect(actions.filter((a) => !called.includes(a) && !PLUMBING.test(a))).toEqual([]);
  });

  it('sees a call the role lacks', async () => {
    // The audit collects the whole account; the digest's code never does, and its role says so.
    const audit = await calledActions('functions/audit/index.ts');
    expect(audit).toContain('iam:GetAccountAuthorizationDetails');
    expect(granted['trustwatch-daily-digest']).not.toContain('iam:GetAccountAuthorizationDetails');
  });
});
