import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  paginateListUsers,
  paginateListUserTags,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../shared/inventory/clients.js';
import { trustsGitHub } from '../shared/inventory/github-trust.js';
import { readAccessKeys } from '../shared/inventory/live-reader.js';
import { mapLimit } from '../shared/inventory/map-limit.js';
import { readOidcProviders } from '../shared/inventory/providers.js';
import { decodeDocument, tagRecord } from '../shared/inventory/roles.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../shared/inventory/snapshot.js';

/** As many requests in flight as trustwatch's collector allows itself. */
const CONCURRENCY = 4;
/** The largest page IAM gives, on every list. */
const PAGE = 1000;

const isAwsManaged = (arn: string) => arn.split(':')[4] === 'aws';

/**
 * The same snapshot built the obvious way, with one resource's calls per resource and neither
 * GetAccountAuthorizationDetails nor the credential report: the benchmark's yardstick. Its choices are
 * one consistent set, all generous to it: the largest page on every list, followed to its last page;
 * as many requests in flight as trustwatch's collector; nothing read twice; nothing read that the
 * snapshot does not keep. `naiveCalls` says what that costs, call by call.
 */
export async function collectNaively({ iam, sts }: AwsClients): Promise<Snapshot> {
  const collectedAt = new Date().toISOString();
  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  const names: string[] = [];
  for await (const page of paginateListRoles({ client: iam, pageSize: PAGE }, {})) {
    names.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
  }
  const documents = new Map<string, Promise<unknown>>();
  const customerPolicy = (arn: string) => {
    let document = documents.get(arn);
    if (!document) {
      document = (async () => {
        const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
        const version = await iam.send(
          new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }),
        );
        return decodeDocument(version.PolicyVersion?.Document ?? '');
      })();
      documents.set(arn, document);
    }
    return document;
  };
  const roles = await mapLimit(names, CONCURRENCY, async (name) => {
    // ListRoles carries neither tags nor last use: GetRole does.
    const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: name }));
    if (!role) throw new Error(`GetRole ${name} returned no role`);
    const trustPolicy = decodeDocument(role.AssumeRolePolicyDocument ?? '');
    const lastUsed = role.RoleLastUsed?.LastUsedDate;
    const region = role.RoleLastUsed?.Region;
    const out: Snapshot['roles'][number] = {
      name,
      arn: role.Arn ?? '',
      path: role.Path ?? '/',
      ...(role.CreateDate ? { created: role.CreateDate.toISOString() } : {}),
      trustPolicy,
      maxSessionDuration: role.MaxSessionDuration ?? 3600,
      tags: tagRecord(role.Tags),
      ...(lastUsed ? { lastUsed: { date: lastUsed.toISOString(), ...(region ? { region } : {}) } } : {}),
    };
    if (!trustsGitHub(trustPolicy)) return out;
    const attached: { arn: string; name: string }[] = [];
    for await (const page of paginateListAttachedRolePolicies(
      { client: iam, pageSize: PAGE },
      { RoleName: name },
    )) {
      for (const p of page.AttachedPolicies ?? [])
        attached.push({ arn: p.PolicyArn ?? '', name: p.PolicyName ?? '' });
    }
    out.attachedPolicies = await Promise.all(
      attached.map(async (p) => (isAwsManaged(p.arn) ? p : { ...p, document: await customerPolicy(p.arn) })),
    );
    const inline: string[] = [];
    for await (const page of paginateListRolePolicies({ client: iam, pageSize: PAGE }, { RoleName: name })) {
      inline.push(...(page.PolicyNames ?? []));
    }
    out.inlinePolicies = await Promise.all(
      inline.map(async (policyName) => {
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
        return { name: policyName, document: decodeDocument(policy.PolicyDocument ?? '') };
      }),
    );
    return out;
  });
  const listedUsers: { name: string; arn: string; path: string; created?: string }[] = [];
  for await (const page of paginateListUsers({ client: iam, pageSize: PAGE }, {})) {
    for (const u of page.Users ?? []) {
      listedUsers.push({
        name: u.UserName ?? '',
        arn: u.Arn ?? '',
        path: u.Path ?? '/',
        ...(u.CreateDate ? { created: u.CreateDate.toISOString() } : {}),
      });
    }
  }
  const users = await mapLimit(listedUsers, CONCURRENCY, async (user) => {
    const tags: { Key?: string; Value?: string }[] = [];
    for await (const page of paginateListUserTags({ client: iam, pageSize: PAGE }, { UserName: user.name })) {
      tags.push(...(page.Tags ?? []));
    }
    // ListAccessKeys (IAM allows two keys a user: one page) and GetAccessKeyLastUsed per key.
    const keys = await readAccessKeys(iam, user.name);
    return { ...user, tags: tagRecord(tags), keys };
  });
  const providers = await readOidcProviders(iam);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    account,
    collectedAt,
    roles,
    oidcProviders: providers.providers,
    users,
    gaps: providers.gaps,
  };
}

/** The shape of an account that decides how many calls each collector makes. */
export interface AccountShape {
  roles: number;
  githubRoles: number;
  /** Inline policies of the GitHub-trusted roles, all told. */
  inlinePolicies: number;
  /** Distinct customer-managed policies attached to GitHub-trusted roles. */
  githubCustomerPolicies: number;
  /** Customer-managed policies of the account (GetAccountAuthorizationDetails lists them all). */
  customerPolicies: number;
  users: number;
  keys: number;
  providers: number;
}

const pages = (items: number) => Math.max(1, Math.ceil(items / PAGE));

/** Each call the naive collector makes, with how many times and why, for an account of this shape. */
export function naiveCalls(a: AccountShape): { operation: string; calls: number; why: string }[] {
  return [
    { operation: 'sts:GetCallerIdentity', calls: 1, why: 'the account id' },
    { operation: 'iam:ListRoles', calls: pages(a.roles), why: 'every role, 1,000 a page' },
    { operation: 'iam:GetRole', calls: a.roles, why: 'one per role: ListRoles has no tags or last use' },
    { operation: 'iam:ListAttachedRolePolicies', calls: a.githubRoles, why: 'one per GitHub-trusted role' },
    { operation: 'iam:ListRolePolicies', calls: a.githubRoles, why: 'one per GitHub-trusted role' },
    { operation: 'iam:GetRolePolicy', calls: a.inlinePolicies, why: 'one per inline policy of those roles' },
    {
      operation: 'iam:GetPolicy',
      calls: a.githubCustomerPolicies,
      why: 'one per customer-managed policy attached to them, read once',
    },
    { operation: 'iam:GetPolicyVersion', calls: a.githubCustomerPolicies, why: 'its default version, once' },
    { operation: 'iam:ListUsers', calls: pages(a.users), why: 'every user, 1,000 a page' },
    { operation: 'iam:ListUserTags', calls: a.users, why: 'one per user: ListUsers has no tags' },
    { operation: 'iam:ListAccessKeys', calls: a.users, why: 'one per user' },
    { operation: 'iam:GetAccessKeyLastUsed', calls: a.keys, why: 'one per access key' },
    { operation: 'iam:ListOpenIDConnectProviders', calls: 1, why: 'the OIDC providers' },
    {
      operation: 'iam:GetOpenIDConnectProvider',
      calls: a.providers,
      why: 'one per provider, for its audiences',
    },
  ].filter((c) => c.calls > 0);
}

/** Each call trustwatch's collector makes, for an account of this shape and a report reused or not. */
export function collectorCalls(
  a: AccountShape,
  generateCalls: number,
): { operation: string; calls: number; why: string }[] {
  return [
    { operation: 'sts:GetCallerIdentity', calls: 1, why: 'the account id' },
    {
      operation: 'iam:ListRoles',
      calls: pages(a.roles),
      why: 'trust policies and session lengths, 1,000 roles a page',
    },
    {
      operation: 'iam:GetAccountAuthorizationDetails',
      calls: pages(a.users + a.roles + a.customerPolicies),
      why: 'tags, last use, policies of every role and user: users, roles and customer-managed policies together, 1,000 a page',
    },
    { operation: 'iam:GenerateCredentialReport', calls: generateCalls, why: 'until the report is COMPLETE' },
    { operation: 'iam:GetCredentialReport', calls: 1, why: 'every key of every user, with last use' },
    { operation: 'iam:ListOpenIDConnectProviders', calls: 1, why: 'the OIDC providers' },
    {
      operation: 'iam:GetOpenIDConnectProvider',
      calls: a.providers,
      why: 'one per provider, for its audiences',
    },
  ].filter((c) => c.calls > 0);
}
