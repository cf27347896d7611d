import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/policy/parse.js';
import { POLICY_RULES } from '../../shared/rules/catalog.js';
import { lintPolicy } from '../../shared/rules/lint.js';

const P = 'token.actions.githubusercontent.com';
const policy = (condition: object) =>
  parsePolicy({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::1:oidc-provider/${P}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  });
const aud = { [`${P}:aud`]: 'sts.amazonaws.com' };
const sub = (op: string, values: string | string[]) =>
  policy(
    op === 'StringEquals'
      ? { StringEquals: { ...aud, [`${P}:sub`]: values } }
      : { StringEquals: aud, [op]: { [`${P}:sub`]: values } },
  );
const good = sub('StringEquals', 'repo:acme@11/app@22:environment:production');
const fired = (p: ReturnType<typeof policy>, options = {}) =>
  new Set(lintPolicy(p, options).map((f) => f.ruleId));

// Each rule: a policy that fires it and the pinned policy that does not.
const cases: [string, ReturnType<typeof policy>, object?][] = [
  ['oidc.no-subject-restriction', policy({ StringEquals: aud })],
  ['oidc.any-owner', sub('StringLike', 'repo:octo*')],
  [
    'oidc.owner-not-allowed',
    sub('StringLike', ['repo:acme/app:*', 'repo:beta/x:ref:refs/heads/main']),
    { allowedOwners: ['acme'] },
  ],
  ['oidc.any-repo', sub('StringLike', 'repo:acme/*')],
  ['oidc.any-ref', sub('StringLike', 'repo:acme/app:ref:refs/heads/*')],
  ['oidc.pull-request', sub('StringEquals', 'repo:acme/app:pull_request')],
  ['oidc.for-all-values', sub('ForAllValues:StringLike', 'repo:acme/app:ref:refs/heads/main')],
  ['oidc.no-audience', policy({ StringEquals: { [`${P}:sub`]: 'repo:acme/app:ref:refs/heads/main' } })],
  ['oidc.literal-wildcard', sub('StringEquals', 'repo:acme/app:*')],
  ['oidc.unmatchable-subject', sub('StringEquals', 'repo:acme/app:ref:refs/head/main')],
  ['oidc.mutable-subject', sub('StringEquals', 'repo:acme/app:ref:refs/heads/main')],
  [
    'trust.any-principal',
    parsePolicy({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
    }),
  ],
];

describe('policy rules', () => {
  it('every rule carries its metadata', () => {
    for (const rule of POLICY_RULES) {
      expect(rule.id).toMatch(/^(oidc|policy|trust)\.[a-z-]+$/);
      expect(rule.title && rule.rationale && rule.remediation).toBeTruthy();
    }
    expect(POLICY_RULES.map((r) => r.id)).toEqual(expect.arrayContaining(cases.map(([id]) => id)));
  });
  for (const [id, p, options] of cases) {
    it(`${id} fires on its case and not on a pinned immutable-subject policy`, () => {
      expect(fired(p, options)).toContain(id);
      expect(fired(good, { allowedOwners: ['acme'] })).not.toContain(id);
    });
  }
  it('the pinned policy is clean', () => {
    expect([...fired(good, { allowedOwners: ['acme'] })]).toEqual([]);
  });
  it('policy.duplicate-key fires on a repeated JSON key', () => {
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/${P}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${P}:sub":"repo:a/b:ref:refs/heads/main"},"StringEquals":{"${P}:aud":"sts.amazonaws.com"}}}]}`;
    expect(fired(parsePolicy(text))).toEqual(
      new Set(['policy.duplicate-key', 'oidc.no-subject-restriction', 'oidc.any-owner', 'oidc.pull-request']),
    );
  });
});
