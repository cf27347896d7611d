import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readCloudFormation } from '../../shared/iac/cloudformation/index.js';
import { policySpecArb } from '../support/policy-arbitraries.js';
import { renderPolicy } from '../support/policy-spec.js';

/** A template holding `policy` literally as the trust policy of role `Role`. */
const template = (policy: unknown) => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: policy } } },
});

describe('a policy written literally reads back unchanged, in JSON and in YAML', () => {
  it('JSON and YAML templates give the policy itself, with no unknowns', () => {
    fc.assert(
      fc.property(policySpecArb, (spec) => {
        const policy = renderPolicy(spec);
        for (const [file, text] of [
          ['t.json', JSON.stringify(template(policy), null, 2)],
          ['t.yaml', stringify(template(policy))],
        ] as const) {
          const [role, ...rest] = readCloudFormation(file, text);
          expect(rest).toEqual([]);
          expect(role?.document).toEqual(policy);
          expect(role?.unknowns).toEqual([]);
          expect(role?.valuePositions['']).toBeDefined();
        }
      }),
      { numRuns: 150 },
    );
  });
});
