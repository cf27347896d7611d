import { trustsGitHub } from '../shared/inventory/github-trust.js';
import type { FakeAccount, FakeRole, FakeUser } from '../test/support/fake-iam-account.js';
import { githubTrust } from '../test/support/github-trust.js';
import type { AccountShape } from './naive-collector.js';

const ACCOUNT = '111122223333';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const day = (n: number) => new Date(Date.UTC(2026, 10, 1) - n * 86_400_000).toISOString().replace('.000', '');

/**
 * A synthetic account: `roles` roles of which the first `github` are deploy roles trusted by GitHub
 * Actions (as teams write them: their own customer-managed policy, an AWS-managed one, an inline one),
 * the rest service roles; `users` users with a key, the first `twoKeys` with a second, deactivated one.
 */
export function collectorAccount(roles: number, github: number, users: number, twoKeys: number): FakeAccount {
  const deploy = (i: number): FakeRole => {
    const name = `gh-deploy-${i}`;
    return {
      name,
      path: '/ci/',
      created: day(300 + (i % 200)),
      trustPolicy: githubTrust(`repo:acme/app-${i}:ref:refs/heads/main`, {
        operator: 'StringLike',
        account: ACCOUNT,
      }),
      maxSessionDuration: 3600,
      tags: { repo: `acme/app-${i}` },
      ...(i % 3 === 0 ? { lastUsed: { date: day(i % 30), region: 'us-east-1' } } : {}),
      attached: [`arn:aws:iam::${ACCOUNT}:policy/${name}-policy`, READ_ONLY],
      inline: [
        {
          name: 'chain',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
          },
        },
      ],
    };
  };
  const service = (i: number): FakeRole => ({
    name: `service-${i}`,
    path: '/',
    created: day(100 + (i % 500)),
    trustPolicy: EC2_TRUST,
    maxSessionDuration: i % 7 === 0 ? 7200 : 3600,
    tags: { team: `t${i % 7}` },
    ...(i % 3 === 0 ? { lastUsed: { date: day(i % 60), region: 'eu-west-1' } } : {}),
    attached: [],
    inline: [],
  });
  const user = (i: number): FakeUser => {
    const ci = i % 5 === 0;
    const key = (slot: number, active: boolean) => ({
      id: `AKIA${String(i * 2 + slot).padStart(16, '0')}`,
      active,
      created: day(400 - slot - (i % 300)),
      ...((i + slot) % 2 === 0
        ? { lastUsed: { date: day(i % 20), service: 's3', region: 'us-east-1' } }
        : {}),
    });
    return {
      name: ci ? `ci-${i}` : `user-${i}`,
      path: ci ? '/ci/' : '/',
      created: day(500 + (i % 100)),
      tags: ci ? { purpose: 'ci' } : {},
      keys: i < twoKeys ? [key(0, false), key(1, true)] : [key(0, true)],
    };
  };
  return {
    id: ACCOUNT,
    roles: Array.from({ length: roles }, (_, i) => (i < github ? deploy(i) : service(i))),
    users: Array.from({ length: users }, (_, i) => user(i)),
    policies: Array.from({ length: Math.min(github, roles) }, (_, i) => ({
      name: `gh-deploy-${i}-policy`,
      path: '/',
      created: day(300),
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::app-${i}/*` }],
      },
    })),
    providers: [{ url: 'token.actions.githubusercontent.com', audiences: ['sts.amazonaws.com'] }],
  };
}

/** What decides the collectors' call counts in this account. */
export function shapeOf(account: FakeAccount): AccountShape {
  const github = account.roles.filter((r) => trustsGitHub(r.trustPolicy));
  const customer = new Set(github.flatMap((r) => r.attached.filter((arn) => arn.split(':')[4] !== 'aws')));
  return {
    roles: account.roles.length,
    githubRoles: github.length,
    inlinePolicies: github.reduce((n, r) => n + r.inline.length, 0),
    githubCustomerPolicies: customer.size,
    customerPolicies: account.policies.length,
    users: account.users.length,
    keys: account.users.reduce((n, u) => n + u.keys.length, 0),
    providers: account.providers.length,
  };
}
