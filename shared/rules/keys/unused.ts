import { type AccountRule, daysBetween, userResource } from '../account-rule.js';

export const keysUnused: AccountRule = {
  id: 'keys.unused',
  severity: 'medium',
  title: 'Active access key not used',
  rationale:
    'An active key nobody uses is pure risk: it can be stolen and used without breaking anything anyone would notice.',
  remediation: 'Deactivate the key, wait a few days for complaints, then delete it.',
  references: ['CIS AWS Foundations Benchmark v3.0.0 1.12', 'AWS Security Hub IAM.22'],
  check({ snapshot, config, now }) {
    return snapshot.users.flatMap((user) =>
      user.keys.flatMap((key) => {
        if (!key.active) return [];
        const lastUsed = key.lastUsed?.date;
        // A key created minutes ago has not been used yet: give it a grace period before it counts.
        const idle = lastUsed !== undefined ? daysBetween(lastUsed, now) : undefined;
        const neverUsedFor =
          lastUsed === undefined && key.created ? daysBetween(key.created, now) : undefined;
        const unused =
          (idle !== undefined && idle > config.maxUnusedDays) ||
          (neverUsedFor !== undefined && neverUsedFor > config.neverUsedGraceDays);
        if (!unused) return [];
        const message =
          idle !== undefined
            ? `${user.name}: access key ${key.id ?? `#${key.slot}`} last used ${idle} days ago (limit ${config.maxUnusedDays})`
            : `${user.name}: access key ${key.id ?? `#${key.slot}`} never used in the ${neverUsedFor} days since it was created`;
        return [
          {
            resource: userResource(user),
            message,
            evidence: {
              user: user.name,
              slot: key.slot,
              keyId: key.id,
              created: key.created,
              lastUsed: key.lastUsed,
            },
            detail: { slot: key.slot, created: key.created },
          },
        ];
      }),
    );
  },
};
