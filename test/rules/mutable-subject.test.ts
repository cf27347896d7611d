import { describe, expect, it } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { sampleAccount } from '../support/sample-account.js';

const P = 'token.actions.githubusercontent.com';
const trust = (subs: string[]) =>
  parsePolicy({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Deploy',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${P}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${P}:sub`]: subs },
        },
      },
    ],
  });
const mutable = (subs: string[], ids?: Record<string, number>) =>
  lintPolicy(trust(subs), { github: { subjectTemplates: {}, ...(ids ? { ids } : {}) } })
    .filter((f) => f.ruleId === 'oidc.mutable-subject')
    .map(({ message, evidence }) => ({ message, evidence }));

const SUBS = ['repo:acme-corp/app:ref:refs/heads/main', 'repo:acme-corp/*:environment:prod'];

describe('oidc.mutable-subject and the ids the config knows', () => {
  it('gives its generic advice when no ids are known', () => {
    expect(mutable(SUBS)).toEqual([
      {
        message:
          'statement 0 (Deploy): sub value "repo:acme-corp/app:ref:refs/heads/main" names the owner without its id',
        evidence: { statement: 0, value: 'repo:acme-corp/app:ref:refs/heads/main' },
      },
      {
        message:
          'statement 0 (Deploy): sub value "repo:acme-corp/*:environment:prod" names the owner without its id',
        evidence: { statement: 0, value: 'repo:acme-corp/*:environment:prod' },
      },
    ]);
  });

  it('names the exact immutable subject of each value whose ids are known', () => {
    expect(mutable(SUBS, { 'acme-corp': 1111, 'acme-corp/app': 2222 })).toEqual([
      {
        message:
          'statement 0 (Deploy): sub value "repo:acme-corp/app:ref:refs/heads/main" names the owner without its id: use "repo:acme-corp@1111/app@2222:ref:refs/heads/main"',
        evidence: {
          statement: 0,
          value: 'repo:acme-corp/app:ref:refs/heads/main',
          immutable: 'repo:acme-corp@1111/app@2222:ref:refs/heads/main',
        },
      },
      {
        message:
          'statement 0 (Deploy): sub value "repo:acme-corp/*:environment:prod" names the owner without its id: use "repo:acme-corp@1111/*:environment:prod"',
        evidence: {
          statement: 0,
          value: 'repo:acme-corp/*:environment:prod',
          immutable: 'repo:acme-corp@1111/*:environment:prod',
        },
      },
    ]);
  });

  it('keeps the generic advice for a value whose repository id is missing', () => {
    const [hit] = mutable(['repo:acme-corp/api:ref:refs/heads/main'], { 'acme-corp': 1111 });
    expect(hit?.evidence).toEqual({ statement: 0, value: 'repo:acme-corp/api:ref:refs/heads/main' });
  });

  it('draws no finding once the policy uses the immutable subject it advised', () => {
    expect(mutable(['repo:acme-corp@1111/app@2222:ref:refs/heads/main'], { 'acme-corp': 1111 })).toEqual([]);
  });
});

describe('the audit and github.ids in the config', () => {
  it("reports the exact immutable subject for an account's roles once the config holds their ids", () => {
    const { snapshot, baseline, config } = sampleAccount();
    const findingsOf = (github: typeof config.github) =>
      runAudit(snapshot, { config: { ...config, github }, baseline }).findings.filter(
        (f) => f.ruleId === 'oidc.mutable-subject' && f.resource.name === 'gh-terraform-apply',
      );
    const evidenceOf = (github: typeof config.github) => findingsOf(github).map((f) => f.evidence);
    const ids = { 'acme-corp': 4410021, 'acme-corp/infrastructure': 88120099 };
    expect(evidenceOf(config.github)).toEqual([
      { statement: 0, value: 'repo:acme-corp/infrastructure:ref:refs/heads/main' },
    ]);
    expect(evidenceOf({ ...config.github, ids })).toEqual([
      {
        statement: 0,
        value: 'repo:acme-corp/infrastructure:ref:refs/heads/main',
        immutable: 'repo:acme-corp@4410021/infrastructure@88120099:ref:refs/heads/main',
      },
    ]);
    // The advice is not what was found: the finding keeps its id, so it is updated, not alerted anew.
    expect(findingsOf({ ...config.github, ids }).map((f) => f.id)).toEqual(
      findingsOf(config.github).map((f) => f.id),
    );
  });
});
