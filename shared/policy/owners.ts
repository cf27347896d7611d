import { isGitHubProvider } from '../github/claims.js';
import { parseSubject } from '../github/subject.js';
import type { GitHubSettings } from '../github/templates.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import { keyTarget, statementApplies } from './applies.js';
import type { PolicyDocument, Token } from './model.js';
import { ownerCandidates, sameOwner } from './owner-names.js';
import { AdmittedTokens } from './query.js';
import {
  buildSpace,
  choiceRealistic,
  consistentToken,
  decide,
  globProbe,
  ownerFlags,
  type Probe,
  providersOf,
  searchChoices,
} from './space.js';

export { ownerCandidates };

export interface OwnerAnalysis {
  provider: string;
  /** True when some repository owner nobody wrote down can get in. */
  any: boolean;
  /** The written-down owners whose repositories can get in. */
  owners: string[];
  /** A token of an owner nobody listed that the policy admits, when `any`. */
  foreignWitness?: Token;
}

/**
 * The owners every applicable Allow pins with a literal `repo:OWNER/` or `repo:OWNER@` prefix on all
 * values of a plain StringEquals/StringLike on sub, or undefined when some Allow does not. Such a policy
 * cannot admit any other owner, since an owner name holds neither `/` nor `@`.
 */
function pinnedOwners(policy: PolicyDocument, provider: string): string[] | undefined {
  const out = new Set<string>();
  for (const s of policy.statements) {
    if (s.effect !== 'Allow' || !statementApplies(s, provider)) continue;
    const pin = s.conditions.find((c) => {
      const target = keyTarget(c.key, provider);
      return (
        target.kind === 'claim' &&
        target.claim === 'sub' &&
        (c.base === 'StringEquals' || c.base === 'StringLike') &&
        !c.ifExists &&
        c.setQualifier !== 'ForAllValues' &&
        c.values.every((v) => PINNED.test(v))
      );
    });
    if (!pin) return undefined;
    for (const v of pin.values) out.add(PINNED.exec(v)?.[1] as string);
  }
  return [...out].sort();
}

const PINNED = /^repo:([A-Za-z0-9-]+)[/@]/;

/** Subjects of one owner's repositories, in the name and the immutable form. */
export function ownerProbe(owner: string): Probe {
  return globProbe('sub', [`repo:${owner}/*`, `repo:${owner}@*`]);
}

/**
 * Which repository owners can assume the role through each GitHub provider the policy trusts.
 * `tokens` answers owner probes when the caller already built one for the policy.
 */
export function owners(
  policy: PolicyDocument,
  tokens?: AdmittedTokens,
  github?: GitHubSettings,
): OwnerAnalysis[] {
  const candidates = ownerCandidates(policy);
  let shared = tokens;
  return providersOf([policy])
    .filter(isGitHubProvider)
    .map((provider) => {
      const pinned = pinnedOwners(policy, provider);
      if (pinned) {
        shared ??= new AdmittedTokens(policy, {
          probes: pinned.map(ownerProbe),
          ...(github ? { github } : {}),
        });
        const within = shared;
        const admitted = pinned.filter((o) => within.find([ownerProbe(o)], { provider }));
        return { provider, any: false, owners: admitted };
      }
      const space = buildSpace([policy], provider, {
        ownerCandidates: candidates,
        ...(github ? { github } : {}),
      });
      const names = space.ownerCandidates;
      const listed = new Set<number>();
      let foreign: Token | undefined;
      searchChoices(
        space,
        (choice) => decide(space, 0, choice),
        (choice) => {
          if (!choiceRealistic(space, choice)) return true;
          const token = consistentToken(space, choice);
          if (!token) return true;
          const flags = ownerFlags(space, choice);
          const named = [...new Set(flags.filter((f) => f >= 0))];
          if (named.length === 0) foreign ??= token;
          else if (named.length === 1) listed.add(named[0] as number);
          return foreign === undefined || listed.size < names.length;
        },
      );
      const analysis: OwnerAnalysis = {
        provider,
        any: foreign !== undefined,
        owners: [...listed].map((k) => names[k] as string).sort(),
      };
      if (foreign) {
        const unlisted = (t: Token) => {
          const owner = parseSubject(t.claims.sub ?? '')?.owner;
          return admits(policy, t) && (owner === undefined || !names.some((n) => sameOwner(n, owner)));
        };
        analysis.foreignWitness = realisticWitness(foreign, unlisted);
      }
      return analysis;
    });
}
