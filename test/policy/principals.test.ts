/**
 * Trust is every (principal, request) pair a policy admits, not only OIDC tokens: compare and admits on
 * AWS accounts, roles, users, sessions, services and SAML providers, each witness checked against the
 * independent evaluator (iam-simulate).
 */
import { describe, expect, it } from 'vitest';
import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import type { Comparison, Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { oracleAdmits } from '../support/iam-oracle.js';

const GH = 'token.actions.githubusercontent.com';
const github = {
  Effect: 'Allow',
  Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${GH}` },
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: {
    StringEquals: { [`${GH}:aud`]: 'sts.amazonaws.com', [`${GH}:sub`]: 'repo:acme/app:ref:refs/heads/main' },
  },
};
/** The Stratus Red Team "backdoor an IAM role" statement. */
const BACKDOOR_ACCOUNT = 'arn:aws:iam::193672423079:root';
const backdoor = { Effect: 'Allow', Principal: { AWS: BACKDOOR_ACCOUNT }, Action: 'sts:AssumeRole' };
const json = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const doc = (j: object) => parsePolicy(j).document;
const request = (principal: Token['principal'], claims: Record<string, string> = {}): Token => ({
  provider: '',
  ...(principal ? { principal } : {}),
  claims,
});

/** compare, with every witness proven by the oracle: admitted by one side, refused by the other. */
function compared(oldJson: object, newJson: object): Comparison {
  const result = compare(doc(oldJson), doc(newJson));
  for (const w of result.newlyAdmitted) {
    expect(oracleAdmits(newJson, w), JSON.stringify(w)).toBe(true);
    expect(oracleAdmits(oldJson, w), JSON.stringify(w)).toBe(false);
  }
  for (const w of result.noLongerAdmitted) {
    expect(oracleAdmits(oldJson, w), JSON.stringify(w)).toBe(true);
    expect(oracleAdmits(newJson, w), JSON.stringify(w)).toBe(false);
  }
  return result;
}

describe('compare judges every principal', () => {
  it('an account principal appended to a GitHub role is wider, and names that account', () => {
    const result = compared(json(github), json(github, backdoor));
    expect(result.verdict).toBe('wider');
    expect(result.newlyAdmitted).toEqual([expect.objectContaining({ principal: { AWS: BACKDOOR_ACCOUNT } })]);
  });

  it('removing it is narrower', () => {
    const result = compared(json(github, backdoor), json(github));
    expect(result.verdict).toBe('narrower');
    expect(result.noLongerAdmitted[0]?.principal).toEqual({ AWS: BACKDOOR_ACCOUNT });
  });

  it('replacing the GitHub statement by it is never narrower', () => {
    const result = compared(json(github), json(backdoor));
    expect(result.verdict).toBe('incomparable');
    expect(result.newlyAdmitted[0]?.principal).toEqual({ AWS: BACKDOOR_ACCOUNT });
    expect(result.noLongerAdmitted[0]?.claims.sub).toBe('repo:acme/app:ref:refs/heads/main');
  });

  it('a condition that restricts an AWS principal makes it narrower (aws:PrincipalOrgID, sts:ExternalId)', () => {
    for (const condition of [
      { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { StringEquals: { 'sts:ExternalId': 'vendor-7f3a' } },
    ]) {
      const result = compared(json(github, backdoor), json(github, { ...backdoor, Condition: condition }));
      expect(result.verdict, JSON.stringify(condition)).toBe('narrower');
      expect(result.noLongerAdmitted[0]?.principal).toEqual({ AWS: BACKDOOR_ACCOUNT });
    }
  });

  it('an account principal admits every role of that account; a role principal only that role', () => {
    const role = { ...backdoor, Principal: { AWS: 'arn:aws:iam::193672423079:role/deployer' } };
    const result = compared(json(role), json(backdoor));
    expect(result.verdict).toBe('wider');
    const witness = result.newlyAdmitted[0];
    expect(witness?.principal).toHaveProperty('AWS', expect.stringMatching(/^arn:aws:iam::193672423079:/));
    expect(witness?.principal).not.toEqual({ AWS: 'arn:aws:iam::193672423079:role/deployer' });
  });

  it('an account principal limited by aws:PrincipalArn equals the role principal', () => {
    const arn = 'arn:aws:iam::193672423079:role/deployer';
    const byCondition = { ...backdoor, Condition: { ArnEquals: { 'aws:PrincipalArn': arn } } };
    expect(compared(json(byCondition), json({ ...backdoor, Principal: { AWS: arn } })).verdict).toBe('equal');
  });

  it('the wildcard principal with aws:PrincipalOrgID differs from one with another organization', () => {
    const org = (id: string) => ({
      ...backdoor,
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': id } },
    });
    const result = compared(json(org('o-aaaaaaaaaa')), json(org('o-bbbbbbbbbb')));
    expect(result.verdict).toBe('incomparable');
    expect(result.newlyAdmitted.some((t) => t.claims['aws:principalorgid'] === 'o-bbbbbbbbbb')).toBe(true);
  });

  it('service and SAML principals are compared with the action they call', () => {
    const lambda = {
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    };
    const saml = {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/okta' },
      Action: 'sts:AssumeRoleWithSAML',
      Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
    };
    const withLambda = compared(json(github), json(github, lambda));
    expect(withLambda.verdict).toBe('wider');
    expect(withLambda.newlyAdmitted[0]?.principal).toEqual({ Service: 'lambda.amazonaws.com' });
    const withSaml = compared(json(github), json(github, saml));
    expect(withSaml.newlyAdmitted[0]).toMatchObject({
      principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/okta' },
      claims: { 'saml:aud': 'https://signin.aws.amazon.com/saml' },
    });
    // The wrong action lets nobody in: SAML with sts:AssumeRole, a service with AssumeRoleWithSAML.
    expect(compared(json(github), json(github, { ...saml, Action: 'sts:AssumeRole' })).verdict).toBe('equal');
    expect(
      compared(json(github), json(github, { ...lambda, Action: 'sts:AssumeRoleWithSAML' })).verdict,
    ).toBe('equal');
  });

  it('sts:TagSession or sts:SetSourceIdentity alone let nobody assume the role', () => {
    for (const action of ['sts:TagSession', ['sts:SetSourceIdentity', 'sts:TagSession']])
      expect(compared(json(github), json(github, { ...backdoor, Action: action })).verdict).toBe('equal');
  });

  it('a wildcard principal lets in accounts, services and SAML providers nobody named', () => {
    const anyone = { ...backdoor, Principal: '*', Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML'] };
    const result = compared(json(github), json(github, anyone));
    expect(result.verdict).toBe('wider');
    const kinds = new Set(result.newlyAdmitted.map((t) => Object.keys(t.principal ?? {})[0]));
    expect(kinds).toEqual(new Set(['AWS', 'Service', 'Federated']));
  });
});

describe('admits with a principal', () => {
  const policy = doc(json(github, backdoor));
  it('an account principal admits its roles and users, not those of another account', () => {
    expect(admits(policy, request({ AWS: BACKDOOR_ACCOUNT }))).toBe(true);
    expect(admits(policy, request({ AWS: 'arn:aws:iam::193672423079:role/any' }))).toBe(true);
    expect(admits(policy, request({ AWS: 'arn:aws:iam::193672423079:user/bob' }))).toBe(true);
    expect(admits(policy, request({ AWS: 'arn:aws:iam::193672423078:role/any' }))).toBe(false);
  });

  it('a role principal admits its sessions; a session principal only that session', () => {
    const role = doc(json({ ...backdoor, Principal: { AWS: 'arn:aws:iam::193672423079:role/ci' } }));
    expect(admits(role, request({ AWS: 'arn:aws:sts::193672423079:assumed-role/ci/run-1' }))).toBe(true);
    expect(admits(role, request({ AWS: 'arn:aws:sts::193672423079:assumed-role/other/run-1' }))).toBe(false);
    const session = doc(
      json({ ...backdoor, Principal: { AWS: 'arn:aws:sts::193672423079:assumed-role/ci/run-1' } }),
    );
    expect(admits(session, request({ AWS: 'arn:aws:sts::193672423079:assumed-role/ci/run-1' }))).toBe(true);
    expect(admits(session, request({ AWS: 'arn:aws:sts::193672423079:assumed-role/ci/run-2' }))).toBe(false);
  });

  it('request context the principal fixes decides conditions on it', () => {
    const star = (condition: object) =>
      doc(json({ ...backdoor, Principal: { AWS: '*' }, Condition: condition }));
    const mine = star({ StringEquals: { 'aws:PrincipalAccount': '111122223333' } });
    expect(admits(mine, request({ AWS: 'arn:aws:iam::111122223333:role/x' }))).toBe(true);
    expect(admits(mine, request({ AWS: 'arn:aws:iam::444455556666:role/x' }))).toBe(false);
    // aws:SourceAccount comes only with a service acting for a resource, never with an AWS principal.
    const source = star({ StringEquals: { 'aws:SourceAccount': '111122223333' } });
    expect(admits(source, request({ AWS: 'arn:aws:iam::111122223333:role/x' }))).toBe(false);
    expect(
      admits(source, request({ Service: 's3.amazonaws.com' }, { 'aws:SourceAccount': '111122223333' })),
    ).toBe(true);
  });

  it('each principal kind needs its own STS action', () => {
    const saml = { Federated: 'arn:aws:iam::123456789012:saml-provider/okta' };
    const allow = (action: string) => doc(json({ Effect: 'Allow', Principal: '*', Action: action }));
    expect(admits(allow('sts:AssumeRoleWithSAML'), request(saml))).toBe(true);
    expect(admits(allow('sts:AssumeRole'), request(saml))).toBe(false);
    expect(admits(allow('sts:AssumeRole'), request({ Service: 'ec2.amazonaws.com' }))).toBe(true);
    expect(admits(allow('sts:AssumeRoleWithSAML'), request({ Service: 'ec2.amazonaws.com' }))).toBe(false);
    expect(admits(allow('sts:TagSession'), request({ AWS: BACKDOOR_ACCOUNT }))).toBe(false);
  });
});
