import { canonical } from '../findings/finding.js';
import { decodeDocument } from '../inventory/roles.js';
import type { Role } from '../inventory/snapshot.js';
import { parsePolicy } from '../policy/parse.js';
import type { AccountReader } from './account-reader.js';
import { partitionOf } from './partition.js';
import type { CloudTrailRecord } from './record.js';

/**
 * The trust policy an UpdateAssumeRolePolicy or CreateRole record set, decoded; undefined when the
 * record carries none or one that is not a policy document (a record can hold anything).
 */
export function trustPolicySetBy(record: CloudTrailRecord): unknown | undefined {
  const request = record.requestParameters ?? {};
  const text = request.policyDocument ?? request.assumeRolePolicyDocument;
  if (typeof text !== 'string') return undefined;
  try {
    const document = decodeDocument(text);
    parsePolicy(document);
    return document;
  } catch {
    return undefined;
  }
}

/** Whether two trust policies are the same document, whatever their key order. */
export function sameDocument(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The role as the event itself describes it (the trust policy an UpdateAssumeRolePolicy or CreateRole
 * sent). Only for offline review of recorded events when no snapshot is at hand: live, the account is
 * re-read instead, since an event's copy alone proves nothing about the state now.
 */
export function eventCopyReader(record: CloudTrailRecord, account: string): AccountReader {
  const request = record.requestParameters ?? {};
  const policy = trustPolicySetBy(record);
  const name = typeof request.roleName === 'string' ? request.roleName : undefined;
  const path = typeof request.path === 'string' ? request.path : '/';
  const role: Role | undefined =
    name && policy !== undefined
      ? {
          name,
          arn: `arn:${partitionOf(record.region ?? '')}:iam::${account}:role${path}${name}`,
          path,
          trustPolicy: policy,
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
