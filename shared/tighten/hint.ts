import type { Finding } from '../findings/finding.js';
import type { AssumptionCount } from '../findings/store.js';
import type { GitHubSettings } from '../github/templates.js';
import { observationWindow } from './observed.js';
import { tighten } from './tighten.js';

/** Findings whose owner asks "then what should the policy be?": their alerts carry the answer. */
export const HINTED_RULES: ReadonlySet<string> = new Set([
  'oidc.any-owner',
  'oidc.any-repo',
  'oidc.any-ref',
  'oidc.pull-request',
  'drift.trust-wider',
]);

/** The activity a hint is proposed from: the 90 days CloudTrail event history also keeps. */
const HINT_DAYS = 90;

export interface HintSource {
  /** The last day of the window (YYYY-MM-DD, UTC): the day of the audit or event. */
  until: string;
  /** Assumption counters of the days from `from` to `to`. */
  counts(from: string, to: string): Promise<AssumptionCount[]>;
  /** The role's trust policy as the account holds it, or undefined when it cannot be read. */
  trustPolicy(roleName: string): Promise<unknown>;
  github?: GitHubSettings;
  /** Days of data needed (see `checkActivity`); 14 by default. */
  minDays?: number;
}

/** What an alert shows of the proposal: the narrowed condition, the subjects it keeps, the activity behind it. */
export interface TightenHint {
  proposedCondition: string;
  proposedSubjects: string[];
  observedWindow: string;
}

/**
 * The findings with a tightening hint in the evidence of those about a role's trust, where enough
 * activity is known to propose a narrower policy. The counters are read only when some finding needs them.
 */
export async function withTightenHints(findings: Finding[], source: HintSource): Promise<Finding[]> {
  const roles = new Set(
    findings
      .filter((f) => HINTED_RULES.has(f.ruleId) && f.resource.type === 'role')
      .map((f) => f.resource.name),
  );
  if (roles.size === 0) return findings;
  const window = observationWindow(source.until, HINT_DAYS);
  const counts = await source.counts(window.from, window.to);
  const hints = new Map<string, TightenHint>();
  for (const name of roles) {
    const policy = await source.trustPolicy(name);
    if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) continue;
    const hint = hintFor(name, policy as Record<string, unknown>, counts, window, source);
    if (hint) hints.set(name, hint);
  }
  return findings.map((f) => {
    const hint = HINTED_RULES.has(f.ruleId) ? hints.get(f.resource.name) : undefined;
    return hint && f.resource.type === 'role' ? { ...f, evidence: { ...f.evidence, ...hint } } : f;
  });
}

function hintFor(
  role: string,
  policy: Record<string, unknown>,
  counts: AssumptionCount[],
  window: ReturnType<typeof observationWindow>,
  { github, minDays }: Pick<HintSource, 'github' | 'minDays'>,
): TightenHint | undefined {
  let result: ReturnType<typeof tighten>;
  try {
    result = tighten({
      role,
      policy,
      counts,
      window,
      ...(github ? { github } : {}),
      ...(minDays !== undefined ? { minDays } : {}),
    });
  } catch {
    // A policy the engine cannot read gets a finding of its own; the alert goes out without a hint.
    return undefined;
  }
  if (result.verdict !== 'narrower' || !result.proposed) return undefined;
  const before = new Set(statementsOf(policy).map((s) => JSON.stringify(s)));
  const narrowed = statementsOf(result.proposed)
    .filter((s) => !before.has(JSON.stringify(s)))
    .map((s) => (s as Record<string, unknown>).Condition);
  const w = result.observedWindow;
  return {
    proposedCondition: JSON.stringify(narrowed.length === 1 ? narrowed[0] : narrowed),
    proposedSubjects: result.stillAdmitted.map((s) => s.subject).sort(),
    observedWindow: `${w.window.from} to ${w.window.to}, ${w.daysOfData} days of data (trustwatch tighten --role ${role} prints the whole policy and its proof)`,
  };
}

function statementsOf(policy: Record<string, unknown>): unknown[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}
