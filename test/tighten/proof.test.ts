/** prove() refuses what is not safe to apply (hand-written policies). */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/policy/parse.js';
import { prove } from '../../shared/tighten/proof.js';
import { observedToken } from '../../shared/tighten/token.js';
import { githubTrust } from '../support/github-trust.js';

const doc = (sub: string | string[], operator = 'StringEquals') =>
  parsePolicy(githubTrust(sub, { operator })).document;
const seen = (subject: string) => ({
  subject,
  token: observedToken(subject, 'token.actions.githubusercontent.com'),
});

describe('prove', () => {
  it('holds for a narrower policy that keeps every observed subject, with the risk removed', () => {
    const proof = prove(doc('repo:acme/*', 'StringLike'), doc('repo:acme/app:ref:refs/heads/main'), [
      seen('repo:acme/app:ref:refs/heads/main'),
    ]);
    expect(proof.failure).toBeUndefined();
    expect(proof.comparison.verdict).toBe('narrower');
    expect(proof.comparison.noLongerAdmitted[0]?.claims.sub).toMatch(/^repo:acme\//);
  });

  it('fails for a policy that admits more than the current one', () => {
    const proof = prove(doc('repo:acme/app:ref:refs/heads/main'), doc('repo:acme/*', 'StringLike'), []);
    expect(proof.failure).toBe('compare says wider');
  });

  it('fails for a policy that refuses a subject that assumed the role', () => {
    const proof = prove(
      doc(['repo:acme/app:ref:refs/heads/main', 'repo:acme/api:ref:refs/heads/main']),
      doc('repo:acme/app:ref:refs/heads/main'),
      [seen('repo:acme/api:ref:refs/heads/main')],
    );
    expect(proof.failure).toBe('it would refuse "repo:acme/api:ref:refs/heads/main", which assumed the role');
  });
});
