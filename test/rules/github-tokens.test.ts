/**
 * Verdicts about the tokens GitHub really issues: default and immutable subjects for every owner,
 * customized subjects only as declared for a named owner (any template for an owner nobody named), and
 * one token's claims in agreement with each other.
 */
import { describe, expect, it } from 'vitest';
import type { GitHubSettings } from '../../shared/github/templates.js';
import { compare } from '../../shared/policy/compare.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';

const P = 'token.actions.githubusercontent.com';
const aud = { [`${P}:aud`]: 'sts.amazonaws.com' };
const policy = (condition: object) =>
  parsePolicy({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${P}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  });
const like = (values: string | string[]) =>
  policy({ StringEquals: aud, StringLike: { [`${P}:sub`]: values } });
const lint = (
  p: ReturnType<typeof policy>,
  options: { allowedOwners?: string[]; github?: GitHubSettings } = {},
) => lintPolicy(p, options);
const ids = (p: ReturnType<typeof policy>, options = {}) => lint(p, options).map((f) => f.ruleId);

describe('subjects GitHub issues under its default template', () => {
  it.each([
    'repo:o/r:ref:refs/tags/v*',
    'repo:o/r:environment:*',
    'repo:o/r:ref:refs/heads/*',
    'repo:acme/app:ref:refs/heads/release-*',
    'repo:acme@1/app@2:ref:refs/heads/release-*',
  ])('a role pinned to %s admits no pull-request run', (value) => {
    expect(ids(like(value))).not.toContain('oidc.pull-request');
  });

  it('a customized subject is only issued as declared: pull requests through a declared template are reported, naming it', () => {
    const github = { subjectTemplates: { acme: ['repo', 'context', 'job_workflow_ref'] } };
    const p = like('repo:acme/app:*');
    const pr = lint(p, { github }).find((f) => f.ruleId === 'oidc.pull-request');
    expect(pr?.message).toContain(
      'only under the subject template declared for acme (repo, context, job_workflow_ref)',
    );
    const witness = pr?.evidence.witness as { claims: { sub: string } } | undefined;
    expect(witness?.claims.sub).toMatch(/^repo:acme\/app:pull_request:job_workflow_ref:/);
  });

  it('an owner that declared a template gets no default subjects: a default-form value cannot match', () => {
    const github = { subjectTemplates: { acme: ['repo', 'context', 'job_workflow_ref'] } };
    const p = policy({ StringEquals: { ...aud, [`${P}:sub`]: 'repo:acme/app:ref:refs/heads/main' } });
    expect(ids(p)).not.toContain('oidc.unmatchable-subject');
    expect(ids(p, { github })).toContain('oidc.unmatchable-subject');
  });

  it('an owner nobody named may set any template: a subject without the repository admits every owner', () => {
    const found = lint(like('ref:refs/heads/main'));
    expect(found.map((f) => f.ruleId)).toContain('oidc.any-owner');
  });
});

describe("one token's claims agree", () => {
  const repositoryOnly = policy({ StringEquals: { ...aud, [`${P}:repository`]: 'o/r' } });

  it('a role pinned by repository alone admits every ref of that repository, and no other repository', () => {
    const found = lint(repositoryOnly);
    const rules = found.map((f) => f.ruleId);
    expect(rules).not.toContain('oidc.any-repo');
    expect(rules).not.toContain('oidc.any-owner');
    expect(rules).toContain('oidc.any-ref');
    const pr = found.find((f) => f.ruleId === 'oidc.pull-request');
    const witness = pr?.evidence.witness as { claims: Record<string, string> };
    expect(witness.claims.sub).toBe('repo:o/r:pull_request');
  });

  it('compare: a repository condition that repeats what sub pins changes nothing', () => {
    const subOnly = like('repo:o/r:*');
    const both = policy({
      StringEquals: { ...aud, [`${P}:repository`]: 'o/r' },
      StringLike: { [`${P}:sub`]: 'repo:o/r:*' },
    });
    expect(compare(subOnly.document, both.document).verdict).toBe('equal');
  });

  it('compare: pinning by repository instead of sub also admits the immutable subjects of that repository, and only them', () => {
    const result = compare(like('repo:o/r:*').document, repositoryOnly.document);
    expect(result.verdict).toBe('wider');
    for (const w of result.newlyAdmitted) {
      expect(w.claims.repository).toBe('o/r');
      expect(w.claims.sub).toMatch(/^repo:o@\d+\/r@\d+:/);
    }
  });

  it('a ref condition agrees with the branch the subject names', () => {
    const branch = like('repo:o/r:ref:refs/heads/main');
    const withRef = policy({
      StringEquals: { ...aud, [`${P}:ref`]: 'refs/heads/main' },
      StringLike: { [`${P}:sub`]: 'repo:o/r:ref:refs/heads/main' },
    });
    expect(compare(branch.document, withRef.document).verdict).toBe('equal');
  });
});

describe('owner names are case-insensitive', () => {
  const upper = policy({
    StringEquals: aud,
    StringEqualsIgnoreCase: { [`${P}:sub`]: 'REPO:ORG/APP:REF:REFS/HEADS/MAIN' },
  });

  it('an IgnoreCase subject of one owner is not any owner, and that owner is the allowed one', () => {
    const rules = ids(upper, { allowedOwners: ['org'] });
    expect(rules).not.toContain('oidc.any-owner');
    expect(rules).not.toContain('oidc.owner-not-allowed');
  });

  it('an owner outside the allowed list is still reported', () => {
    expect(ids(upper, { allowedOwners: ['other'] })).toContain('oidc.owner-not-allowed');
  });
});
