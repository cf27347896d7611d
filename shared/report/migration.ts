import type { Baseline } from '../baseline/baseline.js';
import { isCiUser } from '../baseline/ci-users.js';
import type { Config } from '../config/config.js';
import type { StoredFinding } from '../findings/store.js';
import type { Snapshot } from '../inventory/snapshot.js';
import { bound } from './bounded.js';
import type { Migration } from './model.js';
import { beforeEnd, daysBetween, inMonth, type Month } from './month.js';

/** CI users listed by name; the counts cover all of them. */
const CI_USER_LIMIT = 50;

const AGE_BUCKETS: { label: string; upTo: number }[] = [
  { label: '0–30 days', upTo: 30 },
  { label: '31–90 days', upTo: 90 },
  { label: '91–180 days', upTo: 180 },
  { label: '181–365 days', upTo: 365 },
  { label: 'over a year', upTo: Number.POSITIVE_INFINITY },
];

export interface MigrationInput {
  snapshot: Snapshot;
  config: Config;
  baseline?: Baseline;
  findings: StoredFinding[];
  /** GitHub-trusted roles (by ARN) assumed successfully this month, with how many times. */
  oidcAssumptions: Map<string, number>;
  month: Month;
}

/**
 * How far CI has moved from static keys to OIDC. Keys are seen as the snapshot shows them: a key
 * created after the month ended is left out, and a key's age is its age at the end of the month.
 */
export function migration({
  snapshot,
  config,
  baseline,
  findings,
  oidcAssumptions,
  month,
}: MigrationInput): Migration {
  const ciUsers = snapshot.users
    .filter((u) => isCiUser(u, config, baseline))
    .map((user) => ({
      user,
      keys: user.keys.filter((k) => k.active && (k.created === undefined || beforeEnd(k.created, month))),
    }));
  const holding = ciUsers.filter((u) => u.keys.length > 0);
  const ages = holding.flatMap((u) =>
    u.keys.map((k) => (k.created ? Math.max(0, daysBetween(k.created, month.end)) : undefined)),
  );
  const lastUse = (keys: (typeof holding)[number]['keys']) =>
    keys
      .map((k) => k.lastUsed?.date)
      .filter((d): d is string => d !== undefined)
      .sort()
      .at(-1) ?? null;
  const staticUsersUsed = holding.filter((u) => {
    const last = lastUse(u.keys);
    return last !== null && Date.parse(last) >= Date.parse(month.start);
  }).length;
  const oidcRolesUsed = [...oidcAssumptions.values()].filter((n) => n > 0).length;
  const used = oidcRolesUsed + staticUsersUsed;
  const fromActions = new Set(
    findings
      .filter((f) => f.ruleId === 'activity.static-key-from-actions' && inMonth(f.lastSeen, month))
      .map((f) => String(f.evidence.keyId ?? f.resource.name)),
  );
  return {
    oidcRolesUsed,
    staticUsersUsed,
    oidcShare: used > 0 ? oidcRolesUsed / used : null,
    oidcAssumptions: [...oidcAssumptions.values()].reduce((a, b) => a + b, 0),
    keysUsedFromActions: fromActions.size,
    ciUsersWithKeys: bound(
      holding
        .map(({ user, keys }) => ({
          name: user.name,
          activeKeys: keys.length,
          oldestKeyDays: Math.max(0, ...keys.map((k) => (k.created ? daysBetween(k.created, month.end) : 0))),
          lastUsed: lastUse(keys),
        }))
        .sort((a, b) => b.oldestKeyDays - a.oldestKeyDays || a.name.localeCompare(b.name)),
      CI_USER_LIMIT,
    ),
    keyAges: [
      ...AGE_BUCKETS.map((bucket, i) => ({
        label: bucket.label,
        count: ages.filter((a) => a !== undefined && a <= bucket.upTo && a > (AGE_BUCKETS[i - 1]?.upTo ?? -1))
          .length,
      })),
      ...(ages.some((a) => a === undefined)
        ? [{ label: 'creation date unknown', count: ages.filter((a) => a === undefined).length }]
        : []),
    ],
    rotatedThisMonth: bound(
      ciUsers
        .flatMap(({ user, keys }) =>
          keys
            .filter((k) => inMonth(k.created, month))
            .map((k) => ({ user: user.name, created: k.created as string })),
        )
        .sort((a, b) => a.created.localeCompare(b.created)),
      CI_USER_LIMIT,
    ),
  };
}
