import { describe, expect, it } from 'vitest';
import { immutableSubject, knownId, namedSubject } from '../../shared/github/immutable.js';

const ids = { 'acme-corp': 1111, 'acme-corp/app': 2222, 'Octo-Org': 33, 'Octo-Org/Hello.World_2': 44 };

describe('the immutable form of a name-based subject', () => {
  it('splits a value where the ids go, keeping a repository pattern as written', () => {
    expect(namedSubject('repo:acme-corp/app:ref:refs/heads/main')).toEqual({
      owner: 'acme-corp',
      repo: 'app',
      repoName: 'app',
      rest: ':ref:refs/heads/main',
    });
    expect(namedSubject('repo:acme-corp/app-*:environment:prod')).toEqual({
      owner: 'acme-corp',
      repo: 'app-*',
      rest: ':environment:prod',
    });
    expect(namedSubject('repo:acme-corp/*')).toEqual({ owner: 'acme-corp', repo: '*', rest: '' });
    expect(namedSubject('repo:acme*/app:ref:refs/heads/main')).toBeUndefined();
    expect(namedSubject('job_workflow_ref:acme/x')).toBeUndefined();
  });

  it('pins owner and repository, everything after the repository kept', () => {
    expect(immutableSubject('repo:acme-corp/app:ref:refs/heads/main', ids)).toBe(
      'repo:acme-corp@1111/app@2222:ref:refs/heads/main',
    );
    expect(immutableSubject('repo:acme-corp/app:environment:prod:job_workflow_ref:*', ids)).toBe(
      'repo:acme-corp@1111/app@2222:environment:prod:job_workflow_ref:*',
    );
    expect(immutableSubject('repo:acme-corp/app:*', ids)).toBe('repo:acme-corp@1111/app@2222:*');
  });

  it('pins the owner of a repository pattern and lets the pattern match any repository id', () => {
    expect(immutableSubject('repo:acme-corp/*:environment:prod', ids)).toBe(
      'repo:acme-corp@1111/*:environment:prod',
    );
    expect(immutableSubject('repo:acme-corp/*', ids)).toBe('repo:acme-corp@1111/*');
    expect(immutableSubject('repo:acme-corp/app-?:pull_request', ids)).toBe(
      'repo:acme-corp@1111/app-?@*:pull_request',
    );
  });

  it('writes the names as GitHub spells them: names are case-insensitive on GitHub, subjects are not', () => {
    expect(immutableSubject('repo:octo-org/hello.world_2:ref:refs/tags/v1', ids)).toBe(
      'repo:Octo-Org@33/Hello.World_2@44:ref:refs/tags/v1',
    );
    expect(knownId(ids, 'OCTO-ORG')).toEqual({ name: 'Octo-Org', id: 33 });
  });

  it('gives nothing when an id it needs is not known', () => {
    expect(immutableSubject('repo:acme-corp/api:ref:refs/heads/main', ids)).toBeUndefined();
    expect(immutableSubject('repo:other/app:ref:refs/heads/main', ids)).toBeUndefined();
    expect(immutableSubject('repo:acme-corp/app:ref:refs/heads/main', undefined)).toBeUndefined();
    expect(
      immutableSubject('repo:acme-corp/app:ref:refs/heads/main', { 'acme-corp/app': 2222 }),
    ).toBeUndefined();
  });
});
