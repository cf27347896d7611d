import type { UserDetail } from '@aws-sdk/client-iam';
import type { CredentialReport } from './credential-report.js';
import { tagRecord } from './roles.js';
import type { Gap, User } from './snapshot.js';

export interface UserSources {
  /** Users from GetAccountAuthorizationDetails (path, tags); `complete` is false when a page failed. */
  details: { users: UserDetail[]; complete: boolean };
  /** Keys from the credential report; absent when it could not be had (a gap says why). */
  report?: CredentialReport;
}

/**
 * Users with their keys, joined by name. A user missing from a complete authorization listing was
 * deleted since the report was generated and is left out; when the listing is incomplete, the
 * report's users still appear, with the path their ARN spells and no tags.
 */
export function mergeUsers({ details, report }: UserSources): { users: User[]; gaps: Gap[] } {
  const gaps: Gap[] = [];
  const reported = new Map((report?.users ?? []).map((u) => [u.name, u]));
  const users: User[] = details.users.map((detail) => {
    const name = detail.UserName ?? '';
    const arn = detail.Arn ?? '';
    const row = reported.get(name);
    reported.delete(name);
    if (report && !row) {
      gaps.push({
        resource: arn,
        operation: 'iam:GetCredentialReport',
        reason: `${name} is not in the credential report generated ${report.generatedAt ?? 'earlier'} (IAM reuses a report for up to 4 hours): its keys were not read`,
      });
    }
    return {
      name,
      arn,
      path: detail.Path ?? pathOf(arn, name),
      ...(detail.CreateDate ? { created: detail.CreateDate.toISOString() } : {}),
      tags: tagRecord(detail.Tags),
      keys: row?.keys ?? [],
    };
  });
  if (!details.complete) {
    for (const row of reported.values()) {
      users.push({
        name: row.name,
        arn: row.arn,
        path: pathOf(row.arn, row.name),
        ...(row.created ? { created: row.created } : {}),
        tags: {},
        keys: row.keys,
      });
    }
  }
  return { users: users.sort((a, b) => a.name.localeCompare(b.name)), gaps };
}

/** `arn:aws:iam::123456789012:user/ci/deploy` → `/ci/`: a user ARN is `user` + path + name. */
export function pathOf(arn: string, name: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const path = resource.slice('user'.length, resource.length - name.length);
  return path.startsWith('/') && path.endsWith('/') ? path : '/';
}
