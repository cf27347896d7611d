import {
  type IAMClient,
  type Role as IamRole,
  type ManagedPolicyDetail,
  paginateListRoles,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { decodePolicyText } from '../policy/parse.js';
import { gapFor } from './gaps.js';
import { trustsGitHub } from './github-trust.js';
import type { Gap, Role } from './snapshot.js';

type PolicyAttachment = NonNullable<Role['attachedPolicies']>[number];

/** IAM's default when a role was created without one. */
const DEFAULT_MAX_SESSION_SECONDS = 3600;

/**
 * A policy document as IAM returns it (URL-encoded, RFC 3986) or as emulators and older SDKs hand
 * it back (plain JSON), as a JSON value.
 */
export function decodeDocument(text: string): unknown {
  return JSON.parse(decodePolicyText(text));
}

export interface RoleListing {
  roles: Role[];
  gaps: Gap[];
}

/**
 * Every role with its trust policy and maximum session, from ListRoles pages (which carry neither
 * tags nor last use). A page that still fails after the SDK's retries ends the listing with a gap
 * that says how far it got: the roles already read are kept.
 */
export async function listRoles(
  iam: IAMClient,
  options: { pageSize?: number; onPage?: (listed: number) => void } = {},
): Promise<RoleListing> {
  const roles: Role[] = [];
  const gaps: Gap[] = [];
  try {
    for await (const page of paginateListRoles({ client: iam, pageSize: options.pageSize ?? 1000 }, {})) {
      for (const listed of page.Roles ?? []) roles.push(fromListing(listed, gaps));
      options.onPage?.(roles.length);
    }
  } catch (error) {
    const which = roles.length === 0 ? 'every role' : `the roles after the first ${roles.length}`;
    gaps.push(gapFor('iam:ListRoles', which, error));
  }
  return { roles, gaps };
}

function fromListing(listed: IamRole, gaps: Gap[]): Role {
  const name = listed.RoleName ?? '';
  const arn = listed.Arn ?? '';
  return {
    name,
    arn,
    path: listed.Path ?? '/',
    ...(listed.CreateDate ? { created: listed.CreateDate.toISOString() } : {}),
    trustPolicy: decodedOrRaw(listed.AssumeRolePolicyDocument ?? '', arn, 'decode trust policy', gaps),
    maxSessionDuration: listed.MaxSessionDuration ?? DEFAULT_MAX_SESSION_SECONDS,
    tags: {},
  };
}

/**
 * Adds what GetAccountAuthorizationDetails knows of a role: tags and last use for every role, and for
 * GitHub-trusted roles their attached policies (customer-managed ones with the default version's
 * document, from `policies`) and inline policies.
 */
export function withDetails(
  role: Role,
  detail: RoleDetail,
  policies: Map<string, ManagedPolicyDetail>,
  gaps: Gap[],
): Role {
  const lastUsed = detail.RoleLastUsed?.LastUsedDate;
  const region = detail.RoleLastUsed?.Region;
  const out: Role = {
    ...role,
    tags: tagRecord(detail.Tags),
    ...(lastUsed ? { lastUsed: { date: lastUsed.toISOString(), ...(region ? { region } : {}) } } : {}),
  };
  if (!trustsGitHub(role.trustPolicy)) return out;
  // Sorted, so that the same account always gives the same snapshot text.
  out.attachedPolicies = (detail.AttachedManagedPolicies ?? [])
    .map((attached) => attachment(role, attached.PolicyArn ?? '', attached.PolicyName ?? '', policies, gaps))
    .sort((a, b) => a.arn.localeCompare(b.arn));
  out.inlinePolicies = (detail.RolePolicyList ?? [])
    .map((inline) => ({
      name: inline.PolicyName ?? '',
      document: decodedOrRaw(
        inline.PolicyDocument ?? '',
        role.arn,
        `decode inline policy ${inline.PolicyName}`,
        gaps,
      ),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

function attachment(
  role: Role,
  arn: string,
  name: string,
  policies: Map<string, ManagedPolicyDetail>,
  gaps: Gap[],
): PolicyAttachment {
  // AWS-managed policies (account "aws") are public and versioned by AWS: their name says enough.
  if (arn.split(':')[4] === 'aws') return { arn, name };
  const policy = policies.get(arn);
  const version = policy?.PolicyVersionList?.find((v) => v.VersionId === policy.DefaultVersionId);
  if (!version?.Document) {
    gaps.push({
      resource: arn,
      operation: 'iam:GetAccountAuthorizationDetails',
      reason: `the default version of ${name}, attached to ${role.name}, was not in the authorization details (created during collection?): its permissions were not read`,
    });
    return { arn, name };
  }
  return { arn, name, document: decodedOrRaw(version.Document, arn, 'decode policy version', gaps) };
}

/** A document that does not decode is kept as IAM sent it, and the gap says why it was not read. */
function decodedOrRaw(text: string, resource: string, operation: string, gaps: Gap[]): unknown {
  try {
    return decodeDocument(text);
  } catch (error) {
    gaps.push({ resource, operation, reason: `not a JSON policy document: ${(error as Error).message}` });
    return text;
  }
}

export function tagRecord(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
