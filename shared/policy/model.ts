/** A trust policy document, normalized from every shape IAM accepts. */
export type Effect = 'Allow' | 'Deny';

/** `"*"` or a map of principal type (AWS, Federated, Service, CanonicalUser) to its values. */
export type Principal = '*' | Record<string, string[]>;

export interface ConditionClause {
  /** The operator as written, e.g. `ForAllValues:StringLikeIfExists`. */
  operator: string;
  /** The operator without set qualifier and `IfExists`, e.g. `StringLike`. */
  base: string;
  setQualifier?: 'ForAnyValue' | 'ForAllValues';
  ifExists: boolean;
  /** The condition key as written; IAM compares key names case-insensitively. */
  key: string;
  values: string[];
}

export interface Statement {
  /** Position in the document's Statement list, from 0. */
  index: number;
  sid?: string;
  effect: Effect;
  principal?: Principal;
  notPrincipal?: Principal;
  action?: string[];
  notAction?: string[];
  conditions: ConditionClause[];
}

export interface PolicyDocument {
  version?: string;
  statements: Statement[];
}

/** Something in the document that IAM would read differently from what its author probably meant. */
export interface ParseIssue {
  code: 'duplicate-key' | 'unknown-field' | 'unknown-operator';
  message: string;
  /** JSON path of the offending member, e.g. `Statement[0].Condition.StringEquals`. */
  path: string;
}

export interface ParsedPolicy {
  document: PolicyDocument;
  issues: ParseIssue[];
}

/**
 * One principal that asks STS for the role, as a trust policy names it: an AWS account (its root ARN
 * stands for any role or user of the account), role, user or assumed-role session; a service; or a
 * Federated SAML provider ARN.
 */
export type TokenPrincipal = { AWS: string } | { Service: string } | { Federated: string };

/**
 * A request to assume the role as STS sees it: an OIDC token (the provider it comes from and its
 * claims), or, with `principal`, a request by another principal and its request context.
 */
export interface Token {
  /** Provider path as in the provider ARN and condition keys, e.g. `token.actions.githubusercontent.com` or `token.actions.githubusercontent.com/acme`; empty with `principal`. */
  provider: string;
  /** The caller when it is not a web identity (AssumeRole or AssumeRoleWithSAML). */
  principal?: TokenPrincipal;
  /** Claim name (`sub`, `aud`, `repository`...) to value; a name containing `:` is a full context key such as `aws:SourceIp`. */
  claims: Record<string, string>;
}

export type Verdict = 'equal' | 'narrower' | 'wider' | 'incomparable';

export interface Comparison {
  verdict: Verdict;
  /** Tokens the new policy admits and the old one refused. */
  newlyAdmitted: Token[];
  /** Tokens the old policy admitted and the new one refuses. */
  noLongerAdmitted: Token[];
  /** Differences that only strings no GitHub token carries could show, and other remarks. */
  notes: string[];
}
