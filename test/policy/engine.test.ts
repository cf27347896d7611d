import { describe, expect, it } from 'vitest';
import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import { explain } from '../../shared/policy/explain.js';
import type { PolicyDocument, Token } from '../../shared/policy/model.js';
import { owners } from '../../shared/policy/owners.js';
import { PolicyParseError, parsePolicy } from '../../shared/policy/parse.js';

const P = 'token.actions.githubusercontent.com';
const ARN = `arn:aws:iam::123456789012:oidc-provider/${P}`;
const statement = (condition: object, effect = 'Allow') => ({
  Effect: effect,
  Principal: { Federated: ARN },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
});
const doc = (...statements: object[]): PolicyDocument =>
  parsePolicy({ Version: '2012-10-17', Statement: statements }).document;
const subLike = (sub: string | string[], op = 'StringLike') =>
  doc(statement({ [op]: { [`${P}:sub`]: sub } }));
const token = (sub: string, extra: Record<string, string> = {}): Token => ({
  provider: P,
  claims: { sub, aud: 'sts.amazonaws.com', ...extra },
});

describe('admits: IAM condition semantics', () => {
  it('StringLike * spans / and : and the empty run; ? is exactly one character', () => {
    expect(admits(subLike('repo:acme/*'), token('repo:acme/app:ref:refs/heads/main'))).toBe(true);
    expect(admits(subLike('repo:acme/app:*'), token('repo:acme/app:'))).toBe(true);
    expect(admits(subLike('repo:acme/ap?:*'), token('repo:acme/app:pull_request'))).toBe(true);
    expect(admits(subLike('repo:acme/ap?:*'), token('repo:acme/ap:pull_request'))).toBe(false);
  });
  it('is case-sensitive unless IgnoreCase', () => {
    expect(admits(subLike('repo:Acme/*'), token('repo:acme/app:pull_request'))).toBe(false);
    expect(
      admits(
        subLike('repo:Acme/app:pull_request', 'StringEqualsIgnoreCase'),
        token('repo:acme/APP:pull_request'),
      ),
    ).toBe(true);
  });
  it('StringEquals compares * literally; ${*} is a literal star', () => {
    expect(admits(subLike('repo:acme/*', 'StringEquals'), token('repo:acme/app:pull_request'))).toBe(false);
    expect(admits(subLike('repo:acme/*', 'StringEquals'), token('repo:acme/*'))).toBe(true);
    expect(admits(subLike('repo:acme/${*}'), token('repo:acme/*'))).toBe(true);
    expect(admits(subLike('repo:acme/${*}'), token('repo:acme/app'))).toBe(false);
  });
  it('reads ${*} escapes only with Version 2012-10-17; without it the text is literal', () => {
    const old = parsePolicy({
      Statement: [statement({ StringLike: { [`${P}:sub`]: 'repo:acme/${*}' } })],
    }).document;
    expect(admits(old, token('repo:acme/${*}'))).toBe(true);
    expect(admits(old, token('repo:acme/*'))).toBe(false);
  });
  it('fills policy variables from the request; an unresolvable one makes the statement match nothing', () => {
    const byActor = subLike(`repo:\${${P}:actor}/*`);
    expect(admits(byActor, token('repo:octocat/app:pull_request', { actor: 'octocat' }))).toBe(true);
    expect(admits(byActor, token('repo:other/app:pull_request', { actor: 'octocat' }))).toBe(false);
    expect(admits(byActor, token('repo:octocat/app:pull_request'))).toBe(false);
    const denyUnresolved = doc(
      statement({ StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com' } }),
      statement({ StringNotLike: { [`${P}:sub`]: 'repo:${aws:username}/*' } }, 'Deny'),
    );
    expect(admits(denyUnresolved, token('repo:acme/app:pull_request'))).toBe(true);
  });
  it('ARN operators compare ARNs part by part and match no other string', () => {
    expect(admits(subLike('repo:acme/*', 'ArnLike'), token('repo:acme/app:pull_request'))).toBe(false);
    const arn = doc(statement({ ArnLike: { 'aws:SourceArn': 'arn:aws:iam::*:role/ci-*' } }));
    expect(admits(arn, token('x', { 'aws:SourceArn': 'arn:aws:iam::123456789012:role/ci-deploy' }))).toBe(
      true,
    );
    expect(admits(arn, token('x', { 'aws:SourceArn': 'arn:aws:iam::123456789012:user/ci-deploy' }))).toBe(
      false,
    );
  });
  it('negated operators, IfExists, ForAllValues are true when the key is absent; ForAnyValue is false', () => {
    const absent: Token = { provider: P, claims: { aud: 'sts.amazonaws.com' } };
    expect(admits(subLike('repo:evil/*', 'StringNotLike'), absent)).toBe(true);
    expect(admits(subLike('repo:acme/*', 'StringLikeIfExists'), absent)).toBe(true);
    expect(admits(subLike('repo:acme/*', 'ForAllValues:StringLike'), absent)).toBe(true);
    expect(admits(subLike('repo:acme/*', 'ForAnyValue:StringLike'), absent)).toBe(false);
    expect(admits(subLike('repo:acme/*'), absent)).toBe(false);
  });
  it('Null tests presence', () => {
    const p = doc(statement({ Null: { [`${P}:environment`]: 'false' } }));
    expect(admits(p, token('repo:a/b:environment:prod', { environment: 'prod' }))).toBe(true);
    expect(admits(p, token('repo:a/b:ref:refs/heads/main'))).toBe(false);
  });
  it('values OR, keys AND, statements OR, Deny wins; key names are case-insensitive', () => {
    const p = doc(
      statement({
        StringLike: { [`${P}:SUB`]: ['repo:acme/a:*', 'repo:acme/b:*'], [`${P}:aud`]: 'sts.amazonaws.com' },
      }),
      statement({ StringEquals: { [`${P}:sub`]: 'repo:acme/c:pull_request' } }),
      statement({ StringLike: { [`${P}:sub`]: '*:pull_request' } }, 'Deny'),
    );
    expect(admits(p, token('repo:acme/b:ref:refs/heads/main'))).toBe(true);
    expect(admits(p, token('repo:acme/b:ref:refs/heads/main', { aud: 'other' }))).toBe(false);
    expect(admits(p, token('repo:acme/c:pull_request'))).toBe(false);
  });
  it('a statement for another provider or action does not apply', () => {
    const other = parsePolicy({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'accounts.google.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    }).document;
    expect(admits(other, token('repo:a/b:pull_request'))).toBe(false);
    const wrongAction = parsePolicy({
      Statement: [{ Effect: 'Allow', Principal: { Federated: ARN }, Action: 'sts:AssumeRole' }],
    });
    expect(admits(wrongAction.document, token('repo:a/b:pull_request'))).toBe(false);
    const star = parsePolicy({ Statement: [{ Effect: 'Allow', Principal: '*', Action: ['sts:*'] }] });
    expect(admits(star.document, token('repo:a/b:pull_request'))).toBe(true);
  });
});

describe('parsePolicy', () => {
  it('reads URL-encoded documents as the IAM API returns them', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [statement({ StringLike: { [`${P}:sub`]: 'repo:a/*' } })],
    });
    const parsed = parsePolicy(encodeURIComponent(text));
    expect(parsed.document.statements[0]?.conditions[0]?.values).toEqual(['repo:a/*']);
  });
  it('reports a duplicated key that JSON silently drops', () => {
    const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${ARN}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${P}:sub":"repo:a/b:ref:refs/heads/main"},"StringEquals":{"${P}:aud":"sts.amazonaws.com"}}}]}`;
    const parsed = parsePolicy(text);
    expect(parsed.issues).toEqual([
      expect.objectContaining({ code: 'duplicate-key', path: 'Statement[0].Condition.StringEquals' }),
    ]);
    expect(parsed.document.statements[0]?.conditions.map((c) => c.key)).toEqual([`${P}:aud`]);
  });
  it('rejects what IAM rejects, naming the place', () => {
    expect(() => parsePolicy('{"Statement":[{"Effect":"Maybe"}]}')).toThrow(/Statement\[0\]\.Effect/);
    expect(() => parsePolicy('{"Version":"2012-10-17"}')).toThrow(PolicyParseError);
    expect(() => parsePolicy('{"Statement": [')).toThrow(/invalid JSON at line 1/);
  });
});

describe('compare', () => {
  const base = subLike('repo:acme/app:ref:refs/heads/main');
  it('finds the widening and a realistic witness', () => {
    const result = compare(base, subLike('repo:acme/*'));
    expect(result.verdict).toBe('wider');
    const witness = result.newlyAdmitted[0] as Token;
    expect(witness.claims.sub).toMatch(/^repo:acme\/[^:]+:ref:refs\/heads\/main$/);
    expect(admits(subLike('repo:acme/*'), witness) && !admits(base, witness)).toBe(true);
  });
  it('says equal for equivalent patterns and narrower for a subset', () => {
    expect(compare(subLike('repo:acme/app:*'), subLike('repo:acme/app:**')).verdict).toBe('equal');
    expect(compare(subLike('repo:acme/*'), subLike('repo:acme/app:*')).verdict).toBe('narrower');
  });
  it('a removed Deny widens; a StringNotLike Deny can be the only restriction', () => {
    const open = doc(statement({ StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com' } }));
    const denied = doc(
      statement({ StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com' } }),
      statement({ StringNotLike: { [`${P}:sub`]: 'repo:acme/*' } }, 'Deny'),
    );
    const result = compare(denied, open);
    expect(result.verdict).toBe('wider');
    expect(result.newlyAdmitted[0]?.claims.sub).not.toMatch(/^repo:acme\//);
  });
  it('a case change is incomparable, with witnesses both ways', () => {
    const result = compare(subLike('repo:acme/app:*'), subLike('repo:Acme/app:*'));
    expect(result.verdict).toBe('incomparable');
    expect(result.newlyAdmitted[0]?.claims.sub).toMatch(/^repo:Acme\/app:/);
    expect(result.noLongerAdmitted[0]?.claims.sub).toMatch(/^repo:acme\/app:/);
  });
  it('says when a verdict rests on conditions it compares as yes/no (variables, ARNs)', () => {
    const byActor = subLike(`repo:\${${P}:actor}/*`);
    const result = compare(byActor, subLike('repo:acme/*'));
    expect(result.notes.join(' ')).toMatch(/independent yes\/no conditions/);
    expect(compare(byActor, byActor).verdict).toBe('equal');
  });
  it("finds a pull_request run whose ref only a wildcard admits, beside a ref condition's other values", () => {
    // The ref condition's shortest value is the tag: the pull request's ref must be searched for.
    const byRef = (...extra: object[]) =>
      doc(
        statement(
          Object.assign(
            {
              StringLike: { [`${P}:ref`]: ['refs/tags/v1', 'refs/pul?/7/merge'] },
              StringEquals: { [`${P}:sub`]: 'repo:acme/app:pull_request' },
            },
            ...extra,
          ),
        ),
      );
    const result = compare(byRef(), byRef({ 'ForAllValues:StringLike': { [`${P}:sub`]: 'repo:other/*' } }));
    expect(result.verdict).toBe('narrower');
    expect(result.noLongerAdmitted[0]?.claims).toMatchObject({
      sub: 'repo:acme/app:pull_request',
      ref: 'refs/pull/7/merge',
    });
  });
  it('notes, but does not alert on, differences only non-GitHub strings show', () => {
    const result = compare(
      subLike('repo:acme/app:ref:refs/heads/main'),
      subLike(['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:main']),
    );
    expect(result.verdict).toBe('equal');
    expect(result.notes.join(' ')).toMatch(/no GitHub token carries/);
  });
});

describe('owners', () => {
  it('lists written owners or says any', () => {
    expect(owners(subLike(['repo:acme/app:*', 'repo:beta/x:*']))[0]).toMatchObject({
      any: false,
      owners: ['acme', 'beta'],
    });
    for (const wide of ['repo:*', 'repo:octo*', '*:ref:refs/heads/main']) {
      const result = owners(subLike(wide))[0];
      expect(result?.any, wide).toBe(true);
      expect(admits(subLike(wide), result?.foreignWitness as Token)).toBe(true);
    }
  });
});

describe('explain', () => {
  const p = subLike('repo:acme/app:ref:refs/heads/main', 'StringEquals');
  it('spots a letter-case difference', () => {
    const e = explain(p, token('repo:Acme/app:ref:refs/heads/main'));
    expect(e.admitted).toBe(false);
    expect(e.reasons.join(' ')).toMatch(/only in letter case/);
  });
  it('spots an environment job against a branch pattern', () => {
    const e = explain(p, token('repo:acme/app:environment:prod'));
    expect(e.reasons.join(' ')).toMatch(/runs in environment "prod"/);
  });
  it('spots immutable subjects', () => {
    const e = explain(p, token('repo:acme@1/app@2:ref:refs/heads/main'));
    expect(e.reasons.join(' ')).toMatch(/immutable subjects/);
  });
  it('explains an admitted token', () => {
    const e = explain(p, token('repo:acme/app:ref:refs/heads/main'));
    expect(e.admitted).toBe(true);
    expect(e.statements[0]?.conditions.every((c) => c.holds)).toBe(true);
  });
});
