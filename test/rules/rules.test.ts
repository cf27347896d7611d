import { describe, expect, it } from 'vitest';
import { admits } from '../../shared/policy/admits.js';
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
  ['oidc.iam-would-refuse', policy({ StringEquals: aud })],
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
      new Set([
        'policy.duplicate-key',
        'oidc.no-subject-restriction',
        'oidc.iam-would-refuse',
        'oidc.any-owner',
        'oidc.pull-request',
      ]),
    );
  });
});

const pinnedSub = { [`${P}:sub`]: 'repo:acme/app:ref:refs/heads/main' };
const findings = (p: ReturnType<typeof policy>, rule: string) =>
  lintPolicy(p).filter((f) => f.ruleId === rule);

describe('oidc.for-all-values', () => {
  const on = (operator: string, claim: string, value: string, extra: object = {}) =>
    policy({ StringEquals: { ...aud, ...pinnedSub }, [operator]: { [`${P}:${claim}`]: value }, ...extra });

  it('is high, with an admitted token that lacks the claim, when GitHub can omit it', () => {
    for (const [operator, claim] of [
      ['ForAllValues:StringEquals', 'environment'],
      ['StringEqualsIfExists', 'environment'],
      ['ForAllValues:StringLike', 'enterprise_id'],
    ] as const) {
      const p = on(operator, claim, claim === 'environment' ? 'production' : '1234');
      const [finding, ...rest] = findings(p, 'oidc.for-all-values');
      expect(rest).toEqual([]);
      expect(finding?.severity).toBe('high');
      const witness = finding?.evidence.witness as { provider: string; claims: Record<string, string> };
      expect(witness.claims[claim]).toBeUndefined();
      expect(admits(p.document, witness)).toBe(true);
    }
  });

  it('is high on a claim STS never passes: the condition always holds', () => {
    const p = policy({
      StringEquals: aud,
      'ForAllValues:StringEquals': { [`${P}:repository_owner`]: 'acme' },
    });
    const [finding] = findings(p, 'oidc.for-all-values');
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toContain('STS does not pass the claim repository_owner');
    expect(admits(p.document, finding?.evidence.witness as never)).toBe(true);
  });

  it('is low on sub and aud, which every GitHub token carries, and on the provider-fixed iss', () => {
    const cases = [
      policy({ StringEquals: aud, 'ForAllValues:StringLike': pinnedSub }),
      policy({ StringEquals: pinnedSub, StringEqualsIfExists: aud }),
      policy({
        StringEquals: { ...aud, ...pinnedSub },
        'ForAllValues:StringEquals': { [`${P}:iss`]: `https://${P}` },
      }),
    ];
    for (const p of cases) {
      expect(findings(p, 'oidc.for-all-values').map((f) => [f.severity, f.evidence.witness])).toEqual([
        ['low', undefined],
      ]);
    }
  });

  it('leaves negated operators alone: they hold on an absent key with or without the qualifier', () => {
    const p = on('StringNotEqualsIfExists', 'environment', 'development');
    expect(findings(p, 'oidc.for-all-values')).toEqual([]);
  });

  it('is low when a Null condition keeps tokens without the claim out', () => {
    const p = on('ForAllValues:StringEquals', 'environment', 'production', {
      Null: { [`${P}:environment`]: 'false' },
    });
    expect(findings(p, 'oidc.for-all-values').map((f) => f.severity)).toEqual(['low']);
  });
});

describe('oidc.no-audience', () => {
  const withAud = (condition: object) => policy({ StringEquals: pinnedSub, ...condition });
  it('fires whenever the aud condition lets a fresh audience in', () => {
    for (const condition of [
      {},
      { StringLike: { [`${P}:aud`]: '*' } },
      { StringLike: { [`${P}:aud`]: '?*' } },
      { StringLike: { [`${P}:aud`]: ['sts.amazonaws.com', '*'] } },
      { StringNotEquals: { [`${P}:aud`]: 'not-sts' } },
    ]) {
      const [finding, ...rest] = findings(withAud(condition), 'oidc.no-audience');
      expect(rest).toEqual([]);
      const witness = finding?.evidence.witness as { provider: string; claims: Record<string, string> };
      expect(witness.claims.aud).not.toBe('sts.amazonaws.com');
      expect(admits(withAud(condition).document, witness)).toBe(true);
    }
  });
  it('stays silent when the audience is pinned, whatever the form', () => {
    for (const condition of [
      { StringEquals: { ...pinnedSub, ...aud } },
      { StringLike: { [`${P}:aud`]: 'sts.*' } },
      // aud is always present in a GitHub token: the ForAllValues form still restricts it (for-all-values says low).
      { 'ForAllValues:StringEquals': aud },
    ]) {
      expect(findings(withAud(condition), 'oidc.no-audience')).toEqual([]);
    }
  });
  it('counts a Deny that refuses other audiences', () => {
    const p = parsePolicy({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::1:oidc-provider/${P}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: pinnedSub },
        },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringNotEquals: aud },
        },
      ],
    });
    expect(findings(p, 'oidc.no-audience')).toEqual([]);
  });
});

describe('oidc.iam-would-refuse', () => {
  const refused = (condition: object) => findings(policy(condition), 'oidc.iam-would-refuse').length > 0;
  it('fires when no positive operator scopes sub or job_workflow_ref to less than "*"', () => {
    expect(refused({ StringEquals: aud })).toBe(true);
    expect(refused({ StringEquals: aud, StringLike: { [`${P}:sub`]: '*' } })).toBe(true);
    expect(refused({ StringEquals: aud, 'ForAllValues:StringLike': pinnedSub })).toBe(true);
    expect(refused({ StringEquals: aud, StringEqualsIfExists: pinnedSub })).toBe(true);
    expect(refused({ StringEquals: aud, StringNotLike: { [`${P}:sub`]: 'repo:evil/*' } })).toBe(true);
    expect(refused({ StringEquals: { ...aud, [`${P}:repository`]: 'acme/app' } })).toBe(true);
  });
  it('passes what IAM is reported to accept, however wide', () => {
    expect(refused({ StringEquals: { ...aud, ...pinnedSub } })).toBe(false);
    expect(refused({ StringLike: { [`${P}:sub`]: 'repo:*' } })).toBe(false);
    expect(refused({ StringEqualsIgnoreCase: { [`${P}:sub`]: 'REPO:ACME/APP:REF:REFS/HEADS/MAIN' } })).toBe(
      false,
    );
    expect(refused({ StringLike: { [`${P}:job_workflow_ref`]: 'acme/app/.github/workflows/*' } })).toBe(
      false,
    );
    expect(refused({ StringLike: { [`${P}:sub`]: ['repo:acme/app:*', '*'] } })).toBe(false);
  });
  it('names the statement and provider; a statement not trusting GitHub by name is not its business', () => {
    const [finding] = findings(policy({ StringEquals: aud }), 'oidc.iam-would-refuse');
    expect(finding?.evidence).toEqual({ statement: 0, provider: P });
    const wildcard = parsePolicy({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' }],
    });
    expect(findings(wildcard, 'oidc.iam-would-refuse')).toEqual([]);
  });
});
