import { isGitHubProvider } from '../github/claims.js';
import type { ParsedPolicy, PolicyDocument } from '../policy/model.js';
import { providersOf } from '../policy/space.js';
import { type LintFinding, type LintOptions, lintPolicy } from '../rules/lint.js';
import { type IacRole, UNKNOWN_MARK, type UnknownValue } from './model.js';
import { policyBounds } from './unknowns.js';

export interface RoleLint {
  findings: LintFinding[];
  /** What the reader should know about how the role was checked: unknown values, no GitHub trust. */
  notes: string[];
}

const PLACEHOLDER_JSON = JSON.stringify(UNKNOWN_MARK).slice(1, -1);

export const NOT_GITHUB_TRUSTED = 'not GitHub-trusted: no GitHub OIDC checks apply';

/**
 * Lints a role read from infrastructure code. With unknown values, the rules run on the narrowest and the
 * widest resolution, and only a rule that fires on both is reported (as the narrowest gives it): such a
 * finding holds whatever the values turn out to be. A finding that depends on an unknown value is left
 * out, and the notes say so.
 */
export function lintRole(
  role: IacRole,
  options: LintOptions = {},
  lint: (parsed: ParsedPolicy, options: LintOptions) => LintFinding[] = lintPolicy,
): RoleLint {
  const bounds = policyBounds(role, { keepPlaceholders: true });
  if (bounds.kind === 'unknown') {
    return {
      findings: [],
      notes: [`the trust policy is not known statically (${describe(bounds.unknowns)}): nothing was checked`],
    };
  }
  if (bounds.kind === 'known') {
    return { findings: lint(bounds.parsed, options), notes: githubNote([bounds.parsed.document]) };
  }
  const firing = new Set(lint(bounds.widest, options).map((f) => f.ruleId));
  const unknownValues = bounds.unknowns.map((u) => u.description);
  // A finding about the placeholder itself (its value matches no subject) is about nothing written.
  const findings = lint(bounds.narrowest, options)
    .filter((f) => firing.has(f.ruleId) && !JSON.stringify(f).includes(PLACEHOLDER_JSON))
    .map((f) => ({ ...f, evidence: { ...f.evidence, unknownValues } }));
  const n = bounds.unknowns.length;
  return {
    findings,
    notes: [
      `${n} ${n === 1 ? 'value' : 'values'} not known statically: ${describe(bounds.unknowns)}; findings that depend on ${n === 1 ? 'it' : 'them'} are not reported`,
      // The widest resolution trusts whoever any resolution could trust.
      ...githubNote([bounds.widest.document]),
    ],
  };
}

function githubNote(documents: PolicyDocument[]): string[] {
  return providersOf(documents).some(isGitHubProvider) ? [] : [NOT_GITHUB_TRUSTED];
}

function describe(unknowns: UnknownValue[]): string {
  return unknowns.length === 0 ? 'no value could be read' : unknowns.map((u) => u.description).join('; ');
}
