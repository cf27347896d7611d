import { createdTogether } from '../shared/inventory/access-keys.js';
import type { Snapshot } from '../shared/inventory/snapshot.js';

/**
 * Where the two snapshots differ, if anywhere, on what both collectors must agree on: the naive one
 * also knows key ids, and the report knows key creation times only to the second.
 */
export function firstDifference(a: Snapshot, b: Snapshot): string | undefined {
  const roleFacts = (r: Snapshot['roles'][number]) =>
    JSON.stringify([
      r.trustPolicy,
      r.tags,
      r.maxSessionDuration,
      r.lastUsed,
      r.attachedPolicies && [...r.attachedPolicies].sort((x, y) => x.arn.localeCompare(y.arn)),
      r.inlinePolicies && [...r.inlinePolicies].sort((x, y) => x.name.localeCompare(y.name)),
    ]);
  const userFacts = (u: Snapshot['users'][number]) =>
    JSON.stringify([u.path, u.tags, u.keys.map((k) => [k.active, k.lastUsed?.date])]);
  const differs = <T extends { arn: string }>(xs: T[], ys: T[], facts: (x: T) => string) => {
    const other = new Map(ys.map((y) => [y.arn, facts(y)]));
    const names = new Set([...xs.map((x) => x.arn), ...ys.map((y) => y.arn)]);
    if (names.size !== xs.length || names.size !== ys.length) return 'the lists differ';
    return xs.find((x) => other.get(x.arn) !== facts(x))?.arn;
  };
  const listed = new Map(b.users.map((u) => [u.arn, u.keys]));
  const keyTimes = a.users.find((u) =>
    u.keys.some((k, i) => !createdTogether(k.created, listed.get(u.arn)?.[i]?.created)),
  );
  return differs(a.roles, b.roles, roleFacts) ?? differs(a.users, b.users, userFacts) ?? keyTimes?.arn;
}
