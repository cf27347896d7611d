import type { ConditionClause } from './model.js';
import { compilePattern, type Pattern } from './pattern.js';

/** How an operator compares: as a string pattern language, or opaquely (numbers, dates, IPs, binary). */
export type OperatorKind = 'string' | 'null' | 'opaque';

interface OperatorInfo {
  kind: OperatorKind;
  wildcards: boolean;
  ignoreCase: boolean;
  negated: boolean;
}

const STRING_OPERATORS: Record<string, OperatorInfo> = {
  StringEquals: { kind: 'string', wildcards: false, ignoreCase: false, negated: false },
  StringNotEquals: { kind: 'string', wildcards: false, ignoreCase: false, negated: true },
  StringEqualsIgnoreCase: { kind: 'string', wildcards: false, ignoreCase: true, negated: false },
  StringNotEqualsIgnoreCase: { kind: 'string', wildcards: false, ignoreCase: true, negated: true },
  StringLike: { kind: 'string', wildcards: true, ignoreCase: false, negated: false },
  StringNotLike: { kind: 'string', wildcards: true, ignoreCase: false, negated: true },
  Bool: { kind: 'string', wildcards: false, ignoreCase: true, negated: false },
  Null: { kind: 'null', wildcards: false, ignoreCase: false, negated: false },
};

const OPAQUE_BASES = [
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'IpAddress',
  'NotIpAddress',
  'BinaryEquals',
  // ARN operators compare the six colon-separated parts one by one: not a plain string language.
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
];

export function operatorInfo(base: string): OperatorInfo | undefined {
  const known = STRING_OPERATORS[base];
  if (known) return known;
  if (OPAQUE_BASES.includes(base)) {
    const negated = base.includes('NotEquals') || base === 'NotIpAddress' || base === 'ArnNotLike';
    return { kind: 'opaque', wildcards: false, ignoreCase: false, negated };
  }
  return undefined;
}

/** Splits `ForAllValues:StringLikeIfExists` into its parts; undefined for an operator IAM does not know. */
export function parseOperator(
  operator: string,
): Pick<ConditionClause, 'base' | 'setQualifier' | 'ifExists'> | undefined {
  let rest = operator;
  let setQualifier: ConditionClause['setQualifier'];
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon);
    if (qualifier !== 'ForAnyValue' && qualifier !== 'ForAllValues') return undefined;
    setQualifier = qualifier;
    rest = rest.slice(colon + 1);
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!operatorInfo(base)) return undefined;
  if (base === 'Null' && (ifExists || setQualifier)) return undefined;
  return { base, setQualifier, ifExists };
}

/** Whether a clause's values name request keys as policy variables (only read with Version 2012-10-17). */
export function hasVariables(clause: ConditionClause, version: string | undefined): boolean {
  return clausePatterns(clause, version).some((p) => p.variables.length > 0);
}

const compiled = new WeakMap<ConditionClause, Map<string | undefined, Pattern[]>>();

/** The clause's values as patterns, compiled once per clause (admits runs them for every token). */
export function clausePatterns(clause: ConditionClause, version: string | undefined): Pattern[] {
  let byVersion = compiled.get(clause);
  if (!byVersion) {
    byVersion = new Map();
    compiled.set(clause, byVersion);
  }
  let patterns = byVersion.get(version);
  if (!patterns) {
    const info = operatorInfo(clause.base);
    const options = info && {
      wildcards: info.wildcards,
      ignoreCase: info.ignoreCase,
      variables: version === '2012-10-17',
    };
    patterns = info?.kind === 'string' && options ? clause.values.map((v) => compilePattern(v, options)) : [];
    byVersion.set(version, patterns);
  }
  return patterns;
}

/** What a clause sees of its key: absent, or present with a test of each value against it. */
export type KeyView = { present: false } | { present: true; valueMatches: (valueIndex: number) => boolean };

/**
 * IAM's truth value of one condition clause. One function for the concrete decision (admits) and for
 * the symbolic search (compare), so the two can never disagree on semantics.
 */
export function clauseHolds(clause: ConditionClause, view: KeyView): boolean {
  const info = operatorInfo(clause.base);
  if (!info) return false;
  if (info.kind === 'null') {
    const wanted = clause.values.map((v) => v.toLowerCase());
    return wanted.includes(view.present ? 'false' : 'true');
  }
  if (!view.present) {
    if (clause.setQualifier === 'ForAllValues') return true;
    if (clause.ifExists) return true;
    if (clause.setQualifier === 'ForAnyValue') return false;
    return info.negated;
  }
  let anyMatch = false;
  for (let i = 0; i < clause.values.length && !anyMatch; i++) anyMatch = view.valueMatches(i);
  return info.negated ? !anyMatch : anyMatch;
}
