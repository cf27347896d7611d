import {
  GetAccessKeyLastUsedCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import type { AccountReader } from '../activity/account-reader.js';
import { readOidcProviders } from './providers.js';
import { decodeDocument, tagRecord } from './roles.js';
import type { AccessKey, Role, User } from './snapshot.js';

const AWS_MANAGED = 'arn:aws:iam::aws:policy/';

/**
 * Reads one role or user as it is now, for a change event: a handful of calls for the one resource
 * the event touched (the whole-account collector is for audits). A deleted resource is undefined.
 */
export function liveReader(iam: IAMClient): AccountReader {
  return {
    role: (name) => absentIfGone(() => readRole(iam, name)),
    user: (name) => absentIfGone(() => readUser(iam, name)),
    oidcProviders: async () => (await readOidcProviders(iam)).providers,
  };
}

async function absentIfGone<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NoSuchEntityException) return undefined;
    throw error;
  }
}

async function readRole(iam: IAMClient, name: string): Promise<Role> {
  const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: name }));
  const attached =
    (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? [];
  const inlineNames = (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
  const inline = await Promise.all(
    inlineNames.map(async (policy) => {
      const { PolicyDocument } = await iam.send(
        new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }),
      );
      return { name: policy, document: decodeDocument(PolicyDocument ?? '{}') };
    }),
  );
  const attachedPolicies = await Promise.all(
    attached.map(async ({ PolicyArn = '', PolicyName = '' }) => {
      // AWS-managed documents are public and stable: only customer-managed ones are read.
      if (PolicyArn.startsWith(AWS_MANAGED)) return { arn: PolicyArn, name: PolicyName };
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
      const { PolicyVersion } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy?.DefaultVersionId ?? 'v1' }),
      );
      return { arn: PolicyArn, name: PolicyName, document: decodeDocument(PolicyVersion?.Document ?? '{}') };
    }),
  );
  const lastUsed = role?.RoleLastUsed?.LastUsedDate;
  return {
    name,
    arn: role?.Arn ?? '',
    path: role?.Path ?? '/',
    ...(role?.CreateDate ? { created: role.CreateDate.toISOString() } : {}),
    trustPolicy: decodeDocument(role?.AssumeRolePolicyDocument ?? '{}'),
    maxSessionDuration: role?.MaxSessionDuration ?? 3600,
    tags: tagRecord(role?.Tags),
    attachedPolicies,
    inlinePolicies: inline,
    ...(lastUsed
      ? {
          lastUsed: {
            date: lastUsed.toISOString(),
            ...(role?.RoleLastUsed?.Region ? { region: role.RoleLastUsed.Region } : {}),
          },
        }
      : {}),
  };
}

async function readUser(iam: IAMClient, name: string): Promise<User> {
  const { User: user } = await iam.send(new GetUserCommand({ UserName: name }));
  const keys = await readAccessKeys(iam, name);
  return {
    name,
    arn: user?.Arn ?? '',
    path: user?.Path ?? '/',
    ...(user?.CreateDate ? { created: user.CreateDate.toISOString() } : {}),
    tags: tagRecord(user?.Tags),
    keys,
  };
}

/** A user's access keys with their last use (IAM allows two per user, so one page holds them). */
export async function readAccessKeys(iam: IAMClient, userName: string): Promise<AccessKey[]> {
  const metadata =
    (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
  return Promise.all(
    metadata.map(async (k, i): Promise<AccessKey> => {
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
      const date = used.AccessKeyLastUsed?.LastUsedDate;
      return {
        slot: i === 0 ? 1 : 2,
        ...(k.AccessKeyId ? { id: k.AccessKeyId } : {}),
        active: k.Status === 'Active',
        ...(k.CreateDate ? { created: k.CreateDate.toISOString() } : {}),
        ...(date
          ? {
              lastUsed: {
                date: date.toISOString(),
                ...(used.AccessKeyLastUsed?.ServiceName
                  ? { service: used.AccessKeyLastUsed.ServiceName }
                  : {}),
                ...(used.AccessKeyLastUsed?.Region ? { region: used.AccessKeyLastUsed.Region } : {}),
              },
            }
          : {}),
      };
    }),
  );
}
