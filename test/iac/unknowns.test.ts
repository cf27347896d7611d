import { describe, expect, it } from 'vitest';
import { type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { policyBounds } from '../../shared/iac/unknowns.js';
import type { Statement } from '../../shared/policy/model.js';

// Hand-written documents with one unknown each, in the shape the readers give.
const U = `${UNKNOWN_MARK}0`;
const GITHUB = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const SUB = 'token.actions.githubusercontent.com:sub';
const role = (statements: unknown[]): IacRole => ({
  file: 't.json',
  id: 'Role',
  document: { Version: '2012-10-17', Statement: statements },
  unknowns: [{ pointer: '/Statement/0', description: 'the unknown' }],
  valuePositions: {},
});
const statement = (
  effect: string,
  condition: Record<string, unknown>,
  principal: unknown = { Federated: GITHUB },
) => ({
  Effect: effect,
  Principal: principal,
  Action: 'sts:AssumeRoleWithWebIdentity',
  Condition: condition,
});
function bounds(statements: unknown[]): { narrowest: Statement[]; widest: Statement[] } {
  const b = policyBounds(role(statements));
  if (b.kind !== 'bounded') throw new Error(`expected bounds, got ${b.kind}`);
  expect(b.unknowns).toEqual([{ pointer: '/Statement/0', description: 'the unknown' }]);
  return { narrowest: b.narrowest.document.statements, widest: b.widest.document.statements };
}
const clauseOf = (s: Statement[]) => {
  const clause = s[0]?.conditions[0];
  return { operator: clause?.operator, values: clause?.values };
};

describe('policyBounds', () => {
  it("an unknown value of an Allow's StringLike: dropped in the narrowest, any value in the widest", () => {
    const { narrowest, widest } = bounds([
      statement('Allow', { StringLike: { [SUB]: ['repo:acme/app:*', U] } }),
    ]);
    expect(clauseOf(narrowest)).toEqual({ operator: 'StringLike', values: ['repo:acme/app:*'] });
    expect(clauseOf(widest)).toEqual({ operator: 'StringLike', values: ['repo:acme/app:*', '*'] });
  });

  it('in a Deny, the other way round: the Deny matches most in the narrowest', () => {
    const { narrowest, widest } = bounds([
      statement('Allow', {}),
      statement('Deny', { StringEquals: { [SUB]: U } }),
    ]);
    expect(clauseOf(narrowest.slice(1))).toEqual({ operator: 'StringLike', values: ['*'] });
    expect(clauseOf(widest.slice(1))).toEqual({ operator: 'StringEquals', values: [] });
  });

  it('a negated operator in an Allow: no value but an absent key in the narrowest, the value dropped in the widest', () => {
    const { narrowest, widest } = bounds([
      statement('Allow', { 'ForAllValues:StringNotEqualsIfExists': { [SUB]: U } }),
    ]);
    expect(clauseOf(narrowest)).toEqual({ operator: 'ForAllValues:StringNotLikeIfExists', values: ['*'] });
    expect(clauseOf(widest)).toEqual({ operator: 'ForAllValues:StringNotEqualsIfExists', values: [] });
  });

  it('an unknown Effect: a Deny matching most in the narrowest, an Allow matching most in the widest', () => {
    const { narrowest, widest } = bounds([statement(U, { StringLike: { [SUB]: 'repo:acme/*' } })]);
    expect(narrowest[0]?.effect).toBe('Deny');
    expect(widest[0]?.effect).toBe('Allow');
  });

  it('an unknown principal: nobody in the narrowest, everybody in the widest', () => {
    const { narrowest, widest } = bounds([statement('Allow', {}, { Federated: U })]);
    expect(narrowest[0]?.principal).toEqual({ Federated: [] });
    expect(widest[0]?.principal).toBe('*');
  });

  it('a provider ARN whose only unknown is the account names its provider: it is as good as known', () => {
    const b = policyBounds(
      role([
        statement(
          'Allow',
          {},
          { Federated: `arn:aws:iam::${U}:oidc-provider/token.actions.githubusercontent.com` },
        ),
      ]),
    );
    expect(b.kind).toBe('known');
  });

  it('a document unknown as a whole has no bounds', () => {
    expect(
      policyBounds({ ...role([]), document: undefined, unknowns: [{ pointer: '', description: 'x' }] }).kind,
    ).toBe('unknown');
  });
});
