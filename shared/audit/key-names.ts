import type { IAMClient } from '@aws-sdk/client-iam';
import { assignKeyIds, nameKeys } from '../inventory/access-keys.js';
import type { Snapshot } from '../inventory/snapshot.js';
import { type AuditOptions, runAudit } from './audit.js';

/** Key findings name their key: only their users get a ListAccessKeys call. */
const KEY_RULES = new Set(['keys.not-rotated', 'keys.unused', 'keys.two-active', 'keys.ci-user-static-key']);

/**
 * The snapshot with the ids of the access keys the audit has findings about: the credential report
 * has none, so the users those findings name are listed (one ListAccessKeys each); a user whose keys
 * cannot be listed is a gap, and its keys keep no id.
 */
export async function withFindingKeyIds(
  iam: IAMClient,
  snapshot: Snapshot,
  options: AuditOptions,
): Promise<Snapshot> {
  const users = runAudit(snapshot, options)
    .findings.filter((f) => KEY_RULES.has(f.ruleId))
    .map((f) => f.resource.name);
  const { keys, gaps } = await nameKeys(iam, users);
  return {
    ...snapshot,
    users: snapshot.users.map((u) => {
      const listed = keys.get(u.name);
      return listed ? assignKeyIds(u, listed) : u;
    }),
    gaps: [...snapshot.gaps, ...gaps],
  };
}
