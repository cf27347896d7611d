/**
 * An independent IAM decision for sts:AssumeRoleWithWebIdentity, built on @cloud-copilot/iam-simulate
 * (AGPL: a devDependency used only here, as a test oracle; nothing in shared/ or cli/ may import it).
 *
 * The trust policy is evaluated the way STS evaluates it: as the resource policy of a role, for a
 * request whose principal is the federated OIDC provider and whose context keys are the token's
 * claims. `runSimulation` validates context keys against the service reference and drops
 * `<provider>:sub` / `:aud`, so we validate the policy ourselves and call `runUnsafeSimulation`.
 */
import { createValidatedPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { Token } from '../../shared/policy/model.js';

export const ORACLE_ACCOUNT = '123456789012';
export const GITHUB_PROVIDER = 'token.actions.githubusercontent.com';

export const providerArn = (provider: string, accountId = ORACLE_ACCOUNT): string =>
  `arn:aws:iam::${accountId}:oidc-provider/${provider}`;

/** A claim name containing `:` is already a full context key (see `Token.claims`). */
export function contextKeys(token: Token): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [claim, value] of Object.entries(token.claims)) {
    out[claim.includes(':') ? claim : `${token.provider}:${claim}`] = value;
  }
  return out;
}

/**
 * True when IAM (as iam-simulate models it) lets `token` assume a role whose trust policy is
 * `policyJson`. Throws on a policy iam-simulate considers invalid: the oracle must never quietly
 * judge a document it did not understand.
 */
export function oracleAdmits(policyJson: object, token: Token, accountId = ORACLE_ACCOUNT): boolean {
  // loadPolicy needs a name for the resource policy, which only a validated policy carries.
  const resourcePolicy = createValidatedPolicy(policyJson, validateTrustPolicy, { name: 'trust-policy' });
  if (resourcePolicy.errors.length > 0) {
    const errors = JSON.stringify(resourcePolicy.errors);
    throw new Error(`oracle: invalid trust policy: ${errors}\n${JSON.stringify(policyJson)}`);
  }
  const result = runUnsafeSimulation(
    {
      request: {
        principal: providerArn(token.provider, accountId),
        action: 'sts:AssumeRoleWithWebIdentity',
        // The role lives in the provider's account, as it must for an IAM OIDC provider.
        resource: { resource: `arn:aws:iam::${accountId}:role/trustwatch-oracle`, accountId },
        contextVariables: contextKeys(token),
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    { simulationMode: 'Strict' },
  );
  return result === 'Allowed';
}
