import { describe, expect, it } from 'vitest';
import { isGithubSubject, isIssuableToken, parseGithubSubject } from './github-subject.js';

const JWR = 'acme/tools/.github/workflows/deploy.yml@refs/heads/main';

describe('isGithubSubject (test predicate)', () => {
  it('accepts the documented forms', () => {
    for (const sub of [
      'repo:acme/app:ref:refs/heads/main',
      'repo:Acme/app-2:ref:refs/heads/release/v1',
      'repo:acme/x.y:ref:refs/tags/v1.2.0',
      'repo:acme/app:environment:prod',
      'repo:acme/app:environment:prod%3Aeu',
      'repo:acme/app:pull_request',
      'repo:acme@123/app@4567:ref:refs/heads/main',
      `repo:acme/app:environment:prod:job_workflow_ref:${JWR}`,
    ]) {
      expect(isGithubSubject(sub), sub).toBe(true);
    }
  });

  it('rejects patterns, near misses and malformed names', () => {
    for (const sub of [
      'repo:acme/*',
      'repo:acme/app:ref:refs/heads/ma?n',
      'repo:acme/app:main',
      'repo:acme/app:ref:refs/head/main',
      'repo:acme/app:environment:prod:eu',
      'repo:-acme/app:pull_request',
      'repo:acme/..:pull_request',
      'repo:acme/app:ref:refs/heads/a..b',
      'repo:acme/app:ref:refs/heads/main.lock',
      'repo:acme@0123/app@1:pull_request',
      'repo:acme/app@4567:pull_request',
      'repo:acme@123/app:pull_request',
      'repo:acme/app:pull_request:',
      'Repo:acme/app:pull_request',
      `repo:acme/app:job_workflow_ref:${JWR}`,
      '',
    ]) {
      expect(isGithubSubject(sub), sub).toBe(false);
    }
  });

  it('reads the repository out of name and immutable forms', () => {
    expect(parseGithubSubject('repo:acme@123/app@4567:pull_request')?.repository).toBe('acme/app');
    expect(parseGithubSubject(`repo:acme/app:pull_request:job_workflow_ref:${JWR}`)?.jobWorkflowRef).toBe(
      JWR,
    );
  });
});

describe('isIssuableToken (test predicate)', () => {
  const P = 'token.actions.githubusercontent.com';
  const claims = {
    sub: 'repo:acme/app:pull_request',
    aud: 'sts.amazonaws.com',
    repository: 'acme/app',
    job_workflow_ref: JWR,
    ref: 'refs/pull/12/merge',
  };

  it('needs sub, aud, repository, job_workflow_ref and ref, consistent with each other', () => {
    expect(isIssuableToken({ provider: P, claims })).toBe(true);
    expect(isIssuableToken({ provider: P, claims: { ...claims, aud: 'anything at all' } })).toBe(true);
    expect(isIssuableToken({ provider: P, claims: { ...claims, repository: 'Acme/app' } })).toBe(false);
    expect(isIssuableToken({ provider: P, claims: { ...claims, aud: '' } })).toBe(false);
    expect(
      isIssuableToken({ provider: P, claims: { ...claims, job_workflow_ref: 'acme/tools/deploy.yml' } }),
    ).toBe(false);
    const { repository: _, ...noRepository } = claims;
    expect(isIssuableToken({ provider: P, claims: noRepository })).toBe(false);
    const custom = `repo:acme/app:pull_request:job_workflow_ref:${JWR}`;
    expect(isIssuableToken({ provider: P, claims: { ...claims, sub: custom } })).toBe(true);
    const otherJwr = JWR.replace('deploy', 'ci');
    expect(
      isIssuableToken({ provider: P, claims: { ...claims, sub: custom, job_workflow_ref: otherJwr } }),
    ).toBe(false);
  });

  it('holds ref and environment to what the subject says', () => {
    expect(isIssuableToken({ provider: P, claims: { ...claims, ref: 'refs/heads/main' } })).toBe(false);
    const { ref: _, ...noRef } = claims;
    expect(isIssuableToken({ provider: P, claims: noRef })).toBe(false);
    const branch = { ...claims, sub: 'repo:acme/app:ref:refs/heads/main', ref: 'refs/heads/main' };
    expect(isIssuableToken({ provider: P, claims: branch })).toBe(true);
    expect(isIssuableToken({ provider: P, claims: { ...branch, environment: 'prod' } })).toBe(false);
    const env = { ...claims, sub: 'repo:acme/app:environment:prod%3Aeu', ref: 'refs/tags/v1' };
    expect(isIssuableToken({ provider: P, claims: env })).toBe(false);
    expect(isIssuableToken({ provider: P, claims: { ...env, environment: 'prod:eu' } })).toBe(true);
  });
});
