import type { LintFinding } from '../shared/rules/lint.js';

/** Findings for one policy: a bare document, or one role of IAM API output. */
export interface PolicyResult {
  /** What the reader sees: the path, or `path#RoleName` for a role of IAM API output. */
  file: string;
  /** The file on disk, as given on the command line. */
  path: string;
  role?: string;
  findings: LintFinding[];
}

/** A file that could not be read or holds no readable trust policy. */
export interface FileError {
  file: string;
  path: string;
  error: string;
}

export type LintResult = PolicyResult | FileError;

export const isFileError = (r: LintResult): r is FileError => 'error' in r;
