import { readdirSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATUS_INDEX } from '../../shared/findings/table-schema.js';
import { calledActions } from './called-actions.js';
import {
  type DeployedFunction,
  decision,
  deployedFunctions,
  type TemplateJson,
  templateResolver,
} from './deployed-roles.js';
import { FULL_CONTEXT, functionActions, ORGANIZATION_CONTEXT, synth } from './synth.js';

/**
 * What a role needs though its code calls no such command: its logs, its failure queue, the topic key,
 * and s3:ListBucket, without which S3 answers GetObject of a missing object with AccessDenied.
 */
const PLUMBING =
  /^(logs:(CreateLogStream|PutLogEvents)|sqs:(SendMessage|GetQueueAttributes|GetQueueUrl)|kms:(Decrypt|GenerateDataKey)|s3:ListBucket)$/;

/** The functions of the security account's TrustwatchCentral stack, not of every account's monitor. */
const CENTRAL_FUNCTIONS = ['org-rollup'];
const FUNCTIONS = readdirSync('functions').filter((d) => d !== 'common' && !CENTRAL_FUNCTIONS.includes(d));

/**
 * Calls the code makes only when the monitor reads each account's files from a baseline location:
 * with a bundled baseline they are never made, and the role rightly lacks them (the organization's
 * deployment below is held to every call).
 */
const BASELINE_LOCATION_ONLY = /^s3:(GetObject|PutObject)$/;

describe('each function role holds exactly what its code calls', () => {
  let granted: Record<string, string[]>;
  let organization: Record<string, string[]>;
  beforeAll(() => {
    granted = functionActions(synth().template);
    organization = functionActions(synth(ORGANIZATION_CONTEXT).template);
  }, 120_000);

  it('deploys every function under functions/', () => {
    expect(Object.keys(granted).sort()).toEqual(FUNCTIONS.map((f) => `trustwatch-${f}`).sort());
  });

  it.each(FUNCTIONS)('%s: every call granted, every grant called', async (name) => {
    const called = await calledActions(`functions/${name}/index.ts`);
    expect(called.length).toBeGreaterThan(0);
    const actions = granted[`trustwatch-${name}`] ?? [];
    expect(called.filter((a) => !actions.includes(a) && !BASELINE_LOCATION_ONLY.test(a))).toEqual([]);
    expect(actions.filter((a) => !called.includes(a) && !PLUMBING.test(a))).toEqual([]);
  });

  it.each(FUNCTIONS)('%s, baselines from S3: every call granted, every grant called', async (name) => {
    const called = await calledActions(`functions/${name}/index.ts`);
    const actions = organization[`trustwatch-${name}`] ?? [];
    expect(called.filter((a) => !actions.includes(a))).toEqual([]);
    expect(actions.filter((a) => !called.includes(a) && !PLUMBING.test(a))).toEqual([]);
  });

  it.each(CENTRAL_FUNCTIONS)(
    '%s, in the central stack: every call granted, every grant called',
    async (name) => {
      const { central } = synth({ region: 'eu-west-1', centralOrganizationId: 'o-a1b2c3d4e5' });
      if (!central) throw new Error('no central stack synthesized');
      const called = await calledActions(`functions/${name}/index.ts`);
      expect(called).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
      const actions = functionActions(Template.fromStack(central))[`trustwatch-${name}`] ?? [];
      expect(called.filter((a) => !actions.includes(a))).toEqual([]);
      expect(actions.filter((a) => !called.includes(a) && !PLUMBING.test(a))).toEqual([]);
    },
  );

  it('sees a call the role lacks', async () => {
    // The audit collects the whole account; the digest's code never does, and its role says so.
    const audit = await calledActions('functions/audit/index.ts');
    expect(audit).toContain('iam:GetAccountAuthorizationDetails');
    expect(granted['trustwatch-daily-digest']).not.toContain('iam:GetAccountAuthorizationDetails');
  });
});

const PLACE = { account: '111122223333', region: 'eu-west-1' };
const { account, region } = PLACE;
const CENTRAL = {
  centralTopicArn: 'arn:aws:sns:eu-west-1:999988887777:trustwatch-organization-alerts',
  centralTopicKeyArn: 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  centralOrganizationId: 'o-a1b2c3d4e5',
  centralReportBucket: 'trustwatch-org-reports-999988887777',
};

/** A request: an action on a resource, with the resource's policy where the service needs one to allow. */
type Call = [action: string, resource: string, on?: Parameters<typeof decision>[4]];

/** What a deployment's resources are called, as the calls name them. */
interface Deployment {
  fn: DeployedFunction;
  tableArn: string;
  topicKeyArn: string;
  failuresArn: string;
  /** The key policies of the alert topic's key and of the organization's topic key. */
  topicKeyPolicy: unknown;
  centralKeyPolicy: unknown;
  /** The KMS key of the organization's baseline bucket, when the deployment names one. */
  baselineKeyArn?: string;
}

/**
 * The resources each action is called on, as a deployed account has them: ARNs with paths, a secret
 * ARN with its random suffix, AWS managed policies, trails of other regions and of the organization's
 * management account. An action missing here fails the test: a new call must say what it touches.
 */
const REALISTIC: Record<string, (d: Deployment) => string[]> = {
  'dynamodb:GetItem': (d) => [d.tableArn],
  'dynamodb:PutItem': (d) => [d.tableArn],
  'dynamodb:UpdateItem': (d) => [d.tableArn],
  'dynamodb:Query': (d) => [d.tableArn, `${d.tableArn}/index/${STATUS_INDEX.name}`],
  'sns:Publish': (d) => [
    d.fn.environment.TRUSTWATCH_TOPIC_ARN as string,
    d.fn.environment.TRUSTWATCH_CENTRAL_TOPIC_ARN as string,
  ],
  'iam:GetRole': () => roles,
  'iam:GetRolePolicy': () => roles,
  'iam:ListRolePolicies': () => roles,
  'iam:ListAttachedRolePolicies': () => roles,
  'iam:GetUser': () => users,
  'iam:ListAccessKeys': () => users,
  'iam:GetAccessKeyLastUsed': () => users,
  'iam:GetPolicy': () => policies,
  'iam:GetPolicyVersion': () => policies,
  'iam:GetOpenIDConnectProvider': () => [
    `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
    `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com/acme-corp`,
  ],
  'iam:ListOpenIDConnectProviders': () => ['*'],
  'iam:ListRoles': () => ['*'],
  'iam:GetAccountAuthorizationDetails': () => ['*'],
  'iam:GenerateCredentialReport': () => ['*'],
  'iam:GetCredentialReport': () => ['*'],
  'cloudtrail:LookupEvents': () => ['*'],
  'cloudtrail:DescribeTrails': () => ['*'],
  'cloudtrail:GetTrailStatus': () => trails,
  'cloudtrail:GetEventSelectors': () => trails,
  'secretsmanager:GetSecretValue': (d) => [
    `arn:aws:secretsmanager:${region}:${account}:secret:${d.fn.environment.TRUSTWATCH_SLACK_SECRET}-Ab12Cd`,
  ],
  'sqs:SendMessage': (d) => [d.failuresArn],
  'securityhub:BatchImportFindings': () => [
    `arn:aws:securityhub:${region}:${account}:product/${account}/default`,
  ],
  's3:GetObject': (d) => [
    ...reports(d, ['2026-10/report.json']),
    ...accountFiles(d, ['baseline.json', 'trustwatch.config.json']),
  ],
  's3:PutObject': (d) => [
    ...reports(d, ['2026-11/report.html', '2026-11/report.json']),
    ...centralReports(d, ['2026-11/report.html', '2026-11/report.json']),
    ...(d.fn.functionName === 'trustwatch-audit' ? accountFiles(d, ['baseline.proposed.json']) : []),
  ],
};
/** The report bucket's objects of this account, for the function that has the bucket. */
const reports = (d: Deployment, keys: string[]) => {
  const bucket = d.fn.environment.TRUSTWATCH_REPORT_BUCKET;
  return bucket ? keys.map((key) => `arn:aws:s3:::${bucket}/${account}/${key}`) : [];
};
/** This account's monthly reports as copied to the organization's report bucket, when the deployment has one. */
const centralReports = (d: Deployment, keys: string[]) => {
  const bucket = d.fn.environment.TRUSTWATCH_CENTRAL_REPORT_BUCKET;
  return bucket ? keys.map((key) => `arn:aws:s3:::${bucket}/${account}/${key}`) : [];
};
/** This account's objects in the organization's baseline location, when the deployment has one. */
const accountFiles = (d: Deployment, files: string[]) => {
  const location = d.fn.environment.TRUSTWATCH_BASELINE_LOCATION;
  return location
    ? files.map((file) => `${location.replace('s3://', 'arn:aws:s3:::')}/${account}/${file}`)
    : [];
};
const roles = [
  `arn:aws:iam::${account}:role/gh-deploy`,
  `arn:aws:iam::${account}:role/ci/github/gh-deploy-payments`,
];
const users = [`arn:aws:iam::${account}:user/ci-legacy`, `arn:aws:iam::${account}:user/ci/deployers/jenkins`];
const policies = [
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  `arn:aws:iam::${account}:policy/ci/deploy-payments`,
];
const trails = [
  `arn:aws:cloudtrail:${region}:${account}:trail/management-events`,
  `arn:aws:cloudtrail:us-west-2:${account}:trail/west`,
  'arn:aws:cloudtrail:us-east-1:999988887777:trail/organization-trail',
];

/** Calls a function makes whatever its code says: with each call it makes, what else it needs. */
function implied(action: string, resource: string, d: Deployment): Call[] {
  if (action === 'sns:Publish') {
    // SNS encrypts with the topic's key as the publisher: the key's policy must let the publisher in
    // (KMS needs it to, whatever the role says), and so must the role.
    const on =
      resource === CENTRAL.centralTopicArn
        ? {
            resourcePolicy: d.centralKeyPolicy,
            context: { 'aws:PrincipalOrgID': CENTRAL.centralOrganizationId },
          }
        : { resourcePolicy: d.topicKeyPolicy };
    const key = resource === CENTRAL.centralTopicArn ? CENTRAL.centralTopicKeyArn : d.topicKeyArn;
    return [
      ['kms:GenerateDataKey', key, on],
      ['kms:Decrypt', key, on],
    ];
  }
  const calls: Call[] = [];
  // Without it S3 answers a GetObject of a missing object with AccessDenied instead of NoSuchKey.
  if (action === 's3:GetObject') calls.push(['s3:ListBucket', resource.slice(0, resource.indexOf('/'))]);
  // Objects of a bucket encrypted with a KMS key are decrypted and encrypted with it by their reader and writer.
  if (d.baselineKeyArn && accountFiles(d, ['']).some((prefix) => resource.startsWith(prefix)))
    calls.push([
      action === 's3:GetObject' ? 'kms:Decrypt' : 'kms:GenerateDataKey',
      d.baselineKeyArn,
      {
        // The organization's key, as the page on baselines in S3 says to write its policy.
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': CENTRAL.centralOrganizationId } },
            },
          ],
        },
        context: { 'aws:PrincipalOrgID': CENTRAL.centralOrganizationId },
      },
    ]);
  return calls;
}

/** Every request a function makes, with the realistic resources of each. */
function requests(called: string[], d: Deployment): Call[] {
  const stream = `arn:aws:logs:${region}:${account}:log-group:${d.fn.logGroup}:log-stream:2026/11/02/[$LATEST]0123456789abcdef`;
  const out: Call[] = [
    ['logs:CreateLogStream', stream],
    ['logs:PutLogEvents', stream],
    // The on-failure destination sends the failed invocation with the function's role.
    ['sqs:SendMessage', d.failuresArn],
  ];
  for (const action of called) {
    const realistic = REALISTIC[action];
    if (!realistic) throw new Error(`${action}: add the resources it is called on to REALISTIC`);
    for (const resource of realistic(d)) out.push([action, resource], ...implied(action, resource, d));
  }
  return out;
}

describe.each([
  ['a bundled baseline', FULL_CONTEXT],
  ['baselines from S3', ORGANIZATION_CONTEXT],
])(
  'each function may make every call its code makes, on resources as they are deployed (%s)',
  (_name, context) => {
    let deployed: Record<string, DeployedFunction>;
    let template: TemplateJson;
    let centralKeyPolicy: unknown;
    beforeAll(() => {
      const app = synth({ ...context, ...CENTRAL });
      template = app.template.toJSON() as TemplateJson;
      deployed = deployedFunctions(template, PLACE);
      if (!app.central) throw new Error('no central stack synthesized');
      const central = Template.fromStack(app.central).toJSON() as TemplateJson;
      const key = Object.values(central.Resources).find((r) => r.Type === 'AWS::KMS::Key');
      centralKeyPolicy = templateResolver(central, { account: '999988887777', region })(
        key?.Properties?.KeyPolicy,
      );
    });
    const deployment = (name: string): Deployment => {
      const resolve = templateResolver(template, PLACE);
      const idOf = (type: string) =>
        Object.keys(template.Resources).find((id) => template.Resources[id]?.Type === type);
      const failures = Object.keys(template.Resources).find(
        (id) => template.Resources[id]?.Properties?.QueueName === 'trustwatch-failures',
      );
      const fn = deployed[`trustwatch-${name}`];
      if (!fn) throw new Error(`no function trustwatch-${name} in the template`);
      return {
        fn,
        tableArn: resolve({ 'Fn::GetAtt': [idOf('AWS::DynamoDB::GlobalTable'), 'Arn'] }) as string,
        topicKeyArn: resolve({ 'Fn::GetAtt': [idOf('AWS::KMS::Key'), 'Arn'] }) as string,
        failuresArn: resolve({ 'Fn::GetAtt': [failures, 'Arn'] }) as string,
        topicKeyPolicy: resolve(template.Resources[idOf('AWS::KMS::Key') ?? '']?.Properties?.KeyPolicy),
        centralKeyPolicy,
        ...('baselineLocationKeyArn' in context ? { baselineKeyArn: context.baselineLocationKeyArn } : {}),
      };
    };

    it.each(FUNCTIONS)('%s: IAM allows each call', async (name) => {
      const d = deployment(name);
      const denied: string[] = [];
      for (const [action, resource, on] of requests(await calledActions(`functions/${name}/index.ts`), d))
        if ((await decision(d.fn, action, resource, account, on)) !== 'Allowed')
          denied.push(`${action} on ${resource}`);
      expect(denied).toEqual([]);
    });

    it('sees a grant a real ARN misses: the secret named without its random suffix', async () => {
      const d = deployment('slack-notifier');
      const secret = REALISTIC['secretsmanager:GetSecretValue']?.(d)[0] as string;
      expect(await decision(d.fn, 'secretsmanager:GetSecretValue', secret, account)).toBe('Allowed');
      // The grant as it was: the partial ARN `…:secret:NAME` that Secret.fromSecretNameV2 gives.
      const unsuffixed = JSON.parse(JSON.stringify(d.fn.policies).replaceAll('-??????', ''));
      expect(
        await decision({ ...d.fn, policies: unsuffixed }, 'secretsmanager:GetSecretValue', secret, account),
      ).toBe('ImplicitlyDenied');
    });
  },
);

describe("baselines from S3: a function reads its own account's files and writes only the proposal", () => {
  let audit: DeployedFunction;
  let digest: DeployedFunction;
  beforeAll(() => {
    const functions = deployedFunctions(synth(ORGANIZATION_CONTEXT).template.toJSON() as TemplateJson, PLACE);
    audit = functions['trustwatch-audit'] as DeployedFunction;
    digest = functions['trustwatch-daily-digest'] as DeployedFunction;
  }, 60_000);
  const object = (owner: string, file: string) =>
    `arn:aws:s3:::acme-trustwatch-baselines/org/baselines/${owner}/${file}`;

  it.each([
    ['s3:GetObject', object(account, 'baseline.json'), 'Allowed'],
    ['s3:GetObject', object(account, 'trustwatch.config.json'), 'Allowed'],
    ['s3:PutObject', object(account, 'baseline.proposed.json'), 'Allowed'],
    // Another account's files, and the reviewed files themselves, are out of reach.
    ['s3:GetObject', object('444455556666', 'baseline.json'), 'ImplicitlyDenied'],
    ['s3:GetObject', object(account, 'baseline.proposed.json'), 'ImplicitlyDenied'],
    ['s3:PutObject', object(account, 'baseline.json'), 'ImplicitlyDenied'],
    ['s3:PutObject', object('444455556666', 'baseline.proposed.json'), 'ImplicitlyDenied'],
    ['s3:DeleteObject', object(account, 'baseline.json'), 'ImplicitlyDenied'],
  ])('audit: %s on %s is %s', async (action, resource, expected) => {
    expect(await decision(audit, action, resource, account)).toBe(expected);
  });

  it('the other functions read but never write there', async () => {
    expect(await decision(digest, 's3:GetObject', object(account, 'baseline.json'), account)).toBe('Allowed');
    expect(await decision(digest, 's3:PutObject', object(account, 'baseline.proposed.json'), account)).toBe(
      'ImplicitlyDenied',
    );
  });
});
