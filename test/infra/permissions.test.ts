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
import { FULL_CONTEXT, functionActions, synth } from './synth.js';

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
  }, 60_000);

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
    `arn:aws:s3:::${d.fn.environment.TRUSTWATCH_REPORT_BUCKET}/${account}/2026-10/report.json`,
  ],
  's3:PutObject': (d) =>
    [d.fn.environment.TRUSTWATCH_REPORT_BUCKET, d.fn.environment.TRUSTWATCH_CENTRAL_REPORT_BUCKET].flatMap(
      (bucket) => [
        `arn:aws:s3:::${bucket}/${account}/2026-11/report.html`,
        `arn:aws:s3:::${bucket}/${account}/2026-11/report.json`,
      ],
    ),
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
  // Without it S3 answers a GetObject of a missing object with AccessDenied instead of NoSuchKey.
  if (action === 's3:GetObject') return [['s3:ListBucket', resource.slice(0, resource.indexOf('/'))]];
  return [];
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

describe('each function may make every call its code makes, on resources as they are deployed', () => {
  let deployed: Record<string, DeployedFunction>;
  let template: TemplateJson;
  let centralKeyPolicy: unknown;
  beforeAll(() => {
    const app = synth({ ...FULL_CONTEXT, ...CENTRAL });
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
});
