import { type IAMClient, paginateListAccessKeys } from '@aws-sdk/client-iam';
import { gapFor } from './gaps.js';
import { mapLimit } from './map-limit.js';
import type { Gap, User } from './snapshot.js';

export interface NamedKey {
  id: string;
  active: boolean;
  created?: string;
}

/**
 * The access key ids of the given users: ListAccessKeys for each, so only for users a finding must
 * name (the credential report has no key ids). A user whose keys cannot be listed is a gap.
 */
export async function nameKeys(
  iam: IAMClient,
  userNames: readonly string[],
): Promise<{ keys: Map<string, NamedKey[]>; gaps: Gap[] }> {
  const keys = new Map<string, NamedKey[]>();
  const gaps: Gap[] = [];
  await mapLimit([...new Set(userNames)], 4, async (userName) => {
    const named: NamedKey[] = [];
    try {
      for await (const page of paginateListAccessKeys({ client: iam }, { UserName: userName })) {
        for (const k of page.AccessKeyMetadata ?? []) {
          named.push({
            id: k.AccessKeyId ?? '',
            active: k.Status === 'Active',
            ...(k.CreateDate ? { created: k.CreateDate.toISOString() } : {}),
          });
        }
      }
      keys.set(userName, named);
    } catch (error) {
      gaps.push(gapFor('iam:ListAccessKeys', `user ${userName}`, error));
    }
  });
  return { keys, gaps };
}

/**
 * Puts the ids on the user's report keys, matched by creation time and status; a key that matches no
 * listed key, or more than one, keeps no id rather than a wrong one.
 */
export function assignKeyIds(user: User, named: readonly NamedKey[]): User {
  return {
    ...user,
    keys: user.keys.map((key) => {
      const matches = named.filter((n) => n.active === key.active && createdTogether(key.created, n.created));
      return matches.length === 1 && matches[0] ? { ...key, id: matches[0].id } : key;
    }),
  };
}

/**
 * Whether a report key and a listed key were created at the same time. The report truncates to the
 * second; a listed time can be up to a second later, since the SDK rounds sub-millisecond fractions
 * (which emulators send) and that can carry into the next second.
 */
export function createdTogether(reported: string | undefined, listed: string | undefined): boolean {
  if (!reported || !listed) return false;
  const lag = Date.parse(listed) - Date.parse(reported);
  return lag >= 0 && lag <= 1000;
}
