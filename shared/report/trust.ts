import type { StoredFinding } from '../findings/store.js';
import { trustsGitHub } from '../inventory/github-trust.js';
import type { Role } from '../inventory/snapshot.js';
import type { Token } from '../policy/model.js';
import { ownerCandidates, ownerProbe, owners } from '../policy/owners.js';
import { parsePolicy } from '../policy/parse.js';
import { AdmittedTokens, freshName } from '../policy/query.js';
import { principalText } from '../policy/token-text.js';
import { subjectPatterns } from '../rules/drift/trust.js';
import { repositoryProbe } from '../rules/questions.js';
import { bound } from './bounded.js';
import type { Bounded, TrustChange, TrustedRole } from './model.js';
import { inMonth, type Month } from './month.js';

/** Trust changes listed; the total counts them all. */
const CHANGE_LIMIT = 50;

/**
 * What one GitHub-trusted role admits, asked of the policy engine: which owners (or any owner), and
 * whether any repository of an owner gets in; besides, the repositories its Allow patterns name. A policy the engine cannot analyse is
 * listed with the reason, not left out.
 */
function trustedRole(role: Role): TrustedRole {
  const base = { name: role.name, arn: role.arn };
  try {
    const document = parsePolicy(role.trustPolicy).document;
    const fresh = freshName(document);
    const candidates = ownerCandidates(document);
    // Both questions prepared in one search of each key.
    const tokens = new AdmittedTokens(document, {
      probes: [...candidates.map(ownerProbe), ...candidates.map((o) => repositoryProbe(document, o, fresh))],
    });
    const analyses = owners(document, tokens);
    const named = namedRepositories(subjectPatterns(document));
    return {
      ...base,
      anyOwner: analyses.some((a) => a.any),
      owners: [...new Set(analyses.flatMap((a) => a.owners))].sort().map((owner) => ({
        name: owner,
        anyRepository: tokens.find([repositoryProbe(document, owner, fresh)]) !== undefined,
        repositories: named.get(owner) ?? [],
      })),
      subjects: subjectPatterns(document),
    };
  } catch (error) {
    return { ...base, anyOwner: false, owners: [], subjects: [], problem: (error as Error).message };
  }
}

/** Repository names written literally (no wildcard) in sub patterns, by owner. */
function namedRepositories(patterns: string[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const p of patterns) {
    for (const m of p.matchAll(/(?:^|:)repo:([^/@:*?]+)(?:@[^/]*)?\/([^@:*?]+)(?:@[^:]*)?:/g)) {
      const [, owner, repo] = m as unknown as [string, string, string];
      out.set(owner, (out.get(owner) ?? new Set()).add(repo));
    }
  }
  return new Map([...out].map(([owner, repos]) => [owner, [...repos].sort()]));
}

/** The GitHub-trusted roles of the snapshot that existed by the end of the month. */
export function githubTrustedRoles(roles: Role[]): Role[] {
  return roles.filter((r) => trustsGitHub(r.trustPolicy));
}

/** Every role's analysis, the widest first (unanalysable ones before all): any owner, then any repository, then by name. */
export function trustedRoles(roles: Role[]): TrustedRole[] {
  const width = (r: TrustedRole) =>
    r.problem ? 3 : r.anyOwner ? 2 : r.owners.some((o) => o.anyRepository) ? 1 : 0;
  return roles.map(trustedRole).sort((a, b) => width(b) - width(a) || a.name.localeCompare(b.name));
}

const CHANGE_RULES: Record<string, TrustChange['verdict'] | undefined> = {
  'drift.trust-wider': 'wider',
  'drift.trust-narrower': 'narrower',
  'drift.new-ci-role': 'new',
};

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Trust changes first seen this month, from the drift findings: the verdict the engine gave, the
 * subjects before and after, a subject newly let in, and who made the change when a CloudTrail event
 * was behind the finding (the scheduled audit finds changes without one).
 */
export function trustChanges(
  findings: StoredFinding[],
  month: Month,
): Bounded<TrustChange> & { widened: number } {
  const changes = findings
    .filter((f) => CHANGE_RULES[f.ruleId] !== undefined && inMonth(f.firstSeen, month))
    .map((f): TrustChange => {
      const event = (f.evidence.event ?? {}) as Record<string, unknown>;
      const verdict =
        f.evidence.verdict === 'incomparable'
          ? 'incomparable'
          : (CHANGE_RULES[f.ruleId] as TrustChange['verdict']);
      // A subject, or for another principal its type and name.
      const subjectOf = (key: string) => {
        const first = (f.evidence[key] as Token[] | undefined)?.[0];
        return first?.principal ? principalText(first.principal) : first?.claims?.sub;
      };
      const gained = subjectOf('newlyAdmitted');
      const lost = subjectOf('noLongerAdmitted');
      const example =
        f.evidence.deleted === true
          ? 'the role was deleted'
          : typeof gained === 'string'
            ? `now gets in: ${gained}`
            : typeof lost === 'string'
              ? `no longer gets in: ${lost}`
              : undefined;
      return {
        role: f.resource.name,
        verdict,
        at: typeof event.eventTime === 'string' ? event.eventTime : f.firstSeen,
        by: typeof event.who === 'string' ? event.who : null,
        before: strings(f.evidence.before),
        after: strings(f.evidence.after),
        ...(example ? { example } : {}),
      };
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const widened = changes.filter((c) => c.verdict === 'wider' || c.verdict === 'incomparable').length;
  return { ...bound(changes, CHANGE_LIMIT), widened };
}
