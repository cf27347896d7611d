/**
 * Realistic GitHub trust policies for benchmarks: the shapes seen in the real-world corpus
 * (test/fixtures/trust-policies), with varied owner, repository, branch and environment names.
 */
const PROVIDER = 'token.actions.githubusercontent.com';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = [
  'acme',
  'platform',
  'infra',
  'payments',
  'web',
  'api',
  'data',
  'Octo-Org',
  'team-x',
  'mobile',
  'deploy',
  'core',
];

export function realisticPolicies(count: number, seed = 1): object[] {
  const random = rng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const name = () => `${pick(WORDS)}${random() < 0.5 ? `-${Math.floor(random() * 1000)}` : ''}`;
  const subjects = (owner: string, repo: string): string[] => {
    switch (Math.floor(random() * 8)) {
      case 0:
        return [`repo:${owner}/${repo}:ref:refs/heads/main`];
      case 1:
        return [`repo:${owner}/${repo}:environment:${pick(['production', 'prod', 'staging'])}`];
      case 2:
        return [`repo:${owner}/${repo}:*`];
      case 3:
        return [`repo:${owner}/*`];
      case 4:
        return [`repo:${owner}/${repo}:ref:refs/heads/main`, `repo:${owner}/${name()}:ref:refs/heads/main`];
      case 5:
        return [`repo:${owner}/${repo}:pull_request`, `repo:${owner}/${repo}:ref:refs/heads/*`];
      case 6:
        return [
          `repo:${owner}@${Math.floor(random() * 1e6)}/${repo}@${Math.floor(random() * 1e6)}:ref:refs/heads/main`,
        ];
      default:
        return [`repo:${owner}/${repo}:ref:refs/tags/v*`];
    }
  };
  return Array.from({ length: count }, () => {
    const owner = name();
    return trustPolicy(subjects(owner, name()), random() >= 0.1);
  });
}

/** A GitHub trust policy as people write it: StringEquals unless a value has a wildcard. */
export function trustPolicy(sub: string[], withAudience = true): object {
  const like = sub.some((s) => s.includes('*'));
  const aud = withAudience ? { [`${PROVIDER}:aud`]: 'sts.amazonaws.com' } : {};
  const condition = like
    ? { ...(withAudience ? { StringEquals: aud } : {}), StringLike: { [`${PROVIDER}:sub`]: sub } }
    : { StringEquals: { ...aud, [`${PROVIDER}:sub`]: sub } };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${PROVIDER}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  };
}

/** The sub values of a policy built by `trustPolicy`. */
export function subjectsOf(policy: object): string[] {
  return [...JSON.stringify(policy).matchAll(/"(repo:[^"]+)"/g)].map((m) => m[1] as string);
}
