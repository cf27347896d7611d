import type { Principal, Token, TokenPrincipal } from './model.js';

/**
 * Principals other than web identities, as IAM matches them against a trust policy's Principal
 * element (IAM User Guide, "AWS JSON policy elements: Principal"): an account (12 digits or its
 * `:root` ARN) stands for every role and user of the account; a role ARN for its sessions; a session
 * ARN for that session only; a service by name; a SAML provider by its Federated ARN.
 */
export const ASSUME_ROLE_ACTION = 'sts:AssumeRole';
export const SAML_ACTION = 'sts:AssumeRoleWithSAML';

/** Who calls STS, with what the request context says about it. */
export type Caller =
  | {
      kind: 'aws';
      /** The account, when the principal value names one. */
      account?: string;
      partition: string;
      /** `aws:PrincipalArn`: the role (for its sessions too) or user ARN; undefined for "some principal of the account". */
      arn?: string;
      /** The assumed-role session ARN, for a session caller. */
      session?: string;
      /** A value that is neither an account nor an ARN (a unique id left by a deleted principal). */
      opaque?: string;
    }
  | { kind: 'service'; name: string }
  | { kind: 'saml'; arn: string };

const ARN = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/;

export function isSamlProvider(federated: string): boolean {
  return federated.includes(':saml-provider/');
}

/** The caller a value of the AWS principal type names (the root ARN stands for the account). */
export function awsCaller(value: string, principalArn?: string): Caller {
  if (/^\d{12}$/.test(value)) return withArn({ kind: 'aws', account: value, partition: 'aws' }, principalArn);
  const m = ARN.exec(value);
  if (!m) return { kind: 'aws', partition: 'aws', opaque: value };
  const [, partition, service, account, resource] = m as unknown as [string, string, string, string, string];
  const base = { kind: 'aws' as const, account, partition };
  if (service === 'iam' && resource === 'root') return withArn(base, principalArn);
  const session = /^assumed-role\/([^/]+)\/(.+)$/.exec(resource);
  // aws:PrincipalArn of a role session is the role's ARN, not the session's (global condition keys).
  if (service === 'sts' && session)
    return { ...base, arn: `arn:${partition}:iam::${account}:role/${session[1]}`, session: value };
  return { ...base, arn: value };
}

function withArn(caller: Caller & { kind: 'aws' }, principalArn: string | undefined): Caller {
  if (principalArn === undefined) return caller;
  const named = awsCaller(principalArn);
  return named.kind === 'aws' && named.account === caller.account && named.arn
    ? { ...caller, arn: named.arn }
    : caller;
}

/** The caller of a request with a principal, or undefined for a web identity token. */
export function callerOf(token: Token): Caller | undefined {
  const p = token.principal;
  if (!p) return undefined;
  if ('AWS' in p) return awsCaller(p.AWS, claimValue(token, 'aws:principalarn'));
  if ('Service' in p) return { kind: 'service', name: p.Service };
  return { kind: 'saml', arn: p.Federated };
}

/** A claim or context key of the token; key names compare case-insensitively (`key` lower-cased). */
export function claimValue(token: Token, key: string): string | undefined {
  for (const [name, value] of Object.entries(token.claims)) if (name.toLowerCase() === key) return value;
  return undefined;
}

/** The STS action each kind of principal calls to assume a role. */
export function callerAction(caller: Caller): string {
  return caller.kind === 'saml' ? SAML_ACTION : ASSUME_ROLE_ACTION;
}

const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** Whether one value of a Principal element names the caller. */
export function valueNames(type: string, value: string, caller: Caller): boolean {
  // `"*"` and `{"AWS": "*"}` are the same: everyone, services and federated principals included.
  if (value === '*') return type === 'AWS' || (type === 'Federated' && caller.kind === 'saml');
  if (caller.kind === 'service') return type === 'Service' && value === caller.name;
  if (caller.kind === 'saml') return type === 'Federated' && value === caller.arn;
  if (type !== 'AWS') return false;
  const named = awsCaller(value);
  if (named.kind !== 'aws') return false;
  if (named.opaque !== undefined || caller.opaque !== undefined) return named.opaque === caller.opaque;
  if (named.account !== caller.account) return false;
  if (named.session !== undefined) return named.session === caller.session;
  if (named.arn === undefined) return true;
  if (caller.session !== undefined && named.arn.includes(':role/'))
    return roleName(named.arn) === roleName(caller.arn ?? '');
  return named.arn === caller.arn;
}

export function principalNamesCaller(principal: Principal, caller: Caller): boolean {
  if (principal === '*') return true;
  return Object.entries(principal).some(([type, values]) => values.some((v) => valueNames(type, v, caller)));
}

/** The principal of a witness: an account caller shows the role or user the search picked for it. */
export function witnessPrincipal(caller: Caller, claims: Record<string, string>): TokenPrincipal {
  const arn = claims['aws:principalarn'];
  if (caller.kind === 'aws' && caller.arn === undefined && arn !== undefined) {
    const named = awsCaller(arn);
    if (named.kind === 'aws' && named.account === caller.account && named.arn) return { AWS: named.arn };
  }
  return tokenPrincipal(caller);
}

/** The principal to show for a caller. */
export function tokenPrincipal(caller: Caller): TokenPrincipal {
  if (caller.kind === 'service') return { Service: caller.name };
  if (caller.kind === 'saml') return { Federated: caller.arn };
  if (caller.opaque !== undefined) return { AWS: caller.opaque };
  return { AWS: caller.session ?? caller.arn ?? `arn:${caller.partition}:iam::${caller.account}:root` };
}

/** Keys whose name starts with one of these come only with a SAML assertion. */
const SAML_PREFIX = 'saml:';

/**
 * What the caller itself fixes in the request context (IAM User Guide, "AWS global condition context
 * keys"): a string is the key's value, null means the key is absent from every such request, and a key
 * not listed is free. aws:SourceAccount, aws:SourceArn and the source organization keys are present only
 * when a service principal calls on behalf of a resource; aws:PrincipalArn of a role session is the role.
 */
export function callerContext(caller: Caller): Record<string, string | null> {
  if (caller.kind === 'service') {
    return { 'aws:principalservicename': caller.name, 'aws:principalisawsservice': 'true' };
  }
  if (caller.kind === 'saml') return {};
  const out: Record<string, string | null> = {
    'aws:principalisawsservice': 'false',
    'aws:principalservicename': null,
    'aws:sourceaccount': null,
    'aws:sourcearn': null,
    'aws:sourceorgid': null,
    'aws:sourceorgpaths': null,
  };
  if (caller.account !== undefined) out['aws:principalaccount'] = caller.account;
  if (caller.arn !== undefined) out['aws:principalarn'] = caller.arn;
  return out;
}

/** The value of a request context key the caller decides: a string, null when absent, undefined when free. */
export function callerValue(caller: Caller, key: string): string | null | undefined {
  if (caller.kind !== 'saml' && key.startsWith(SAML_PREFIX)) return null;
  return callerContext(caller)[key];
}
