import { readFileSync } from 'node:fs';
import { type ExtractedPolicy, extractPolicies } from '../shared/policy/extract.js';
import { JsonTextError } from '../shared/policy/json-text.js';
import { PolicyParseError } from '../shared/policy/parse.js';
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
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new InputError(path, `cannot read: ${fsReason(error)}`);
  }
  try {
    return extractPolicies(text).map((p) => ({ ...p, file: p.name ? `${path}#${p.name}` : path }));
  } catch (error) {
    if (error instanceof PolicyParseError || error instanceof JsonTextError)
      throw new InputError(path, error.message);
    throw error;
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
