import { describe, expect, it } from 'vitest';
import { lintRole, NOT_GITHUB_TRUSTED } from '../../shared/iac/lint-role.js';
import { type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { findingPosition } from '../../shared/iac/positions.js';

// Hand-written roles in the shape the readers give.
const GITHUB = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const role = (document: unknown, unknowns: IacRole['unknowns'] = []): IacRole => ({
  file: 'template.yaml',
  id: 'DeployRole',
  position: { line: 3, column: 3 },
  document,
  unknowns,
  valuePositions: {},
});
const trust = (condition: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: GITHUB },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: condition,
    },
  ],
});
const ids = (r: { findings: { ruleId: string }[] }) => r.findings.map((f) => f.ruleId).sort();

describe('lintRole', () => {
  it('reports what holds whatever the unknown value is, and says which value was unknown', () => {
    // repo:* next to an unknown: any owner gets in whatever the second value is; no aud condition either way.
    const result = lintRole(
      role(
        trust({ StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:*', `${UNKNOWN_MARK}0`] } }),
        [
          {
            pointer: '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub/1',
            description: '!Ref Repo (a parameter with no default)',
          },
        ],
      ),
    );
    expect(ids(result)).toContain('oidc.any-owner');
    expect(ids(result)).toContain('oidc.no-audience');
    const anyOwner = result.findings.find((f) => f.ruleId === 'oidc.any-owner');
    expect(anyOwner?.evidence.unknownValues).toEqual(['!Ref Repo (a parameter with no default)']);
    expect(result.notes[0]).toBe(
      '1 value not known statically: !Ref Repo (a parameter with no default); findings that depend on it are not reported',
    );
  });

  it('leaves out a finding that depends on the unknown value', () => {
    // With only an unknown subject, whether other owners get in depends on it: no any-owner, no any-repo.
    const result = lintRole(
      role(
        trust({
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': `${UNKNOWN_MARK}0` },
        }),
        [
          {
            pointer: '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub',
            description: 'var.sub (known after plan)',
          },
        ],
      ),
    );
    expect(result.findings).toEqual([]);
    expect(result.notes).toHaveLength(1);
  });

  it('reports a rule that fires on both bounds for the written values only, never for the unknown itself', () => {
    // "repo:acme/app:main" is a subject no token carries, whatever the unknown second value is.
    const result = lintRole(
      role(
        trust({
          StringLike: {
            'token.actions.githubusercontent.com:sub': ['repo:acme/app:main', `${UNKNOWN_MARK}0`],
          },
        }),
        [
          {
            pointer: '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub/1',
            description: 'var.sub',
          },
        ],
      ),
    );
    const unmatchable = result.findings.filter((f) => f.ruleId === 'oidc.unmatchable-subject');
    expect(unmatchable.map((f) => f.evidence.value)).toEqual(['repo:acme/app:main']);
    // Whether IAM accepts the policy depends on the unknown value: not reported.
    expect(ids(result)).not.toContain('oidc.iam-would-refuse');
  });

  it('checks nothing of a document that is unknown as a whole, and says so', () => {
    const result = lintRole(
      role(undefined, [{ pointer: '', description: 'data.x.json (known after plan)' }]),
    );
    expect(result).toEqual({
      findings: [],
      notes: [
        'the trust policy is not known statically (data.x.json (known after plan)): nothing was checked',
      ],
    });
  });

  it('says when a role is not GitHub-trusted', () => {
    const result = lintRole(
      role({
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    );
    expect(result).toEqual({ findings: [], notes: [NOT_GITHUB_TRUSTED] });
  });
});

describe('findingPosition', () => {
  const positioned: IacRole = {
    ...role(
      trust({ StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:acme/app:*', 'repo:*'] } }),
    ),
    valuePositions: {
      '/Statement/0': { line: 8, column: 9 },
      '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub/0': { line: 14, column: 15 },
      '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub/1': { line: 15, column: 15 },
    },
  };
  it('points at the value a finding names', () => {
    expect(findingPosition(positioned, { statement: 0, value: 'repo:*' })).toEqual({ line: 15, column: 15 });
  });
  it('points at the value that lets the witness in', () => {
    const witness = {
      provider: 'token.actions.githubusercontent.com',
      claims: { sub: 'repo:other/x:ref:refs/heads/main' },
    };
    expect(findingPosition(positioned, { witness })).toEqual({ line: 15, column: 15 });
  });
  it('falls back to the statement, then to the role', () => {
    expect(findingPosition(positioned, { statement: 0, provider: 'x' })).toEqual({ line: 8, column: 9 });
    expect(findingPosition(positioned, {})).toEqual({ line: 3, column: 3 });
  });
});
