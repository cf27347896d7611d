import { describe, expect, it } from 'vitest';
import { explain } from '../../shared/policy/explain.js';
import type { Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { githubTrust } from '../support/github-trust.js';

const P = 'token.actions.githubusercontent.com';
const policy = (sub: string[], operator = 'StringEquals') =>
  parsePolicy(githubTrust(sub, { operator })).document;
const token = (sub: string): Token => ({ provider: P, claims: { sub, aud: 'sts.amazonaws.com' } });
const said = (e: ReturnType<typeof explain>) => [...e.reasons, ...(e.notes ?? [])].join('\n');

describe('explain: environment subjects', () => {
  it('names the environments the policy admits instead of suggesting to drop the job environment', () => {
    for (const values of [
      ['repo:acme/app:environment:production'],
      ['repo:acme/app:environment:production', 'repo:acme/app:ref:refs/heads/main'],
    ]) {
      const e = explain(policy(values), token('repo:acme/app:environment:staging'));
      expect(e.admitted).toBe(false);
      expect(said(e)).not.toMatch(/drop the job's environment/);
      expect(said(e)).toContain('the job runs in environment "staging"');
      expect(said(e)).toContain('"repo:acme/app:environment:production"');
    }
  });

  it('still offers dropping the environment when the policy names only refs', () => {
    const e = explain(
      policy(['repo:acme/app:ref:refs/heads/main']),
      token('repo:acme/app:environment:staging'),
    );
    expect(said(e)).toMatch(/drop the job's environment/);
  });
});

describe('explain: runs a fork can trigger', () => {
  it('says pull_request_target and workflow_run reach a role pinned to the default branch', () => {
    const e = explain(
      policy(['repo:acme/app:ref:refs/heads/main']),
      token('repo:acme/app:ref:refs/heads/main'),
    );
    expect(e.admitted).toBe(true);
    expect(e.notes).toHaveLength(1);
    const [note] = e.notes ?? [];
    expect(note).toContain('pull_request_target and workflow_run');
    expect(note).toContain('"repo:acme/app:pull_request"');
    expect(note).toContain('if main is the default branch of acme/app');
    expect(note).not.toContain('admits "repo:acme/app:pull_request" as well');
  });

  it('adds that the pull_request form is admitted too when it is, and covers pull_request subjects', () => {
    const both = policy(['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:pull_request']);
    const branch = explain(both, token('repo:acme/app:ref:refs/heads/main'));
    expect(branch.notes?.[0]).toContain('this policy admits "repo:acme/app:pull_request" as well');
    const pr = explain(both, token('repo:acme/app:pull_request'));
    expect(pr.notes?.[0]).toMatch(/pull_request_target and workflow_run .* can assume this role/);
  });

  it('says nothing of them for a refused token, an environment subject or a tag', () => {
    const p = policy(['repo:acme/app:*'], 'StringLike');
    expect(explain(p, token('repo:other/app:ref:refs/heads/main')).notes).toBeUndefined();
    expect(explain(p, token('repo:acme/app:environment:production')).notes).toBeUndefined();
    expect(explain(p, token('repo:acme/app:ref:refs/tags/v1.0.0')).notes).toBeUndefined();
  });
});

describe('explain: declared subject templates', () => {
  it('says the repository sends customized subjects when the config declares a template for it', () => {
    const p = policy(['repo:acme/app:ref:refs/heads/main']);
    const github = { subjectTemplates: { acme: ['repo', 'context', 'job_workflow_ref'] } };
    const e = explain(p, token('repo:acme/app:ref:refs/heads/dev'), { github });
    expect(said(e)).toContain(
      'acme/app is declared with the customized subject template repo, context, job_workflow_ref',
    );
    expect(said(explain(p, token('repo:acme/app:ref:refs/heads/dev')))).not.toContain(
      'customized subject template',
    );
  });
});
