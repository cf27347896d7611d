/**
 * Writes the bundled sample account (examples/sample-account): a snapshot, the baseline it drifted
 * from, a configuration, a morning of CloudTrail events, the monitor's state through August to
 * October 2026 and the report of September (which October's compares with). Every audit rule fires at
 * least once. Run: npx tsx scripts/sample-account.ts
 */
import { writeFileSync } from 'node:fs';
import { BASELINE_SCHEMA_VERSION, type Baseline } from '../shared/baseline/baseline.js';
import { formatBaseline } from '../shared/baseline/capture.js';
import { ConfigSchema } from '../shared/config/config.js';
import { canonical } from '../shared/findings/finding.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../shared/inventory/snapshot.js';
import { assumptionWindow, buildReport } from '../shared/report/aggregate.js';
import { renderJson } from '../shared/report/json.js';
import { parseMonth } from '../shared/report/month.js';
import { sampleState } from './sample-state.js';

const ACCOUNT = '111122223333';
const COLLECTED = '2026-11-02T09:00:00.000Z';
const GITHUB = 'token.actions.githubusercontent.com';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GITHUB}`;
const OWNER = 'acme-corp';

const daysAgo = (n: number) => new Date(Date.parse(COLLECTED) - n * 86_400_000).toISOString();

function github(condition: Record<string, Record<string, string | string[]>>) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  };
}
const aud = { [`${GITHUB}:aud`]: 'sts.amazonaws.com' };
const pinned = (sub: string | string[]) => github({ StringEquals: { ...aud, [`${GITHUB}:sub`]: sub } });
const like = (sub: string | string[]) =>
  github({ StringEquals: aud, StringLike: { [`${GITHUB}:sub`]: sub } });
const withStatement = (policy: ReturnType<typeof github>, statement: object) => ({
  ...policy,
  Statement: [...policy.Statement, statement],
});
const service = (principal: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
});

interface RoleSpec {
  name: string;
  trust: object;
  path?: string;
  maxSessionDuration?: number;
  attached?: { arn: string; name: string; document?: object }[];
  inline?: { name: string; document: object }[];
  lastUsedDays?: number;
}

const deployPolicy = (actions: string[], resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }],
});

/** The twelve roles GitHub Actions can assume, each showing one or more risks (or none). */
const githubRoles: RoleSpec[] = [
  {
    name: 'gh-deploy-payments-prod',
    trust: pinned(`repo:${OWNER}@4410021/payments@88120031:environment:production`),
    inline: [{ name: 'deploy', document: deployPolicy(['ecs:UpdateService', 'ecs:DescribeServices'], '*') }],
    lastUsedDays: 1,
  },
  // Widened from an environment-pinned subject (see the baseline): the role the demo opens with.
  {
    name: 'gh-deploy-web-prod',
    trust: like(`repo:${OWNER}/*`),
    inline: [
      { name: 'deploy', document: deployPolicy(['s3:PutObject', 'cloudfront:CreateInvalidation'], '*') },
    ],
    lastUsedDays: 2,
  },
  {
    name: 'gh-terraform-apply',
    trust: pinned(`repo:${OWNER}/infrastructure:ref:refs/heads/main`),
    attached: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' }],
    maxSessionDuration: 43_200,
    lastUsedDays: 0,
  },
  {
    name: 'gh-ecr-push',
    trust: like('repo:*'),
    attached: [
      {
        arn: `arn:aws:iam::${ACCOUNT}:policy/ecr-push`,
        name: 'ecr-push',
        document: deployPolicy(
          ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'],
          '*',
        ),
      },
    ],
    lastUsedDays: 0,
  },
  {
    name: 'gh-preview-envs',
    trust: pinned([`repo:${OWNER}/web:pull_request`, `repo:${OWNER}/web:ref:refs/heads/main`]),
    lastUsedDays: 3,
  },
  { name: 'gh-docs-publish', trust: like(`repo:${OWNER}/docs:*`), lastUsedDays: 20 },
  {
    name: 'gh-artifacts-read',
    // A vendor's scanner was let in with only an external id: any AWS account that sends it gets in.
    trust: withStatement(github({ StringEquals: aud }), {
      Sid: 'VendorScanner',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'artifact-scan-7f3a' } },
    }),
    lastUsedDays: 5,
  },
  {
    name: 'gh-cross-account-deployer',
    trust: pinned(`repo:${OWNER}/platform:environment:production`),
    inline: [
      { name: 'assume-targets', document: deployPolicy(['sts:AssumeRole'], 'arn:aws:iam::*:role/deployer') },
    ],
    lastUsedDays: 1,
  },
  {
    name: 'gh-contractor-migrations',
    trust: pinned('repo:contractor-co/acme-migrations:ref:refs/heads/main'),
    lastUsedDays: 40,
  },
  {
    name: 'gh-legacy-ci',
    trust: github({ 'ForAllValues:StringLike': { [`${GITHUB}:sub`]: `repo:${OWNER}/legacy:*` } }),
    lastUsedDays: 200,
  },
  { name: 'gh-infra-plan', trust: pinned(`repo:${OWNER}/infrastructure:ref:refs/heads/*`), lastUsedDays: 2 },
  { name: 'gh-api-deploy', trust: pinned(`repo:${OWNER}/api:ref:refs/head/main`), lastUsedDays: 90 },
];

/** Roles GitHub cannot assume: services, people, break-glass. */
const otherRoles: RoleSpec[] = [
  ...[
    'lambda-orders',
    'lambda-invoices',
    'lambda-thumbnails',
    'lambda-search-indexer',
    'lambda-webhooks',
  ].map((name) => ({ name, trust: service('lambda.amazonaws.com') })),
  ...['ecs-task-web', 'ecs-task-api', 'ecs-task-worker', 'ecs-exec'].map((name) => ({
    name,
    trust: service('ecs-tasks.amazonaws.com'),
  })),
  ...['ec2-bastion', 'ec2-build-runner'].map((name) => ({ name, trust: service('ec2.amazonaws.com') })),
  {
    name: 'AWSServiceRoleForECS',
    path: '/aws-service-role/ecs.amazonaws.com/',
    trust: service('ecs.amazonaws.com'),
  },
  {
    name: 'AWSServiceRoleForSupport',
    path: '/aws-service-role/support.amazonaws.com/',
    trust: service('support.amazonaws.com'),
  },
  {
    name: 'AWSServiceRoleForTrustedAdvisor',
    path: '/aws-service-role/trustedadvisor.amazonaws.com/',
    trust: service('trustedadvisor.amazonaws.com'),
  },
  { name: 'rds-monitoring', trust: service('monitoring.rds.amazonaws.com') },
  { name: 'firehose-logs', trust: service('firehose.amazonaws.com') },
  { name: 'stepfunctions-billing', trust: service('states.amazonaws.com') },
  { name: 'cloudformation-exec', trust: service('cloudformation.amazonaws.com') },
  { name: 'codebuild-legacy', trust: service('codebuild.amazonaws.com') },
  ...['sso-admin', 'sso-developer', 'sso-readonly'].map((name) => ({
    name,
    path: '/aws-reserved/sso.amazonaws.com/',
    trust: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO` },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
      ],
    },
  })),
  {
    name: 'break-glass',
    trust: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    },
  },
];

function role(spec: RoleSpec, index: number): Snapshot['roles'][number] {
  const github = githubRoles.includes(spec);
  return {
    name: spec.name,
    arn: `arn:aws:iam::${ACCOUNT}:role${spec.path ?? '/'}${spec.name}`,
    path: spec.path ?? '/',
    created: daysAgo(400 - index * 7),
    trustPolicy: spec.trust,
    maxSessionDuration: spec.maxSessionDuration ?? 3600,
    tags: github ? { team: 'platform', 'managed-by': 'terraform' } : {},
    // Permissions are only collected for GitHub-trusted roles.
    ...(github ? { attachedPolicies: spec.attached ?? [], inlinePolicies: spec.inline ?? [] } : {}),
    ...(spec.lastUsedDays !== undefined
      ? { lastUsed: { date: daysAgo(spec.lastUsedDays), region: 'eu-west-1' } }
      : {}),
  };
}

const key = (slot: 1 | 2, id: string, created: number, lastUsed?: number, active = true) => ({
  slot,
  id,
  active,
  created: daysAgo(created),
  ...(lastUsed !== undefined
    ? { lastUsed: { date: daysAgo(lastUsed), service: 's3', region: 'eu-west-1' } }
    : {}),
});

const users: Snapshot['users'] = [
  // CI users: static keys that should move to OIDC, in every state of neglect.
  {
    name: 'ci-terraform',
    arn: `arn:aws:iam::${ACCOUNT}:user/ci/ci-terraform`,
    path: '/ci/',
    created: daysAgo(900),
    tags: {},
    keys: [key(1, 'AKIAEXAMPLECITERRA01', 412, 1)],
  },
  {
    name: 'ci-ecr-pusher',
    arn: `arn:aws:iam::${ACCOUNT}:user/ci/ci-ecr-pusher`,
    path: '/ci/',
    created: daysAgo(300),
    tags: {},
    keys: [key(1, 'AKIAEXAMPLECIECRPU01', 180, 70), key(2, 'AKIAEXAMPLECIECRPU02', 20, 0)],
  },
  {
    name: 'github-actions-legacy',
    arn: `arn:aws:iam::${ACCOUNT}:user/github-actions-legacy`,
    path: '/',
    created: daysAgo(600),
    tags: { 'trustwatch:ci': 'true' },
    keys: [key(1, 'AKIAEXAMPLEGHLEGACY1', 30, 2)],
  },
  {
    name: 'deploy-bot',
    arn: `arn:aws:iam::${ACCOUNT}:user/deploy-bot`,
    path: '/',
    created: daysAgo(50),
    tags: {},
    keys: [key(1, 'AKIAEXAMPLEDEPLOYBT1', 12)],
  },
  // People and service users.
  {
    name: 'alice',
    arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
    path: '/',
    created: daysAgo(800),
    tags: {},
    keys: [],
  },
  {
    name: 'bob',
    arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
    path: '/',
    created: daysAgo(700),
    tags: {},
    keys: [key(1, 'AKIAEXAMPLEBOB000001', 60, 3)],
  },
  {
    name: 'reporting-export',
    arn: `arn:aws:iam::${ACCOUNT}:user/svc/reporting-export`,
    path: '/svc/',
    created: daysAgo(500),
    tags: {},
    keys: [key(1, 'AKIAEXAMPLEREPORT001', 30, 1), key(2, 'AKIAEXAMPLEREPORT002', 400, undefined, false)],
  },
];

const snapshot: Snapshot = {
  schemaVersion: SNAPSHOT_SCHEMA_VERSION,
  account: ACCOUNT,
  collectedAt: COLLECTED,
  roles: [...githubRoles, ...otherRoles].map(role),
  oidcProviders: [{ arn: PROVIDER_ARN, url: GITHUB, audiences: ['sigstore', 'sts.amazonaws.com'] }],
  users,
  gaps: [],
};

// The baseline: reviewed a month earlier. Since then web-prod was widened, docs narrowed, ecr-push
// added, the provider gained an audience, and a role was deleted.
const baselineTrust: Record<string, object> = {
  'gh-deploy-web-prod': pinned(`repo:${OWNER}/web:environment:production`),
  'gh-docs-publish': like(`repo:${OWNER}/*`),
};
const baseline: Baseline = {
  schemaVersion: BASELINE_SCHEMA_VERSION,
  account: ACCOUNT,
  ciRoles: [
    ...githubRoles
      .filter((r) => r.name !== 'gh-ecr-push')
      .map((r) => ({
        name: r.name,
        arn: `arn:aws:iam::${ACCOUNT}:role/${r.name}`,
        trustPolicy: canonical(baselineTrust[r.name] ?? r.trust),
      })),
    {
      name: 'gh-nightly-backup',
      arn: `arn:aws:iam::${ACCOUNT}:role/gh-nightly-backup`,
      trustPolicy: canonical(pinned(`repo:${OWNER}/backup:ref:refs/heads/main`)),
    },
  ].sort((a, b) => a.name.localeCompare(b.name)),
  oidcProviders: [{ url: GITHUB, audiences: ['sts.amazonaws.com'] }],
  ciUsers: ['deploy-bot'],
  observedSubjects: {
    'gh-deploy-payments-prod': [`repo:${OWNER}@4410021/payments@88120031:environment:production`],
    'gh-terraform-apply': [`repo:${OWNER}/infrastructure:ref:refs/heads/main`],
  },
  allowedOwners: [OWNER],
  suppressions: [
    {
      ruleId: 'role.admin-permissions',
      resource: 'gh-terraform-apply',
      reason: 'Terraform manages IAM itself; reviewed by the platform team (SEC-142), scoped down in Q1',
      expires: '2027-03-31',
    },
    {
      ruleId: 'keys.not-rotated',
      resource: 'reporting-export',
      reason: 'vendor integration, rotation scheduled with the vendor',
      expires: '2026-10-01',
    },
  ],
};

const config = {
  maxKeyAgeDays: 90,
  maxUnusedDays: 45,
  allowedOwners: [OWNER],
  ciUsers: { pathPrefix: '/ci/' },
};

/**
 * A morning of CloudTrail events in the sample account, as EventBridge delivers them (shapes from the
 * real records in test/fixtures/cloudtrail): a trust policy widened, a workflow from a repository the
 * role never saw, a refused deployment, a new key for a CI user, and a monitor rule switched off.
 */
const event = (source: string, eventName: string, minute: number, fields: Record<string, unknown>) => ({
  version: '0',
  id: `00000000-0000-4000-8000-0000000000${String(minute).padStart(2, '0')}`,
  'detail-type': 'AWS API Call via CloudTrail',
  source: `aws.${source.split('.')[0]}`,
  account: ACCOUNT,
  time: `2026-11-02T08:${String(minute).padStart(2, '0')}:00Z`,
  region: 'us-east-1',
  detail: {
    eventVersion: '1.09',
    eventTime: `2026-11-02T08:${String(minute).padStart(2, '0')}:00Z`,
    eventSource: source,
    eventName,
    awsRegion: 'us-east-1',
    eventID: `5a3b0c1e-0000-4000-8000-0000000000${String(minute).padStart(2, '0')}`,
    readOnly: eventName === 'AssumeRoleWithWebIdentity',
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    ...fields,
  },
});
const alice = {
  type: 'IAMUser',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  userName: 'alice',
  accountId: ACCOUNT,
};
const githubCaller = (subject: string) => ({
  type: 'WebIdentityUser',
  principalId: `${PROVIDER_ARN}:sts.amazonaws.com:${subject}`,
  userName: subject,
  identityProvider: PROVIDER_ARN,
});
const ACTIONS_AGENT =
  'aws-sdk-nodejs/2.1112.0 linux/v20.19.0 configure-aws-credentials-for-github-actions promise';
const events = [
  event('iam.amazonaws.com', 'UpdateAssumeRolePolicy', 1, {
    userIdentity: alice,
    sourceIPAddress: '203.0.113.24',
    userAgent: 'aws-cli/2.17.0 md/awscrt#0.20.11',
    requestParameters: {
      roleName: 'gh-deploy-web-prod',
      policyDocument: JSON.stringify(like(`repo:${OWNER}/*`)),
    },
    responseElements: null,
  }),
  event('sts.amazonaws.com', 'AssumeRoleWithWebIdentity', 7, {
    userIdentity: githubCaller(`repo:${OWNER}/marketing-site:ref:refs/heads/feature-x`),
    sourceIPAddress: '52.154.133.36',
    userAgent: ACTIONS_AGENT,
    requestParameters: {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/gh-deploy-web-prod`,
      roleSessionName: 'GitHubActions',
    },
    responseElements: {
      subjectFromWebIdentityToken: `repo:${OWNER}/marketing-site:ref:refs/heads/feature-x`,
      provider: PROVIDER_ARN,
      audience: 'sts.amazonaws.com',
    },
  }),
  event('sts.amazonaws.com', 'AssumeRoleWithWebIdentity', 12, {
    userIdentity: githubCaller(`repo:${OWNER}@4410021/payments@88120031:ref:refs/heads/main`),
    sourceIPAddress: '52.154.133.40',
    userAgent: ACTIONS_AGENT,
    errorCode: 'AccessDenied',
    errorMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    requestParameters: {
      roleArn: `arn:aws:iam::${ACCOUNT}:role/gh-deploy-payments-prod`,
      roleSessionName: 'GitHubActions',
    },
    responseElements: null,
  }),
  event('iam.amazonaws.com', 'CreateAccessKey', 20, {
    userIdentity: alice,
    sourceIPAddress: '203.0.113.24',
    userAgent: 'aws-cli/2.17.0 md/awscrt#0.20.11',
    requestParameters: { userName: 'ci-terraform' },
    responseElements: {
      accessKey: { accessKeyId: 'AKIAEXAMPLECITERRA02', status: 'Active', userName: 'ci-terraform' },
    },
  }),
  event('events.amazonaws.com', 'DisableRule', 31, {
    userIdentity: alice,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'console.amazonaws.com',
    requestParameters: { name: 'trustwatch-iam-events', eventBusName: 'default' },
    responseElements: null,
  }),
];

const dir = 'examples/sample-account';
writeFileSync(`${dir}/snapshot.json`, `${JSON.stringify(snapshot, null, 2)}\n`);
writeFileSync(`${dir}/baseline.json`, formatBaseline(baseline));
writeFileSync(`${dir}/trustwatch.config.json`, `${JSON.stringify(config, null, 2)}\n`);
writeFileSync(`${dir}/events.json`, `${JSON.stringify(events, null, 2)}\n`);
const state = sampleState(snapshot, baseline, ConfigSchema.parse(config));
writeFileSync(`${dir}/state.json`, `${JSON.stringify(state)}\n`);
// September's report, as the deployed function would have written it on 1 October.
const september = parseMonth('2026-09');
const window = assumptionWindow(september);
const previous = buildReport({
  account: ACCOUNT,
  month: september,
  findings: Object.values(state.findings),
  assumptions: state.assumptions.filter((a) => a.day >= window.from && a.day <= window.to),
  snapshot,
  config: ConfigSchema.parse(config),
  baseline,
  generatedAt: '2026-10-01T06:00:00.000Z',
});
writeFileSync(`${dir}/report-2026-09.json`, renderJson(previous));
process.stdout.write(
  `wrote ${dir}: ${snapshot.roles.length} roles, ${users.length} users, ${events.length} events\n`,
);
