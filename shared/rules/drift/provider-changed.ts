import type { AccountHit, AccountRule } from '../account-rule.js';

export const providerChanged: AccountRule = {
  id: 'drift.provider-changed',
  severity: 'medium',
  title: 'OIDC provider added, removed or changed',
  rationale:
    'Identity providers decide whose tokens the account accepts at all; a new provider or a new audience is a new door.',
  remediation: 'Review the provider change, then capture a new baseline; remove providers nobody uses.',
  references: ['https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html'],
  check({ baseline, snapshot }) {
    if (!baseline) return [];
    const before = new Map(baseline.oidcProviders.map((p) => [p.url, [...p.audiences].sort()]));
    const after = new Map(
      snapshot.oidcProviders.map((p) => [p.url, { arn: p.arn, audiences: [...p.audiences].sort() }]),
    );
    const account = `arn:aws:iam::${snapshot.account}:oidc-provider`;
    const hits: AccountHit[] = [];
    for (const [url, now] of after) {
      const was = before.get(url);
      const resource = { type: 'oidc-provider' as const, arn: now.arn, name: url };
      if (!was)
        hits.push({
          resource,
          message: `OIDC provider ${url} was added`,
          evidence: { url, audiences: now.audiences },
        });
      else if (was.join(',') !== now.audiences.join(',')) {
        hits.push({
          resource,
          message: `OIDC provider ${url} audiences changed: ${was.join(', ') || '(none)'} → ${now.audiences.join(', ') || '(none)'}`,
          evidence: { url, before: was, after: now.audiences },
        });
      }
    }
    for (const [url, was] of before) {
      if (!after.has(url)) {
        hits.push({
          resource: { type: 'oidc-provider', arn: `${account}/${url}`, name: url },
          message: `OIDC provider ${url} was removed`,
          evidence: { url, audiences: was },
        });
      }
    }
    return hits;
  },
};
