import { describe, expect, it } from 'vitest';
import { claimDomain, isPullRequestSubject, OWNER_TAG } from '../../shared/github/grammar.js';
import { MIXED, tagsAlong } from '../../shared/policy/regular.js';

const sub = claimDomain('sub');
const tierOf = (text: string) => {
  const { dfa } = sub;
  let s = dfa.start;
  for (const ch of text) {
    s = dfa.next[s * dfa.classCount + dfa.classOf(ch)] as number;
    if (s === 0) return -1;
  }
  return dfa.tier[s] as number;
};

describe('GitHub subject grammar', () => {
  it('accepts every documented subject form, most typical first', () => {
    expect(tierOf('repo:octo-org/octo-repo:ref:refs/heads/demo-branch')).toBe(0);
    expect(tierOf('repo:octo-org/octo-repo:environment:Production%3AV1')).toBe(1);
    expect(tierOf('repo:octo-org/octo-repo:pull_request')).toBe(1);
    expect(tierOf('repo:octo-org/octo-repo:ref:refs/tags/demo-tag')).toBe(1);
    expect(tierOf('repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main')).toBe(1);
    expect(tierOf('repository_owner:monalisa:repository_visibility:private')).toBe(2);
    expect(
      tierOf('job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main'),
    ).toBe(2);
    expect(
      tierOf(
        'repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main',
      ),
    ).toBe(2);
  });
  it('puts subjects no GitHub token carries in the unrealistic tier only', () => {
    for (const bad of [
      'repo:org/app:ref:refs/head/main',
      'repo:org/app:main',
      'repo:github.com/org/app:pull_request',
      'repo:',
    ]) {
      expect(tierOf(bad), bad).toBe(sub.realisticTiers);
    }
  });
  it('tells pull-request subjects apart, and an environment named pull_request is not one', () => {
    expect(isPullRequestSubject('repo:o/r:pull_request')).toBe(true);
    expect(
      isPullRequestSubject(
        'repo:o/r:pull_request:job_workflow_ref:o/r/.github/workflows/x.yml@refs/heads/main',
      ),
    ).toBe(true);
    expect(isPullRequestSubject('repo:o/r:environment:pull_request')).toBe(false);
    expect(isPullRequestSubject('repo:o/r:ref:refs/heads/pull_request')).toBe(false);
  });
  it('marks owner fields unambiguously', () => {
    expect(tagsAlong(sub.dfa, 'repo:acme/app:pull_request')?.has(OWNER_TAG)).toBe(true);
    expect(Array.from(sub.dfa.tags).includes(MIXED)).toBe(false);
  });
});
