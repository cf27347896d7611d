/**
 * Trust policies read from infrastructure code (CloudFormation templates, CDK cloud assemblies,
 * Terraform plans and configuration). Readers turn what people write into roles with plain policy
 * documents; what static reading cannot know is kept as an unknown, never guessed.
 */

/** Where something is written in a source file: 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A value of a trust policy that static reading could not resolve. */
export interface UnknownValue {
  /**
   * JSON pointer (RFC 6901) into `IacRole.document` where the unknown sits, e.g.
   * `/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub/1`; `` when the whole
   * document is unknown.
   */
  pointer: string;
  /** What it is, in the source's own words: `!Ref RepoPattern (a parameter with no default)`, `var.repo (known after plan)`. */
  description: string;
}

/** One role's trust policy as written in a file. */
export interface IacRole {
  /** The file as given on the command line (inside a cdk.out directory: the template's path). */
  file: string;
  /** Logical id (CloudFormation), resource address (Terraform: `module.ci.aws_iam_role.deploy`). */
  id: string;
  /** The role's name when it is known statically. */
  roleName?: string;
  /** Which branch of which `Fn::If` conditions this document assumes (CloudFormation), when not every branch gives the same. */
  variant?: string;
  /**
   * The CDK construct path (`aws:cdk:path` metadata, e.g. `Ci/DeployRole/Resource`), when the template
   * was synthesized by the CDK: the name a CDK user knows the role by, where the logical id is hashed.
   */
  constructPath?: string;
  /** Where the role is declared. */
  position?: SourcePosition;
  /**
   * The trust policy as plain JSON. Each unknown value is replaced by the string `UNKNOWN_MARK + index`
   * (index into `unknowns`); undefined when the whole document is unknown.
   */
  document: unknown;
  unknowns: UnknownValue[];
  /** Where values of the document are written, by JSON pointer, where the parser knows it. */
  valuePositions: Record<string, SourcePosition>;
}

/**
 * Prefix of the placeholder that stands for an unknown value inside `IacRole.document`. No GitHub token
 * or ARN holds a NUL, so a placeholder can never be mistaken for a value someone wrote.
 */
export const UNKNOWN_MARK = '\u0000trustwatch-unknown:';

/** A file that is infrastructure code but cannot be read; `position` when the parser knows where. */
export class IacParseError extends Error {
  constructor(
    message: string,
    readonly position?: SourcePosition,
  ) {
    super(message);
  }
}
