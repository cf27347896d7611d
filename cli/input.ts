import { readFileSync, statSync } from 'node:fs';
import { isJsonObject } from '../shared/activity/json-value.js';
import { type ExtractedPolicy, extractPolicies } from '../shared/policy/extract.js';
import { JsonTextError, parseJsonText } from '../shared/policy/json-text.js';
import {
  MAX_POLICY_FILE_BYTES,
  TRUST_POLICY_MAX_CHARS,
  trustPolicySizeProblem,
} from '../shared/policy/limits.js';
import { decodePolicyText, PolicyParseError } from '../shared/policy/parse.js';
import { UsageError } from './exit.js';

/** A file that cannot be read or parsed; `reason` is the message without the path. */
export class InputError extends UsageError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export interface FilePolicy extends ExtractedPolicy {
  /** The path, or `path#RoleName` for a role of IAM API output. */
  file: string;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
};

/** Why a file could not be read, in words. */
export function fsReason(error: unknown): string {
  return FS_REASONS[(error as NodeJS.ErrnoException).code ?? ''] ?? (error as Error).message;
}

/** Every trust policy in a file; `-` reads standard input, so `aws iam get-role … | trustwatch lint -` works. */
export function readPolicies(path: string): FilePolicy[] {
  return policiesInText(path, readBounded(path));
}

/** The trust policies of a file already read: `path` names it in results and errors. */
export function policiesInText(path: string, text: string): FilePolicy[] {
  try {
    // URL-encoded text is a bare document (as extractPolicies reads it), never a wrapper.
    const value = text.trim().startsWith('%') ? decodedText(text) : parseJsonText(text).value;
    const oversized = oversizedPolicies(value);
    if (oversized.length > 0) throw new InputError(path, oversized.join('; '));
    return extractPolicies(text, value).map((p) => ({ ...p, file: p.name ? `${path}#${p.name}` : path }));
  } catch (error) {
    if (error instanceof PolicyParseError || error instanceof JsonTextError)
      throw new InputError(path, error.message);
    throw error;
  }
}

/** The file's text, refused unread when it is larger than any file of trust policies needs to be. */
export function readBounded(path: string): string {
  let bytes: Buffer;
  try {
    if (path !== '-' && statSync(path).size > MAX_POLICY_FILE_BYTES) throw tooLarge(path);
    bytes = readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, `cannot read: ${fsReason(error)}`);
  }
  if (bytes.byteLength > MAX_POLICY_FILE_BYTES) throw tooLarge(path);
  return bytes.toString('utf8');
}

const tooLarge = (path: string) =>
  new InputError(
    path,
    `larger than ${MAX_POLICY_FILE_BYTES / 1024 / 1024} MiB: no trust policy or IAM output is that large (IAM takes trust policies of at most ${TRUST_POLICY_MAX_CHARS.toLocaleString('en-US')} characters)`,
  );

/**
 * Why each trust policy in the file is too large for IAM, found before the engine spends time on it:
 * a bare document, or the AssumeRolePolicyDocument of get-role or list-roles output, as extractPolicies
 * reads them. URL-encoded text (as text, not a wrapper) counts decoded.
 */
function oversizedPolicies(value: unknown): string[] {
  const roleOf = (role: unknown) => (isJsonObject(role) ? role : {});
  const documents: [string, unknown][] = !isJsonObject(value)
    ? [['', value]]
    : Array.isArray(value.Roles)
      ? value.Roles.map((role, i) => [`Roles[${i}]`, roleOf(role).AssumeRolePolicyDocument])
      : isJsonObject(value.Role)
        ? [['Role', value.Role.AssumeRolePolicyDocument]]
        : [['', value]];
  return documents.flatMap(([at, document]) => {
    const problem = trustPolicySizeProblem(typeof document === 'string' ? decodedText(document) : document);
    return problem ? [at ? `${at}: ${problem}` : problem] : [];
  });
}

function decodedText(text: string): string {
  try {
    return decodePolicyText(text);
  } catch {
    return text;
  }
}

/** The one trust policy compare and explain work on. */
export function readOnePolicy(path: string): FilePolicy {
  const policies = readPolicies(path);
  const [only] = policies;
  if (only && policies.length === 1) return only;
  const names = policies.map((p) => p.name).join(', ');
  throw new InputError(
    path,
    policies.length === 0
      ? 'holds no trust policy'
      : `holds ${policies.length} trust policies (${names}); pass one, e.g. aws iam get-role output`,
  );
}
