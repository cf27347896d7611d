/**
 * trust.any-principal: an Allow that lets an AWS account nobody named assume the role. Whether a
 * condition restricts the wildcard is decided by the engine on a fresh foreign account, so the
 * condition keys below are examples, not the rule's list.
 */
import { describe, expect, it } from 'vitest';
import { admits } from '../../shared/policy/admits.js';
import type { Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { oracleAdmits } from '../support/iam-oracle.js';

const json = (condition?: object, principal: unknown = { AWS: '*' }, action: unknown = 'sts:AssumeRole') => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: principal, Action: action, ...(condition ? { Condition: condition } : {}) },
  ],
});
const hits = (policy: object) =>
  lintPolicy(parsePolicy(policy)).filter((f) => f.ruleId === 'trust.any-principal');

describe('trust.any-principal', () => {
  it('fires, critical, with a foreign account the policy admits (as the oracle agrees)', () => {
    for (const policy of [
      json(),
      json(undefined, '*'),
      json(undefined, { AWS: ['123456789012', '*'] }, 'sts:*'),
    ]) {
      const [hit] = hits(policy);
      expect(hit?.severity, JSON.stringify(policy)).toBe('critical');
      const witness = hit?.evidence.witness as Token;
      expect(witness.principal).toHaveProperty('AWS', expect.stringMatching(/^arn:aws:iam::\d{12}:/));
      expect(JSON.stringify(policy)).not.toContain((witness.principal as { AWS: string }).AWS.slice(13, 25));
      expect(admits(parsePolicy(policy).document, witness)).toBe(true);
      expect(oracleAdmits(policy, witness)).toBe(true);
    }
  });

  it('is silent when a condition ties the caller to accounts or an organization you name', () => {
    for (const condition of [
      { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } },
      { StringEquals: { 'aws:PrincipalAccount': ['123456789012', '210987654321'] } },
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/ci-*' } },
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:*' } },
      // Only a service acting for a resource carries aws:SourceAccount / aws:SourceArn.
      { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::my-bucket' } },
    ]) {
      expect(hits(json(condition)), JSON.stringify(condition)).toEqual([]);
    }
  });

  it('fires when the condition still lets a foreign account in', () => {
    for (const condition of [
      // Any organization, or any account outside one, or any role name in any account.
      { StringLike: { 'aws:PrincipalOrgID': 'o-*' } },
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/OrganizationAccountAccessRole' } },
      // A value the caller sends is not who the caller is.
      { StringEquals: { 'sts:ExternalId': 'vendor-7f3a' } },
      { StringEquals: { 'aws:PrincipalTag/team': 'platform' } },
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    ]) {
      expect(hits(json(condition)), JSON.stringify(condition)).toHaveLength(1);
    }
  });

  it('is silent on named accounts, services, web identities and actions that do not assume the role', () => {
    expect(hits(json(undefined, { AWS: 'arn:aws:iam::123456789012:root' }))).toEqual([]);
    expect(hits(json(undefined, { Service: 'lambda.amazonaws.com' }))).toEqual([]);
    expect(hits(json(undefined, { AWS: '*' }, ['sts:TagSession', 'sts:SetSourceIdentity']))).toEqual([]);
    expect(
      hits(
        json(
          undefined,
          { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
          'sts:AssumeRoleWithWebIdentity',
        ),
      ),
    ).toEqual([]);
  });

  it('a Deny that shuts foreign accounts out is taken into account', () => {
    const policy = json();
    policy.Statement.push({
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:AssumeRole',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    } as never);
    expect(hits(policy)).toEqual([]);
  });
});
