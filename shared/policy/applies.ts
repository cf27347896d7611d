import type { Principal, Statement } from './model.js';
import { type Caller, callerAction, isSamlProvider, principalNamesCaller } from './principals.js';

export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/** The provider path a Federated principal names: the part after `oidc-provider/` of an ARN, or a bare host. */
export function federatedProvider(value: string): string {
  const marker = ':oidc-provider/';
  const at = value.indexOf(marker);
  return (at >= 0 ? value.slice(at + marker.length) : value).toLowerCase();
}

/** Every web identity provider that some statement names as a Federated principal (SAML providers are not). */
export function namedProviders(statements: Statement[]): string[] {
  const out = new Set<string>();
  for (const s of statements) {
    for (const p of [s.principal, s.notPrincipal]) {
      if (p && p !== '*')
        for (const v of p.Federated ?? []) if (v !== '*' && !isSamlProvider(v)) out.add(federatedProvider(v));
    }
  }
  return [...out];
}

function principalNames(principal: Principal, provider: string): boolean {
  if (principal === '*') return true;
  for (const [type, values] of Object.entries(principal)) {
    for (const v of values) {
      // `{"AWS": "*"}` is the same as `"*"`: every principal, federated ones included.
      if (v === '*' && (type === 'AWS' || type === 'Federated')) return true;
      if (type === 'Federated' && federatedProvider(v) === provider) return true;
    }
  }
  return false;
}

const actionPatterns = new Map<string, RegExp>();

/** Action names match case-insensitively, with `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = actionPatterns.get(pattern);
  if (!re) {
    const source = [...pattern]
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${source}$`, 'is');
    actionPatterns.set(pattern, re);
  }
  return re.test(action);
}

/**
 * Whether the statement's Principal and Action cover the caller's call: AssumeRoleWithWebIdentity by a
 * token of `provider`, or with `caller`, the action that kind of principal calls (AssumeRole,
 * AssumeRoleWithSAML). sts:TagSession and sts:SetSourceIdentity alone never let anyone assume the role.
 */
export function statementApplies(statement: Statement, provider: string, caller?: Caller): boolean {
  const names = (p: Principal) => (caller ? principalNamesCaller(p, caller) : principalNames(p, provider));
  if (statement.principal && !names(statement.principal)) return false;
  if (statement.notPrincipal && names(statement.notPrincipal)) return false;
  if (!statement.principal && !statement.notPrincipal) return false;
  return actionCovers(statement, caller ? callerAction(caller) : WEB_IDENTITY_ACTION);
}

export function actionCovers(statement: Statement, action: string): boolean {
  if (statement.action) return statement.action.some((a) => actionMatches(a, action));
  if (statement.notAction) return !statement.notAction.some((a) => actionMatches(a, action));
  return false;
}

/** What a condition key refers to for a token of `provider`. */
export type KeyTarget =
  | { kind: 'claim'; claim: string }
  /** A claim of another identity provider: never present in this provider's tokens. */
  | { kind: 'foreign' }
  /** A request key outside the token (`aws:SourceIp`, `sts:RoleSessionName`...). */
  | { kind: 'context'; key: string };

export function keyTarget(key: string, provider: string): KeyTarget {
  const lower = key.toLowerCase();
  const colon = lower.indexOf(':');
  if (colon < 0) return { kind: 'foreign' };
  const prefix = lower.slice(0, colon);
  if (prefix === provider) return { kind: 'claim', claim: lower.slice(colon + 1) };
  if (prefix.includes('.')) return { kind: 'foreign' };
  return { kind: 'context', key: lower };
}
