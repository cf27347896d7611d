import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../shared/inventory/snapshot.js';
import { realisticPolicies } from './realistic-policies.js';

const ACCOUNT = '123456789012';

/** A large account: `roles` roles of which `github` trusted by GitHub Actions, `users` users with keys. */
export function syntheticAccount(roles: number, github: number, users: number): Snapshot {
  const trusts = realisticPolicies(github, 17);
  const service = (i: number) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: i % 2 ? 'lambda.amazonaws.com' : 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  const day = (n: number) => new Date(Date.UTC(2026, 10, 1) - n * 86_400_000).toISOString();
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    account: ACCOUNT,
    collectedAt: day(0),
    roles: Array.from({ length: roles }, (_, i) => ({
      name: `role-${i}`,
      arn: `arn:aws:iam::${ACCOUNT}:role/role-${i}`,
      path: '/',
      trustPolicy: i < github ? trusts[i] : service(i),
      maxSessionDuration: i % 7 === 0 ? 7200 : 3600,
      tags: {},
      ...(i < github ? { attachedPolicies: [], inlinePolicies: [] } : {}),
    })),
    oidcProviders: [
      {
        arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        url: 'token.actions.githubusercontent.com',
        audiences: ['sts.amazonaws.com'],
      },
    ],
    users: Array.from({ length: users }, (_, i) => ({
      name: `user-${i}`,
      arn: `arn:aws:iam::${ACCOUNT}:user/${i % 5 === 0 ? 'ci/' : ''}user-${i}`,
      path: i % 5 === 0 ? '/ci/' : '/',
      tags: {},
      keys: [{ slot: 1 as const, active: true, created: day(i % 400), lastUsed: { date: day(i % 60) } }],
    })),
    gaps: [],
  };
}
