import { isGitHubProvider } from '../github/claims.js';
import { parseSubject } from '../github/subject.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import { keyTarget } from './applies.js';
import type { PolicyDocument, Token } from './model.js';
import { buildSpace, choiceRealistic, decide, ownerFlags, providersOf, searchChoices, tokenOf } from './space.js';

export interface OwnerAnalysis {
  provider: string;
  /** True when some repository owner nobody wrote down can get in. */
  any: boolean;
  /** The written-down owners whose repositories can get in. */
  owners: string[];
  /** A token of an owner nobody listed that the policy admits, when `any`. */
  foreignWitness?: Token;
}

/** Owner names written literally in `sub`, `repository` or `repository_owner` patterns. */
export function ownerCandidates(policy: PolicyDocument): string[] {
  const out = new Set<string>();
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      const lower = c.key.toLowerCase();
      for (const v of c.values) {
        const found = lower.endsWith(':sub')
          ? [...v.matchAll(/(?:^|:)repo:([^/@:*?]+)[/@]/g), ...v.matchAll(/(?:^|:)repository_owner:([^:*?]+)(?::|$)/g)]
          : lower.endsWith(':repository')
            ? [...v.matchAll(/^([^/*?]+)\//g)]
            : [];
        for (const m of found) if (m[1]) out.add(m[1]);
      }
    }
  }
  return [...out].sort();
}

/** Which repository owners can assume the role through each GitHub provider the policy trusts. */
export function owners(policy: PolicyDocument): OwnerAnalysis[] {
  const candidates = ownerCandidates(policy);
  return providersOf([policy])
    .filter(isGitHubProvider)
    .map((provider) => {
      const space = buildSpace([policy], provider, { ownerCandidates: candidates });
      const listed = new Set<number>();
      let foreign: Token | undefined;
      searchChoices(
        space,
        (choice) => decide(space, 0, choice),
        (choice) => {
          if (!choiceRealistic(space, choice)) return true;
          const flags = ownerFlags(space, choice);
          const named = [...new Set(flags.filter((f) => f >= 0))];
          if (named.length === 0) foreign ??= tokenOf(space, choice);
          else if (named.length === 1) listed.add(named[0] as number);
          return foreign === undefined || listed.size < candidates.length;
        },
      );
      const analysis: OwnerAnalysis = {
        provider,
        any: foreign !== undefined,
        owners: [...listed].map((k) => candidates[k] as string).sort(),
      };
      if (foreign) {
        const unlisted = (t: Token) => {
          const owner = parseSubject(t.claims.sub ?? '')?.owner;
          return admits(policy, t) && (owner === undefined || !candidates.includes(owner));
        };
        analysis.foreignWitness = realisticWitness(foreign, unlisted);
      }
      return analysis;
    });
}

/** Whether any statement that applies to `provider` has a condition on one of `claims`. */
export function conditionsOn(policy: PolicyDocument, provider: string, claims: string[]): boolean {
  return policy.statements.some((s) =>
    s.conditions.some((c) => {
      const target = keyTarget(c.key, provider);
      return target.kind === 'claim' && claims.includes(target.claim);
    }),
  );
}
