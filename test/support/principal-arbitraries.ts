/**
 * fast-check arbitraries for principals other than web identities and the request context keys that
 * restrict them, over a small confusable set: two accounts, a role and a user in each, sessions of the
 * role, two services, a SAML provider. Accounts differ from the oracle's own (123456789012), where
 * iam-simulate would match an account principal to the OIDC provider's ARN as well.
 */
import fc from 'fast-check';
import type { Token, TokenPrincipal } from '../../shared/policy/model.js';
import { ORACLE_ACCOUNT } from './iam-oracle.js';
import type { PolicySpec } from './policy-spec.js';

export const ACCOUNTS = ['210987654321', '111122223333'];
export const ORGS = ['o-a1b2c3', 'o-zz9'];
export const SERVICES = ['lambda.amazonaws.com', 'ec2.amazonaws.com'];
export const SAML_PROVIDER = `arn:aws:iam::${ORACLE_ACCOUNT}:saml-provider/okta`;

const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
const account = pick(ACCOUNTS);
const roleArn = fc.tuple(account, pick(['ci', 'Deploy'])).map(([a, r]) => `arn:aws:iam::${a}:role/${r}`);
const userArn = account.map((a) => `arn:aws:iam::${a}:user/bob`);

/** A value of the AWS principal type: an account (two spellings), a role, a user, or everyone. */
export const awsPrincipalValueArb = fc.oneof(
  { weight: 2, arbitrary: account },
  { weight: 2, arbitrary: account.map((a) => `arn:aws:iam::${a}:root`) },
  { weight: 2, arbitrary: roleArn },
  { weight: 1, arbitrary: userArn },
  { weight: 1, arbitrary: fc.constant('*') },
);

/** Principal elements naming accounts, roles, users, services or a SAML provider. */
export const otherPrincipalArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: awsPrincipalValueArb.map((v) => ({ AWS: v })) },
  {
    weight: 1,
    arbitrary: fc.array(awsPrincipalValueArb, { minLength: 2, maxLength: 2 }).map((AWS) => ({ AWS })),
  },
  { weight: 1, arbitrary: pick(SERVICES).map((Service) => ({ Service })) },
  { weight: 1, arbitrary: fc.constant({ Federated: SAML_PROVIDER }) },
);

/** Request context keys that say who the caller is, or what it sends, with values near each other. */
const CONTEXT_VALUES: Record<string, fc.Arbitrary<string>> = {
  'aws:PrincipalOrgID': pick(ORGS),
  'aws:PrincipalAccount': account,
  'aws:PrincipalArn': fc.oneof(roleArn, userArn),
  'aws:SourceAccount': account,
  'sts:ExternalId': pick(['vendor-1', 'vendor-2']),
  'SAML:aud': pick(['https://signin.aws.amazon.com/saml', 'https://example.com/saml']),
};
export const CONTEXT_KEYS = Object.keys(CONTEXT_VALUES);

export function contextValueArb(key: string): fc.Arbitrary<string> {
  const found = Object.entries(CONTEXT_VALUES).find(([k]) => k.toLowerCase() === key.toLowerCase());
  if (!found) throw new Error(`no values for context key ${key}`);
  return found[1];
}

const callerArb: fc.Arbitrary<TokenPrincipal> = fc.oneof(
  { weight: 2, arbitrary: account.map((a) => ({ AWS: `arn:aws:iam::${a}:root` })) },
  { weight: 2, arbitrary: roleArn.map((AWS) => ({ AWS })) },
  { weight: 1, arbitrary: userArn.map((AWS) => ({ AWS })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(account, pick(['ci', 'Deploy']), pick(['run-1', 'run-2']))
      .map(([a, r, s]) => ({ AWS: `arn:aws:sts::${a}:assumed-role/${r}/${s}` })),
  },
  { weight: 1, arbitrary: pick([...SERVICES, 'states.amazonaws.com']).map((Service) => ({ Service })) },
  { weight: 1, arbitrary: fc.constant({ Federated: SAML_PROVIDER }) },
);

/** The principals the specs' statements name, as callers (an account as its root ARN). */
function namedCallers(specs: PolicySpec[]): TokenPrincipal[] {
  const out: TokenPrincipal[] = [];
  for (const spec of specs) {
    for (const s of spec.statements) {
      const p = s.principal as Record<string, unknown> | string;
      if (typeof p !== 'object') continue;
      const values = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as string[];
      for (const v of values(p.AWS))
        if (v !== '*') out.push({ AWS: /^\d{12}$/.test(v) ? `arn:aws:iam::${v}:root` : v });
      for (const v of values(p.Service)) out.push({ Service: v });
      for (const v of values(p.Federated)) if (v.includes(':saml-provider/')) out.push({ Federated: v });
    }
  }
  return out;
}

/** A request near `specs`: often by a principal they name, else by any of the callers above. */
export function principalTokenNearArb(specs: PolicySpec[]): fc.Arbitrary<Token> {
  const named = namedCallers(specs);
  return named.length === 0
    ? principalTokenArb
    : fc.oneof(principalTokenArb, requestArb(fc.constantFrom(...named)));
}

/**
 * A request by a principal other than a web identity, with some context keys set. Keys that only a
 * service or a SAML assertion carries are left to those callers, as IAM would.
 */
export const principalTokenArb: fc.Arbitrary<Token> = requestArb(callerArb);

function requestArb(callers: fc.Arbitrary<TokenPrincipal>): fc.Arbitrary<Token> {
  return fc
    .tuple(
      callers,
      fc.record(
        Object.fromEntries(
          CONTEXT_KEYS.map((k) => [k, fc.option(contextValueArb(k), { freq: 2, nil: undefined })]),
        ),
      ),
    )
    .map(([principal, context]) => {
      const claims: Record<string, string> = {};
      for (const [key, value] of Object.entries(context)) {
        if (value === undefined) continue;
        if (key === 'aws:SourceAccount' && !('Service' in principal)) continue;
        if (key === 'SAML:aud' && !('Federated' in principal)) continue;
        // What IAM derives from an AWS principal is its own, not the caller's to choose.
        if ((key === 'aws:PrincipalAccount' || key === 'aws:PrincipalArn') && 'AWS' in principal) continue;
        claims[key] = value;
      }
      return { provider: '', principal, claims };
    });
}
