/**
 * An independent IAM decision for sts:AssumeRoleWithWebIdentity (and, for a token with a principal,
 * sts:AssumeRole or sts:AssumeRoleWithSAML), built on @cloud-copilot/iam-simulate
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
 * The request of a token's caller: the principal's ARN (or service name) and the STS action its kind
 * calls. An account principal (`:root`) stands for a role or user of the account, named by
 * aws:PrincipalArn when the token gives one.
 */
function callerRequest(token: Token, accountId: string): { principal: string; action: string } {
  const p = token.principal;
  if (!p)
    return { principal: providerArn(token.provider, accountId), action: 'sts:AssumeRoleWithWebIdentity' };
  if ('Service' in p) return { principal: p.Service, action: 'sts:AssumeRole' };
  if ('Federated' in p) return { principal: p.Federated, action: 'sts:AssumeRoleWithSAML' };
  const arn = Object.entries(token.claims).find(([k]) => k.toLowerCase() === 'aws:principalarn')?.[1];
  return { principal: p.AWS.endsWith(':root') && arn ? arn : p.AWS, action: 'sts:AssumeRole' };
}

/**
 * What IAM itself puts in the request context about the caller (global condition keys), unless the
 * token says otherwise: the account and ARN of an AWS principal (a role's for its sessions), and
 * whether the caller is a service.
 */
function callerKeys(token: Token, principal: string): Record<string, string> {
  const p = token.principal;
  if (!p) return {};
  if ('Service' in p) return { 'aws:PrincipalServiceName': p.Service, 'aws:PrincipalIsAWSService': 'true' };
  if ('Federated' in p) return {};
  const m = /^arn:([^:]+):(?:iam|sts)::(\d{12}):(.*)$/.exec(principal);
  const out: Record<string, string> = { 'aws:PrincipalIsAWSService': 'false' };
  if (!m) return out;
  out['aws:PrincipalAccount'] = m[2] as string;
  const session = /^assumed-role\/([^/]+)\//.exec(m[3] as string);
  if (session) out['aws:PrincipalArn'] = `arn:${m[1]}:iam::${m[2]}:role/${session[1]}`;
  else if (m[3] !== 'root') out['aws:PrincipalArn'] = principal;
  return out;
}

/** Request keys the token sets win over defaults; key names compare case-insensitively. */
function withDefaults(
  keys: Record<string, string>,
  defaults: Record<string, string>,
): Record<string, string> {
  const set = new Set(Object.keys(keys).map((k) => k.toLowerCase()));
  const out = { ...keys };
  for (const [k, v] of Object.entries(defaults)) if (!set.has(k.toLowerCase())) out[k] = v;
  return out;
}

/** The caller's own permission to call STS: an account principal needs it (IAM delegates to the account). */
const callerMayAssume = {
  name: 'caller',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] },
};

/**
 * True when IAM (as iam-simulate models it) lets `token` assume a role whose trust policy is
 * `policyJson`. Throws on a policy iam-simulate considers invalid: the oracle must never quietly
 * judge a document it did not understand.
 */
export function oracleAdmits(policyJson: object, token: Token, accountId = ORACLE_ACCOUNT): boolean {
  return oracleFor(policyJson, accountId)(token);
}

/**
 * The oracle's decision for one trust policy, validated once, for any number of tokens (as a
 * benchmark against a parsed policy needs). Throws on a policy iam-simulate considers invalid.
 */
export function oracleFor(policyJson: object, accountId = ORACLE_ACCOUNT): (token: Token) => boolean {
  // loadPolicy needs a name for the resource policy, which only a validated policy carries.
  const resourcePolicy = createValidatedPolicy(policyJson, validateTrustPolicy, { name: 'trust-policy' });
  if (resourcePolicy.errors.length > 0) {
    const errors = JSON.stringify(resourcePolicy.errors);
    throw new Error(`oracle: invalid trust policy: ${errors}\n${JSON.stringify(policyJson)}`);
  }
  return (token) => {
    const { principal, action } = callerRequest(token, accountId);
    // A role trusts only identity providers of its own account: a SAML caller puts the role there.
    const roleAccount =
      token.principal && 'Federated' in token.principal
        ? (/^arn:[^:]+:iam::(\d{12}):/.exec(principal)?.[1] ?? accountId)
        : accountId;
    const result = runUnsafeSimulation(
      {
        request: {
          principal,
          action,
          // The role lives in the provider's account, as it must for an IAM OIDC provider.
          resource: {
            resource: `arn:aws:iam::${roleAccount}:role/trustwatch-oracle`,
            accountId: roleAccount,
          },
          contextVariables: withDefaults(contextKeys(token), callerKeys(token, principal)),
        },
        identityPolicies: token.principal && 'AWS' in token.principal ? [callerMayAssume] : [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy,
      },
      { simulationMode: 'Strict' },
    );
    return result === 'Allowed';
  };
}
