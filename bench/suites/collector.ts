import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  type IAMClient,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createdTogether } from '../../shared/inventory/access-keys.js';
import { type AwsClients, createClients, totalCalls } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { mapLimit } from '../../shared/inventory/map-limit.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { githubTrust } from '../../test/support/github-trust.js';
import { MOTO_INSTALL_HINT, motoInstalled, startMoto } from '../../test/support/moto.js';
import { ms, type SuiteResult } from '../measure.js';
import { collectNaively } from '../naive-collector.js';

const ROLES = 2000;
const GITHUB_ROLES = 50;
const USERS = 500;
/** Users that also hold a second, deactivated key. */
const USERS_WITH_TWO_KEYS = 100;

/**
 * API calls and wall time of the collector against the naive one (GetRole per role, ListAccessKeys and
 * GetAccessKeyLastUsed per user and key) on one synthetic account in moto: 2,000 roles (50 trusting
 * GitHub), 500 users with keys. Async, unlike the other suites: it talks to moto over HTTP.
 */
export async function collectorSuites(): Promise<SuiteResult[]> {
  const title = `IAM collector against a naive one (moto, ${ROLES} roles of which ${GITHUB_ROLES} GitHub-trusted, ${USERS} users)`;
  if (!motoInstalled()) {
    return [
      { title, lines: [`Not measured: python3 -m moto.server is unavailable (${MOTO_INSTALL_HINT}).`] },
    ];
  }
  const moto = await startMoto();
  try {
    const clients = createClients({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const seeding = await timed(() => seed(clients));
    const cold = await measure(clients, () => collectSnapshot(clients).then((r) => r.snapshot));
    const warm = await measure(clients, () => collectSnapshot(clients).then((r) => r.snapshot));
    const naive = await measure(clients, () => collectNaively(clients));
    const difference = firstDifference(warm.snapshot, naive.snapshot);
    const ratio = naive.total / warm.total;
    const row = (name: string, m: Measured) => `| ${name} | ${m.total} | ${ms(m.wallMs)} |`;
    return [
      {
        title,
        lines: [
          '| collector | API calls | wall time |',
          '|---|---|---|',
          row('trustwatch, credential report generated', cold),
          row('trustwatch, credential report reused (< 4 h old)', warm),
          row('naive', naive),
          '',
          `trustwatch calls: ${breakdown(warm.calls)}.`,
          `Naive calls: ${breakdown(naive.calls)}.`,
          '',
          `Both snapshots hold the same roles, GitHub-trusted role policies, users and keys: ${difference ? `NO (${difference})` : 'yes'}.`,
          `Creating the account in moto took ${ms(seeding)}. On loopback a call costs about a millisecond; against IAM it costs tens, and IAM throttles bursts, so the call count is what scales.`,
          '',
          `Target: at least 50× fewer calls than the naive collector: ${ratio >= 50 ? 'met' : 'NOT met'} (${ratio.toFixed(0)}×).`,
        ],
      },
    ];
  } finally {
    await moto.stop();
  }
}

interface Measured {
  snapshot: Snapshot;
  calls: Record<string, number>;
  total: number;
  wallMs: number;
}

async function measure(clients: AwsClients, collect: () => Promise<Snapshot>): Promise<Measured> {
  const before = clients.calls.counts();
  const start = performance.now();
  const snapshot = await collect();
  const wallMs = performance.now() - start;
  const calls = clients.calls.since(before);
  return { snapshot, calls, total: totalCalls(calls), wallMs };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function breakdown(calls: Record<string, number>): string {
  return Object.entries(calls)
    .sort(([, a], [, b]) => b - a)
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ');
}

/**
 * Where the two snapshots differ, if anywhere, on what both collectors must agree on: the naive one
 * also knows key ids, and the report knows key creation times only to the second.
 */
function firstDifference(a: Snapshot, b: Snapshot): string | undefined {
  const roleFacts = (r: Snapshot['roles'][number]) =>
    JSON.stringify([
      r.trustPolicy,
      r.tags,
      r.maxSessionDuration,
      r.attachedPolicies && [...r.attachedPolicies].sort((x, y) => x.arn.localeCompare(y.arn)),
      r.inlinePolicies && [...r.inlinePolicies].sort((x, y) => x.name.localeCompare(y.name)),
    ]);
  const userFacts = (u: Snapshot['users'][number]) =>
    JSON.stringify([u.path, u.tags, u.keys.map((k) => k.active)]);
  const differs = <T extends { arn: string }>(xs: T[], ys: T[], facts: (x: T) => string) => {
    const other = new Map(ys.map((y) => [y.arn, facts(y)]));
    const names = new Set([...xs.map((x) => x.arn), ...ys.map((y) => y.arn)]);
    if (names.size !== xs.length || names.size !== ys.length) return 'the lists differ';
    return xs.find((x) => other.get(x.arn) !== facts(x))?.arn;
  };
  const listed = new Map(b.users.map((u) => [u.arn, u.keys]));
  const keyTimes = a.users.find((u) =>
    u.keys.some((k, i) => !createdTogether(k.created, listed.get(u.arn)?.[i]?.created)),
  );
  return differs(a.roles, b.roles, roleFacts) ?? differs(a.users, b.users, userFacts) ?? keyTimes?.arn;
}

async function seed({ iam, sts }: AwsClients): Promise<void> {
  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
    }),
  );
  const ec2 = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  await mapLimit(
    Array.from({ length: ROLES }, (_, i) => i),
    16,
    async (i) => {
      if (i >= GITHUB_ROLES) {
        await iam.send(
          new CreateRoleCommand({
            RoleName: `service-${i}`,
            AssumeRolePolicyDocument: ec2,
            Tags: [{ Key: 'team', Value: `t${i % 7}` }],
          }),
        );
        return;
      }
      await createGitHubRole(iam, account, i);
    },
  );
  await mapLimit(
    Array.from({ length: USERS }, (_, i) => i),
    16,
    async (i) => {
      const ci = i % 5 === 0;
      const name = ci ? `ci-${i}` : `user-${i}`;
      await iam.send(
        new CreateUserCommand({
          UserName: name,
          Path: ci ? '/ci/' : '/',
          ...(ci ? { Tags: [{ Key: 'purpose', Value: 'ci' }] } : {}),
        }),
      );
      const first = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      if (i < USERS_WITH_TWO_KEYS) {
        await iam.send(
          new UpdateAccessKeyCommand({
            UserName: name,
            AccessKeyId: first.AccessKey?.AccessKeyId,
            Status: 'Inactive',
          }),
        );
        await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      }
    },
  );
}

/** A deploy role as teams write them: its own policy, a managed one, an inline one. */
async function createGitHubRole(iam: IAMClient, account: string, i: number): Promise<void> {
  const name = `gh-deploy-${i}`;
  const trust = githubTrust(`repo:acme/app-${i}:ref:refs/heads/main`, { operator: 'StringLike', account });
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
      Path: '/ci/',
      AssumeRolePolicyDocument: JSON.stringify(trust),
      Tags: [{ Key: 'repo', Value: `acme/app-${i}` }],
    }),
  );
  const policy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: `${name}-policy`,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::app-${i}/*` }],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: policy.Policy?.Arn }));
  await iam.send(
    new AttachRolePolicyCommand({ RoleName: name, PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'chain',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      }),
    }),
  );
}
