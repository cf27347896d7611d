/** The shapes a narrowed trust policy takes (hand-written policies). */
import { describe, expect, it } from 'vitest';
import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { observationWindow } from '../../shared/tighten/observed.js';
import { hclString, renderTerraform } from '../../shared/tighten/terraform.js';
import { tighten } from '../../shared/tighten/tighten.js';
import { observedToken, subjectPairs } from '../../shared/tighten/token.js';

const GH = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const ENTERPRISE = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/octo-ent';
const window = observationWindow('2026-10-31', 90);
const used = (...subjects: string[]) =>
  subjects.flatMap((subject) =>
    [window.from, window.to].map((day) => ({
      roleArn: 'arn:aws:iam::123456789012:role/ci',
      subject,
      day,
      succeeded: 1,
      denied: 0,
    })),
  );
const run = (policy: Record<string, unknown>, ...subjects: string[]) =>
  tighten({ role: 'ci', policy, counts: used(...subjects), window });
const statements = (policy: Record<string, unknown> | null) =>
  (policy?.Statement ?? []) as Record<string, unknown>[];

describe('proposeTrust through tighten', () => {
  it('pins job_workflow_ref when every observed subject names the same reusable workflow', () => {
    const workflow = 'acme/shared/.github/workflows/deploy.yml@refs/heads/main';
    const subjects = [
      `repo:acme/app:environment:prod:job_workflow_ref:${workflow}`,
      `repo:acme/api:environment:prod:job_workflow_ref:${workflow}`,
    ];
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
        },
      ],
    };
    const result = run(policy, ...subjects);
    expect(result.verdict).toBe('narrower');
    expect(statements(result.proposed)[0]?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': [subjects[1], subjects[0]],
        'token.actions.githubusercontent.com:job_workflow_ref': workflow,
      },
    });
    expect(
      observedToken(subjects[0] as string, 'token.actions.githubusercontent.com').claims.job_workflow_ref,
    ).toBe(workflow);
  });

  it('adds no job_workflow_ref when the observed subjects do not share one', () => {
    const policy = {
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: GH },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
      },
    };
    const result = run(
      policy,
      'repo:acme/app:job_workflow_ref:acme/a/.github/workflows/x.yml@refs/heads/main',
      'repo:acme/app:job_workflow_ref:acme/b/.github/workflows/x.yml@refs/heads/main',
    );
    expect(JSON.stringify(result.proposed)).not.toContain(':job_workflow_ref"');
  });

  it('splits a statement trusting GitHub and another provider, narrowing only the GitHub part', () => {
    const cognito = 'cognito-identity.amazonaws.com';
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Ci',
          Effect: 'Allow',
          Principal: { Federated: [GH, ENTERPRISE, cognito] },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
        {
          Effect: 'Deny',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': '*:pull_request' } },
        },
      ],
    };
    const result = run(policy, 'repo:acme/app:ref:refs/heads/main');
    expect(result.verdict).toBe('narrower');
    const [github, enterprise, others, deny] = statements(result.proposed);
    expect(github).toEqual({
      Sid: 'Ci',
      Effect: 'Allow',
      Principal: { Federated: GH },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main',
        },
      },
    });
    expect(enterprise?.Sid).toBe('Ci2');
    expect(enterprise?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com/octo-ent:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com/octo-ent:sub': 'repo:acme/app:ref:refs/heads/main',
      },
    });
    expect(others).toEqual({
      Sid: 'CiOthers',
      Effect: 'Allow',
      Principal: { Federated: cognito },
      Action: 'sts:AssumeRoleWithWebIdentity',
    });
    expect(deny).toEqual(policy.Statement[1]);
    // Cognito's tokens get in as before.
    const proposed = parsePolicy(result.proposed).document;
    expect(admits(proposed, { provider: cognito, claims: { sub: 'us-east-1:abc' } })).toBe(true);
    expect(result.kept.map((k) => k.reason)).toEqual([
      'the principals of statement 0 (Ci) other than GitHub, kept as they were',
      'a Deny statement: it only takes away',
    ]);
  });

  it('replaces ForAllValues and IfExists conditions on sub, keeps conditions on other claims', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            'ForAllValues:StringLike': { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' },
            StringEquals: { 'token.actions.githubusercontent.com:actor': 'release-bot' },
          },
        },
      ],
    };
    const result = run(policy, 'repo:acme/app:ref:refs/tags/v1');
    expect(result.verdict).toBe('narrower');
    expect(statements(result.proposed)[0]?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:actor': 'release-bot',
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/tags/v1',
      },
    });
    expect(result.stillAdmitted.map((s) => s.subject)).toEqual(['repo:acme/app:ref:refs/tags/v1']);
  });

  it('leaves a wildcard principal or a sub condition with policy variables as it is, and says why', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringLike: {
              'token.actions.githubusercontent.com:sub':
                'repo:${token.actions.githubusercontent.com:actor}/*',
            },
          },
        },
        {
          Sid: 'Anyone',
          Effect: 'Allow',
          Principal: '*',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:acme/x:ref:refs/heads/main' },
          },
        },
        {
          Effect: 'Allow',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' } },
        },
      ],
    };
    const result = run(policy, 'repo:acme/app:ref:refs/heads/main');
    // Policy variables are compared approximately (the notes say so): the verdict may not see the narrowing.
    expect(['narrower', 'equal']).toContain(result.verdict);
    expect(result.notes.join(' ')).toContain('policy variables');
    expect(statements(result.proposed).slice(0, 2)).toEqual(policy.Statement.slice(0, 2));
    expect(result.kept).toEqual([
      { index: 0, reason: 'its sub condition uses policy variables: narrow it by hand' },
      {
        index: 1,
        sid: 'Anyone',
        reason:
          'names every principal ("*"): narrowing it would change what other principals get; narrow it by hand',
      },
    ]);
  });

  it('keeps the audience a policy pins, and never proposes a wildcard owner', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'https://github.com/acme' },
            StringLike: { 'token.actions.githubusercontent.com:sub': '*' },
          },
        },
      ],
    };
    const result = run(policy, 'repo:acme@12/app@34:ref:refs/heads/main');
    const proposed = parsePolicy(result.proposed).document;
    expect(compare(parsePolicy(policy).document, proposed).verdict).toBe('narrower');
    expect(statements(result.proposed)[0]?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'https://github.com/acme',
        'token.actions.githubusercontent.com:sub': 'repo:acme@12/app@34:ref:refs/heads/main',
      },
    });
  });
});

describe('subjects and Terraform text', () => {
  it('reads the pairs of a customized subject, pull_request standing alone', () => {
    expect([
      ...subjectPairs('repo:o/r:pull_request:job_workflow_ref:o/w/.github/workflows/a.yml@refs/heads/main'),
    ]).toEqual([
      ['repo', 'o/r'],
      ['job_workflow_ref', 'o/w/.github/workflows/a.yml@refs/heads/main'],
    ]);
    expect(subjectPairs('repo:o/r:environment:job_workflow_ref').get('job_workflow_ref')).toBeUndefined();
  });

  it('keeps policy variables and quotes literal in HCL', () => {
    expect(hclString('repo:${aws:username}/%{x}"\\\n')).toBe('"repo:$${aws:username}/%%{x}\\"\\\\\\n"');
    const text = renderTerraform(
      'ci',
      { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' }] },
      ['a\nb'],
    );
    expect(text.split('\n')[0]).toBe('# a\\nb');
    expect(text).toContain('data "aws_iam_policy_document" "ci_trust" {');
  });

  it('gives a document the data source cannot hold the jsonencode form only, saying why', () => {
    const text = renderTerraform(
      'ci',
      { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Extra: 1 }] },
      [],
    );
    expect(text).toMatch(
      /^# No aws_iam_policy_document form: a statement has fields the data source has no argument for \(Extra\)/,
    );
    expect(text).not.toContain('data "aws_iam_policy_document"');
    expect(text).toContain('"Extra"     = 1');
  });
});

describe('a subject whose token the engine cannot show', () => {
  it('is kept as its sub conditions let it in, and the proposal still admits its token', () => {
    // The ref claim of a pull_request run carries its number: only PR 7 gets in.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GH },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:ref': '*/pull/7/merge' } },
        },
      ],
    };
    const result = run(policy, 'repo:acme/app:pull_request');
    expect(result.verdict).toBe('narrower');
    expect(result.stillAdmitted).toEqual([
      expect.objectContaining({ subject: 'repo:acme/app:pull_request' }),
    ]);
    const token = {
      provider: 'token.actions.githubusercontent.com',
      claims: { sub: 'repo:acme/app:pull_request', aud: 'sts.amazonaws.com', ref: 'refs/pull/7/merge' },
    };
    expect(admits(parsePolicy(policy).document, token)).toBe(true);
    expect(admits(parsePolicy(result.proposed).document, token)).toBe(true);
  });
});
