import { describe, expect, it } from 'vitest';
import { ComplexityError } from '../../shared/policy/budget.js';
import { compare } from '../../shared/policy/compare.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { subsequenceUnion } from '../support/hostile-policies.js';

const P = 'token.actions.githubusercontent.com';
const SMALL = { steps: 2_000_000 };

const plain = parsePolicy({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${P}` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${P}:sub`]: ['repo:acme/app:ref:refs/heads/*', 'repo:acme/*:environment:prod'] },
      },
    },
  ],
});

function refusal(run: () => unknown): ComplexityError {
  try {
    run();
  } catch (error) {
    if (error instanceof ComplexityError) return error;
    throw error;
  }
  throw new Error('expected the analysis to be refused');
}

describe('the search budget', () => {
  it('refuses a hostile policy, naming the statement and the condition key that took the budget', () => {
    const error = refusal(() => lintPolicy(parsePolicy(subsequenceUnion(16)), { budget: SMALL }));
    expect(error.place).toEqual({ statement: 1, sid: 'Hostile', key: `${P}:sub` });
    expect(error.message).toBe(
      `the policy is too complex to analyse exactly: condition key ${P}:sub in statement 1 (Hostile) needs more search than the budget allows`,
    );
  });

  it('decides an ordinary policy within the same budget, as without one', () => {
    expect(lintPolicy(plain, { budget: SMALL })).toEqual(lintPolicy(plain));
  });

  it('gives the same answer whatever was analysed before: a remembered search costs what it cost', () => {
    const hostile = parsePolicy(subsequenceUnion(6));
    const cost = { steps: 400_000 };
    const first = refusal(() => lintPolicy(hostile, { budget: cost }));
    // With room to spare the searches finish and are remembered; the small budget still refuses.
    lintPolicy(hostile, { budget: { steps: 50_000_000 } });
    expect(refusal(() => lintPolicy(hostile, { budget: cost })).message).toBe(first.message);
  });

  it('bounds a comparison too', () => {
    const [a, b] = [subsequenceUnion(16), subsequenceUnion(16, 'Other')].map((p) => parsePolicy(p).document);
    const error = refusal(() => compare(a as never, b as never, { budget: SMALL }));
    expect(error.place?.key).toBe(`${P}:sub`);
    expect(compare(plain.document, plain.document, { budget: SMALL }).verdict).toBe('equal');
  });

  it('stops at a deadline when one is given', () => {
    const error = refusal(() =>
      lintPolicy(parsePolicy(subsequenceUnion(16)), { budget: { steps: 1e12, milliseconds: 0 } }),
    );
    expect(error.place?.statement).toBe(1);
  });
});
