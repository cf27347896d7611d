/**
 * The shape generated trust policies take before they are rendered to IAM JSON. Generating a small
 * structured spec (rather than raw JSON) lets the compare tests mutate one clause at a time.
 */
import { GITHUB_PROVIDER, providerArn } from './iam-oracle.js';
import { ESCAPE_TEXT } from './patterns.js';

export interface ClauseSpec {
  operator: string;
  /** Full condition key as written, e.g. `token.actions.githubusercontent.com:sub`. */
  key: string;
  values: string[];
  /** Render a single value as a bare string rather than a one-element array. */
  bare: boolean;
}

export type ActionSpec = { Action: string | string[] } | { NotAction: string | string[] };

export interface StatementSpec {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal: unknown;
  action: ActionSpec;
  clauses: ClauseSpec[];
}

export interface PolicySpec {
  version?: string;
  statements: StatementSpec[];
  /** Render a single statement as an object rather than a one-element array. */
  bareStatement: boolean;
}

export const SLUG_PROVIDER = `${GITHUB_PROVIDER}/acme`;
export const VERSION = '2012-10-17';

/** Operators whose values are globs; only these may carry `${*}`-style escapes (see generator notes). */
export const isWildcardOperator = (operator: string) => /StringLike|StringNotLike/.test(operator);

/** The claim a condition key names (`sub`, `aud`...), lower-cased; keys are case-insensitive. */
export const claimOf = (key: string) => key.slice(key.lastIndexOf(':') + 1).toLowerCase();

/**
 * Keeps a value inside what both the oracle and DESIGN.md agree on: the only `${...}` left are the three
 * escapes, and only under StringLike/StringNotLike (iam-simulate reads them as text under StringEquals).
 */
export function sanitizeValue(value: string, operator: string): string {
  let out = value;
  for (let changed = true; changed; ) {
    const next = out.replace(/\$\{[^}]*\}/g, (m) => {
      if (!ESCAPE_TEXT.includes(m)) return `$${m.slice(2)}`;
      // StringEquals has no wildcards, so the bare character means what the escape means (DESIGN.md).
      return isWildcardOperator(operator) ? m : (m[2] as string);
    });
    changed = next !== out;
    out = next;
  }
  return out;
}

function renderCondition(clauses: ClauseSpec[]): Record<string, Record<string, string | string[]>> {
  const condition: Record<string, Record<string, string | string[]>> = {};
  for (const c of clauses) {
    const values = c.values.map((v) => sanitizeValue(v, c.operator));
    const block = condition[c.operator] ?? {};
    // A repeated key under one operator is a JSON duplicate: the last one wins, as in JSON.parse.
    block[c.key] = c.bare && values.length === 1 ? (values[0] as string) : values;
    condition[c.operator] = block;
  }
  return condition;
}

export function renderStatement(s: StatementSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.sid !== undefined) out.Sid = s.sid;
  out.Effect = s.effect;
  out.Principal = s.principal;
  Object.assign(out, s.action);
  if (s.clauses.length > 0) out.Condition = renderCondition(s.clauses);
  return out;
}

/** The IAM JSON of a spec. Version is forced to 2012-10-17 when a value uses an escape, which only it reads. */
export function renderPolicy(spec: PolicySpec): Record<string, unknown> {
  const statements = spec.statements.map(renderStatement);
  const body = spec.bareStatement && statements.length === 1 ? statements[0] : statements;
  const usesEscape = JSON.stringify(statements).includes('${');
  const version = usesEscape ? VERSION : spec.version;
  return version === undefined ? { Statement: body } : { Version: version, Statement: body };
}

/** Every string value a spec's conditions mention, by claim. */
export function valuesByClaim(specs: PolicySpec[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const spec of specs) {
    for (const s of spec.statements) {
      for (const c of s.clauses) {
        if (c.operator === 'Null') continue;
        const claim = claimOf(c.key);
        const list = out.get(claim) ?? [];
        list.push(...c.values.map((v) => sanitizeValue(v, c.operator)));
        out.set(claim, list);
      }
    }
  }
  return out;
}

export const githubArn = providerArn(GITHUB_PROVIDER);
export const slugArn = providerArn(SLUG_PROVIDER);
