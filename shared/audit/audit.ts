import type { Baseline, Suppression } from '../baseline/baseline.js';
import { isCiUser } from '../baseline/ci-users.js';
import type { Config } from '../config/config.js';
import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import { trustsGitHub } from '../inventory/github-trust.js';
import type { Gap, Role, Snapshot } from '../inventory/snapshot.js';
import { type BudgetOptions, ComplexityError } from '../policy/budget.js';
import { parsePolicy } from '../policy/parse.js';
import type { AccountHit, AuditContext } from '../rules/account-rule.js';
import { baselineMissing } from '../rules/baseline/missing.js';
import { suppressionExpired } from '../rules/baseline/suppression-expired.js';
import { ACCOUNT_RULES, POLICY_RULES } from '../rules/catalog.js';
import { driftRefusals } from '../rules/drift/trust.js';
import { lintPolicy } from '../rules/lint.js';
import { policyTooComplex } from '../rules/policy/too-complex.js';
import { type RuleMeta, SEVERITIES, type Severity, severityRank } from '../rules/rule.js';

export interface AuditStats {
  roles: number;
  githubTrustedRoles: number;
  users: number;
  ciUsers: number;
  activeKeys: number;
  open: Record<Severity, number>;
  suppressed: number;
  /** False when no baseline was given: drift was not checked. */
  baseline: boolean;
}

export interface AuditResult {
  account: string;
  findings: Finding[];
  stats: AuditStats;
  gaps: Gap[];
}

export interface AuditOptions {
  config: Config;
  baseline?: Baseline;
  /** How much search the analysis of one trust policy (or one comparison with its baseline) may do. */
  budget?: BudgetOptions;
  /**
   * The account's reviewed baseline was looked for here and not found (with no `baseline`): said
   * as a finding, with where the proposed one for review is.
   */
  missingBaseline?: { reviewed: string; proposed: string };
}

const POLICY_RULE = new Map<string, RuleMeta>(POLICY_RULES.map((r) => [r.id, r]));

/** IAM is global: its findings carry no region. */
const REGION = 'global';

/** Every rule on one snapshot: pure, so the same snapshot and baseline always give the same findings. */
export function runAudit(
  snapshot: Snapshot,
  { config, baseline, budget, missingBaseline }: AuditOptions,
): AuditResult {
  const now = new Date(snapshot.collectedAt);
  const githubRoles = snapshot.roles.filter((r) => trustsGitHub(r.trustPolicy));
  const context: AuditContext = {
    snapshot,
    config,
    ...(baseline ? { baseline } : {}),
    now,
    githubRoles,
    ciUsers: snapshot.users.filter((u) => isCiUser(u, config, baseline)),
    ...(budget ? { budget } : {}),
  };
  const gaps = [...snapshot.gaps];
  const make = (rule: RuleMeta, hit: AccountHit): Finding =>
    makeFinding(rule, hit, snapshot.account, REGION, snapshot.collectedAt);
  const findings = [
    ...ACCOUNT_RULES.flatMap((rule) => rule.check(context).map((hit) => make(rule, hit))),
    ...githubRoles.flatMap((role) =>
      trustFindings(role, config, baseline, gaps, budget).map(({ rule, hit }) => make(rule, hit)),
    ),
  ];
  // A comparison with the baseline refused: said once per role, unless its own analysis was refused too.
  for (const { role, error } of driftRefusals(context)) {
    const refused = findings.some((f) => f.ruleId === policyTooComplex.id && f.resource.arn === role.arn);
    if (!refused)
      findings.push(make(policyTooComplex, tooComplexHit(role, error, 'comparison with its baseline')));
  }
  if (missingBaseline && !baseline)
    findings.push(
      make(baselineMissing, {
        resource: { type: 'account', arn: `arn:aws:iam::${snapshot.account}:root`, name: snapshot.account },
        message: `no reviewed baseline at ${missingBaseline.reviewed}: drift rules are off until one is published; a proposed baseline to review is at ${missingBaseline.proposed}`,
        evidence: { ...missingBaseline },
      }),
    );
  const expired = applySuppressions(findings, baseline?.suppressions ?? [], now);
  for (const s of expired) {
    findings.push(
      make(suppressionExpired, {
        resource: { type: 'account', arn: `arn:aws:iam::${snapshot.account}:root`, name: s.resource },
        message: `the suppression of ${s.ruleId} for ${s.resource} expired on ${s.expires} ("${s.reason}")`,
        evidence: { suppression: s },
      }),
    );
  }
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.resource.name.localeCompare(b.resource.name),
  );
  return {
    account: snapshot.account,
    findings,
    stats: stats(snapshot, context, findings, baseline !== undefined),
    gaps,
  };
}

/**
 * The policy rules on one role's trust policy; a policy that cannot be read becomes a gap, one too
 * complex to decide a finding of its own.
 */
function trustFindings(
  role: Role,
  config: Config,
  baseline: Baseline | undefined,
  gaps: Gap[],
  budget: BudgetOptions | undefined,
): { rule: RuleMeta; hit: AccountHit }[] {
  const allowedOwners = [...new Set([...config.allowedOwners, ...(baseline?.allowedOwners ?? [])])];
  try {
    const parsed = parsePolicy(role.trustPolicy);
    const options = {
      ...(allowedOwners.length > 0 ? { allowedOwners } : {}),
      github: config.github,
      ...(budget ? { budget } : {}),
    };
    return lintPolicy(parsed, options).map((f) => {
      // The witness is an example and `immutable` advice (it appears once ids are known); what was
      // found is the rest of the evidence, so that neither makes the same finding a new one.
      const { witness: _example, immutable: _advice, ...detail } = f.evidence;
      return {
        // A rule may report one case below its own severity.
        rule: { ...(POLICY_RULE.get(f.ruleId) as RuleMeta), severity: f.severity },
        hit: {
          resource: { type: 'role', arn: role.arn, name: role.name },
          message: `${role.name}: ${f.message}`,
          evidence: f.evidence,
          detail,
        },
      };
    });
  } catch (error) {
    if (error instanceof ComplexityError)
      return [{ rule: policyTooComplex, hit: tooComplexHit(role, error, 'analysis') }];
    gaps.push({ resource: role.arn, operation: 'parse trust policy', reason: (error as Error).message });
    return [];
  }
}

/** The finding for a role whose trust policy the engine refused during `what`. */
function tooComplexHit(role: Role, error: ComplexityError, what: string): AccountHit {
  const place = error.place;
  return {
    resource: { type: 'role', arn: role.arn, name: role.name },
    message: `${role.name}: ${error.message}; nothing was concluded about who it admits (${what})`,
    evidence: {
      ...(place
        ? { statement: place.statement, ...(place.sid ? { sid: place.sid } : {}), conditionKey: place.key }
        : {}),
      during: what,
    },
    detail: { trustPolicy: role.trustPolicy, during: what },
  };
}

/** Marks suppressed findings; returns the suppressions past their expiry, which suppress nothing. */
function applySuppressions(findings: Finding[], suppressions: Suppression[], now: Date): Suppression[] {
  const today = now.toISOString().slice(0, 10);
  const live = suppressions.filter((s) => s.expires >= today);
  for (const finding of findings) {
    const match = live.find(
      (s) =>
        s.ruleId === finding.ruleId &&
        (glob(s.resource, finding.resource.name) || glob(s.resource, finding.resource.arn)),
    );
    if (match) {
      finding.status = 'suppressed';
      finding.suppression = { reason: match.reason, expires: match.expires };
    }
  }
  return suppressions.filter((s) => s.expires < today);
}

function glob(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

function stats(
  snapshot: Snapshot,
  context: AuditContext,
  findings: Finding[],
  baseline: boolean,
): AuditStats {
  const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (f.status === 'open') open[f.severity]++;
  return {
    roles: snapshot.roles.length,
    githubTrustedRoles: context.githubRoles.length,
    users: snapshot.users.length,
    ciUsers: context.ciUsers.length,
    activeKeys: snapshot.users.reduce((n, u) => n + u.keys.filter((k) => k.active).length, 0),
    open,
    suppressed: findings.filter((f) => f.status === 'suppressed').length,
    baseline,
  };
}
