import type { SourcePosition } from '../shared/iac/model.js';
import type { LintFinding } from '../shared/rules/lint.js';

/** A finding, with where in the source it points when the file is infrastructure code. */
export interface LocatedFinding extends LintFinding {
  position?: SourcePosition;
}

/** Findings for one policy: a bare document, one role of IAM API output, or a role of infrastructure code. */
export interface PolicyResult {
  /** What the reader sees: the path, `path#RoleName` for IAM API output, `path#LogicalId` or `path#address` for infrastructure code. */
  file: string;
  /** The file on disk, as given on the command line (inside a cdk.out directory: the template). */
  path: string;
  role?: string;
  /** Where the role is declared (infrastructure code). */
  position?: SourcePosition;
  /** How the role was checked: values not known statically, no GitHub trust. */
  notes?: string[];
  findings: LocatedFinding[];
}

/** A file that could not be read or holds no readable trust policy. */
export interface FileError {
  file: string;
  path: string;
  error: string;
}

export type LintResult = PolicyResult | FileError;

export const isFileError = (r: LintResult): r is FileError => 'error' in r;
