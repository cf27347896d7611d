import { parseJsonText } from './json-text.js';
import type { ParsedPolicy } from './model.js';
import { PolicyParseError, parsePolicy } from './parse.js';

export interface ExtractedPolicy {
  /** The role name for IAM API output; empty for a bare policy document. */
  name: string;
  parsed: ParsedPolicy;
}

/**
 * Finds the trust policies in a file: a bare policy document (JSON or URL-encoded), `aws iam get-role`
 * or CreateRole output (`{"Role": {...}}`), or `aws iam list-roles` output (`{"Roles": [...]}`).
 * `value`: the text's JSON value, when the caller has parsed it already.
 */
export function extractPolicies(
  text: string,
  value: unknown = text.trim().startsWith('%') ? undefined : parseJsonText(text).value,
): ExtractedPolicy[] {
  // A URL-encoded document is never a wrapper; parsePolicy decodes it.
  if (text.trim().startsWith('%')) return [{ name: '', parsed: parsePolicy(text) }];
  if (isObject(value) && !('Statement' in value)) {
    if (Array.isArray(value.Roles)) return value.Roles.map((role, i) => fromRole(role, `Roles[${i}]`));
    if (isObject(value.Role)) return [fromRole(value.Role, 'Role')];
  }
  // The text again, not the value: parsePolicy reports duplicate keys that JSON.parse drops.
  return [{ name: '', parsed: parsePolicy(text) }];
}

function fromRole(role: unknown, at: string): ExtractedPolicy {
  if (!isObject(role)) throw new PolicyParseError(`${at} is not a role object`);
  const name = typeof role.RoleName === 'string' ? role.RoleName : at;
  const document = role.AssumeRolePolicyDocument;
  if (document === undefined) throw new PolicyParseError(`role "${name}" has no AssumeRolePolicyDocument`);
  try {
    return { name, parsed: parsePolicy(document) };
  } catch (error) {
    if (error instanceof Error) error.message = `role "${name}": ${error.message}`;
    throw error;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
