import {
  type IAMClient,
  type ManagedPolicyDetail,
  paginateGetAccountAuthorizationDetails,
  type RoleDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { gapFor } from './gaps.js';
import type { Gap } from './snapshot.js';

export interface AuthorizationDetails {
  /** By role ARN. */
  roles: Map<string, RoleDetail>;
  users: UserDetail[];
  /** Customer-managed policies with every version's document, by policy ARN. */
  policies: Map<string, ManagedPolicyDetail>;
  /** False when a page failed: whatever was not read yet is then unknown. */
  complete: boolean;
  gaps: Gap[];
}

/**
 * Roles (tags, last use, attached and inline policies), users (path, tags) and customer-managed
 * policies of the whole account in a few pages of up to 1,000 items: what would otherwise take a
 * GetRole per role and a ListUserTags per user.
 */
export async function readAuthorizationDetails(
  iam: IAMClient,
  options: { pageSize?: number; onPage?: (rolesRead: number) => void } = {},
): Promise<AuthorizationDetails> {
  const details: AuthorizationDetails = {
    roles: new Map(),
    users: [],
    policies: new Map(),
    complete: true,
    gaps: [],
  };
  let pages = 0;
  try {
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: options.pageSize ?? 1000 },
      { Filter: ['Role', 'User', 'LocalManagedPolicy'] },
    )) {
      pages += 1;
      for (const role of page.RoleDetailList ?? []) details.roles.set(role.Arn ?? '', role);
      details.users.push(...(page.UserDetailList ?? []));
      for (const policy of page.Policies ?? []) details.policies.set(policy.Arn ?? '', policy);
      options.onPage?.(details.roles.size);
    }
  } catch (error) {
    details.complete = false;
    const which =
      pages === 0 ? 'every role, user and policy' : `the roles, users and policies after page ${pages}`;
    details.gaps.push(gapFor('iam:GetAccountAuthorizationDetails', which, error));
  }
  return details;
}
