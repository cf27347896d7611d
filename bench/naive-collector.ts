import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListUserTagsCommand,
  paginateListRoles,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../shared/inventory/clients.js';
import { trustsGitHub } from '../shared/inventory/github-trust.js';
import { readAccessKeys } from '../shared/inventory/live-reader.js';
import { mapLimit } from '../shared/inventory/map-limit.js';
import { readOidcProviders } from '../shared/inventory/providers.js';
import { decodeDocument, tagRecord } from '../shared/inventory/roles.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../shared/inventory/snapshot.js';

const CONCURRENCY = 4;

/**
 * The obvious way to build the same snapshot, as the benchmark's yardstick: a GetRole per role, then
 * the GitHub-trusted roles' policies one call at a time, and per user ListUserTags, ListAccessKeys and
 * a GetAccessKeyLastUsed per key. Same page size and parallelism as the real collector.
 */
export async function collectNaively({ iam, sts }: AwsClients): Promise<Snapshot> {
  const collectedAt = new Date().toISOString();
  const account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  const names: string[] = [];
  for await (const page of paginateListRoles({ client: iam, pageSize: 1000 }, {})) {
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
    const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })))
      .AttachedPolicies;
    out.attachedPolicies = await Promise.all(
      (attached ?? []).map(async (p) => {
        const arn = p.PolicyArn ?? '';
        const base = { arn, name: p.PolicyName ?? '' };
        return arn.split(':')[4] === 'aws' ? base : { ...base, document: await customerPolicy(arn) };
      }),
    );
    const inline = (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
    out.inlinePolicies = await Promise.all(
      inline.map(async (policyName) => {
        const policy = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
        return { name: policyName, document: decodeDocument(policy.PolicyDocument ?? '') };
      }),
    );
    return out;
  });
  const listedUsers: { name: string; arn: string; path: string; created?: string }[] = [];
  for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
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
    const tags = (await iam.send(new ListUserTagsCommand({ UserName: user.name }))).Tags;
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
