import { lintRole } from '../shared/iac/lint-role.js';
import type { IacRole } from '../shared/iac/model.js';
import { findingPosition } from '../shared/iac/positions.js';
import { ComplexityError } from '../shared/policy/cells.js';
import type { ParsedPolicy } from '../shared/policy/model.js';
import type { LintFinding, LintOptions } from '../shared/rules/lint.js';
import { severityRank } from '../shared/rules/rule.js';
import type { LintResult } from './model.js';

/** `template.yaml#DeployRole`, `plan.json#module.ci.aws_iam_role.deploy`, with the condition variant when there is one. */
export function roleLabel(role: IacRole): string {
  return `${role.file}#${role.id}${role.variant ? ` (${role.variant})` : ''}`;
}

/** One role of infrastructure code linted, each finding placed at the value it is about where known. */
/** `lint`: the rules on one policy (the run's cached lintPolicy). */
export function lintRoleResult(
  role: IacRole,
  options: LintOptions,
  lint?: (parsed: ParsedPolicy, options: LintOptions) => LintFinding[],
): LintResult {
  const where = {
    file: roleLabel(role),
    path: role.file,
    // The name a reader knows the role by: its name, else the CDK construct path (logical ids are hashed there).
    role: role.roleName ?? role.constructPath ?? role.id,
    ...(role.position ? { position: role.position } : {}),
  };
  try {
    const { findings, notes } = lintRole(role, options, lint);
    return {
      ...where,
      ...(notes.length > 0 ? { notes } : {}),
      // Worst first, as for every other policy.
      findings: [...findings]
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
        .map((f) => {
          const position = findingPosition(role, f.evidence);
          return position ? { ...f, position } : f;
        }),
    };
  } catch (error) {
    if (error instanceof ComplexityError) return { ...where, error: error.message };
    throw error;
  }
}
