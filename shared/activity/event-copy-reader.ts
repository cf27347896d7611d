import { decodeDocument } from '../inventory/roles.js';
import type { Role } from '../inventory/snapshot.js';
import type { AccountReader } from './account-reader.js';
import type { CloudTrailRecord } from './record.js';

/**
 * The role as the event itself describes it (the trust policy an UpdateAssumeRolePolicy or CreateRole
 * sent). Only for offline review of recorded events when no snapshot is at hand: live, the account is
 * re-read instead, since an event's copy alone proves nothing about the state now.
 */
export function eventCopyReader(record: CloudTrailRecord, account: string): AccountReader {
  const request = record.requestParameters ?? {};
  const policy = request.policyDocument ?? request.assumeRolePolicyDocument;
  const name = typeof request.roleName === 'string' ? request.roleName : undefined;
  const role: Role | undefined =
    name && typeof policy === 'string'
      ? {
          name,
          arn: `arn:aws:iam::${account}:role/${name}`,
          path: typeof request.path === 'string' ? request.path : '/',
          trustPolicy: decodeDocument(policy),
          maxSessionDuration:
            typeof request.maxSessionDuration === 'number' ? request.maxSessionDuration : 3600,
          tags: {},
          attachedPolicies: [],
          inlinePolicies: [],
        }
      : undefined;
  return {
    role: async (wanted) => (wanted === name ? role : undefined),
    user: async () => undefined,
    oidcProviders: async () => [],
  };
}
