import { type AccountRule, daysBetween, userResource } from '../account-rule.js';

export const keysNotRotated: AccountRule = {
  id: 'keys.not-rotated',
  severity: 'high',
  title: 'Access key not rotated',
  rationale:
    'A long-lived access key that is never rotated stays valid for as long as it leaks: in CI logs, caches, forks and laptops. Rotation bounds the damage of a leak that nobody noticed.',
  remediation:
    'Rotate the key (create a second key, switch the consumer, deactivate and delete the old one), or better, replace it with GitHub Actions OIDC federation and delete it.',
  references: [
    'CIS AWS Foundations Benchmark v3.0.0 1.14',
    'AWS Security Hub IAM.3',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#rotate-credentials',
  ],
  check({ snapshot, config, now }) {
    return snapshot.users.flatMap((user) =>
      user.keys
        .filter(
          (k) => k.active && k.created !== undefined && daysBetween(k.created, now) > config.maxKeyAgeDays,
        )
        .map((key) => {
          const age = daysBetween(key.created as string, now);
          return {
            resource: userResource(user),
            message: `${user.name}: access key ${key.id ?? `#${key.slot}`} is ${age} days old (limit ${config.maxKeyAgeDays})`,
            evidence: {
              user: user.name,
              slot: key.slot,
              keyId: key.id,
              created: key.created,
              ageDays: age,
              lastUsed: key.lastUsed,
            },
            detail: { slot: key.slot, created: key.created },
          };
        }),
    );
  },
};
