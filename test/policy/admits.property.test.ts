/**
 * admits() against an independent IAM evaluator (iam-simulate) on thousands of generated trust policies
 * and tokens near them. The generators avoid the constructs where iam-simulate departs from DESIGN.md
 * (listed in test/support/policy-arbitraries.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admits } from '../../shared/policy/admits.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { oracleAdmits } from '../support/iam-oracle.js';
import { policySpecArb } from '../support/policy-arbitraries.js';
import { renderPolicy } from '../support/policy-spec.js';
import { tokenNearArb } from '../support/token-arbitraries.js';

const NUM_RUNS = 5000;

const caseArb = policySpecArb.chain((spec) =>
  fc.tuple(fc.constant(spec), fc.array(tokenNearArb([spec]), { minLength: 1, maxLength: 8 }), fc.boolean()),
);

describe('admits (property, against iam-simulate)', () => {
  it('agrees with the oracle on generated policies and tokens', () => {
    const seen = { admitted: 0, refused: 0 };
    fc.assert(
      fc.property(caseArb, ([spec, tokens, asText]) => {
        const json = renderPolicy(spec);
        // The same document as text and as a parsed object must read the same.
        const document = parsePolicy(asText ? JSON.stringify(json) : json).document;
        for (const token of tokens) {
          const expected = oracleAdmits(json, token);
          seen[expected ? 'admitted' : 'refused']++;
          expect(admits(document, token), JSON.stringify({ policy: json, token })).toBe(expected);
        }
      }),
      { numRuns: NUM_RUNS, plugins: [fc.interruptAfterTimeLimit(60_000, { failOnInterrupt: true })] },
    );
    // Guards the generators: a run where nearly every token is refused (or admitted) proves little.
    const total = seen.admitted + seen.refused;
    expect(seen.admitted / total).toBeGreaterThan(0.1);
    expect(seen.refused / total).toBeGreaterThan(0.1);
  });
});
