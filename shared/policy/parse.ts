import { parseJsonText } from './json-text.js';
import type { ConditionClause, ParsedPolicy, ParseIssue, Principal, Statement } from './model.js';
import { parseOperator } from './operators.js';

export class PolicyParseError extends Error {}

const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

/**
 * Reads a trust policy document: JSON text (URL-encoded as the IAM API returns it, or decoded as
 * emulators and the CLI print it) or an already parsed object.
 */
export function parsePolicy(input: string | unknown): ParsedPolicy {
  const issues: ParseIssue[] = [];
  let value = input;
  if (typeof input === 'string') {
    const parsed = parseJsonText(decodePolicyText(input));
    value = parsed.value;
    for (const d of parsed.duplicates) {
      issues.push({
        code: 'duplicate-key',
        path: d.path ? `${d.path}.${d.key}` : d.key,
        message: `"${d.key}" appears twice in ${d.path || 'the document'}; IAM keeps only the last one, so the first is silently ignored`,
      });
    }
  }
  if (!isObject(value)) throw new PolicyParseError('a policy document must be a JSON object');
  for (const field of Object.keys(value)) {
    if (!['Version', 'Id', 'Statement'].includes(field)) {
      issues.push({
        code: 'unknown-field',
        path: field,
        message: `unknown top-level field "${field}" (kept, ignored)`,
      });
    }
  }
  const version = value.Version === undefined ? undefined : String(value.Version);
  const raw = value.Statement;
  if (raw === undefined) throw new PolicyParseError('the policy document has no "Statement"');
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((s, index) => parseStatement(s, index, issues));
  return { document: { version, statements }, issues };
}

/** IAM returns policy documents URL-encoded (RFC 3986); some SDKs and emulators decode them first. */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('%')) return trimmed;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    throw new PolicyParseError('the document looks URL-encoded but is not valid percent-encoding');
  }
}

function parseStatement(raw: unknown, index: number, issues: ParseIssue[]): Statement {
  const at = `Statement[${index}]`;
  if (!isObject(raw)) throw new PolicyParseError(`${at} is not an object`);
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') {
    throw new PolicyParseError(`${at}.Effect must be "Allow" or "Deny", got ${JSON.stringify(effect)}`);
  }
  for (const field of Object.keys(raw)) {
    if (!STATEMENT_FIELDS.has(field)) {
      issues.push({
        code: 'unknown-field',
        path: `${at}.${field}`,
        message: `unknown field "${field}" (kept, ignored)`,
      });
    }
  }
  const statement: Statement = { index, effect, conditions: [] };
  if (typeof raw.Sid === 'string') statement.sid = raw.Sid;
  if (raw.Principal !== undefined) statement.principal = parsePrincipal(raw.Principal, `${at}.Principal`);
  if (raw.NotPrincipal !== undefined)
    statement.notPrincipal = parsePrincipal(raw.NotPrincipal, `${at}.NotPrincipal`);
  if (raw.Action !== undefined) statement.action = stringList(raw.Action, `${at}.Action`);
  if (raw.NotAction !== undefined) statement.notAction = stringList(raw.NotAction, `${at}.NotAction`);
  if (raw.Condition !== undefined)
    statement.conditions = parseConditions(raw.Condition, `${at}.Condition`, issues);
  return statement;
}

function parsePrincipal(raw: unknown, at: string): Principal {
  if (raw === '*') return '*';
  if (!isObject(raw)) throw new PolicyParseError(`${at} must be "*" or an object`);
  const out: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(raw)) out[type] = stringList(values, `${at}.${type}`);
  return out;
}

function parseConditions(raw: unknown, at: string, issues: ParseIssue[]): ConditionClause[] {
  if (!isObject(raw)) throw new PolicyParseError(`${at} must be an object`);
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(raw)) {
    if (!isObject(block)) throw new PolicyParseError(`${at}.${operator} must be an object of condition keys`);
    const parts = parseOperator(operator);
    if (!parts) {
      issues.push({
        code: 'unknown-operator',
        path: `${at}.${operator}`,
        message: `unknown condition operator "${operator}": IAM rejects the policy; treated as never true`,
      });
    }
    for (const [key, values] of Object.entries(block)) {
      clauses.push({
        operator,
        base: parts?.base ?? operator,
        ...(parts?.setQualifier ? { setQualifier: parts.setQualifier } : {}),
        ifExists: parts?.ifExists ?? false,
        key,
        values: stringList(values, `${at}.${operator}.${key}`),
      });
    }
  }
  return clauses;
}

function stringList(raw: unknown, at: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new PolicyParseError(`${at} must hold strings, got ${JSON.stringify(v)}`);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
