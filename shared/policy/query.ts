import { isGitHubProvider } from '../github/claims.js';
import type { Domain } from '../github/grammar.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import type { PolicyDocument, Token } from './model.js';
import { compilePattern, matchPattern } from './pattern.js';
import { tierOf } from './regular.js';
import {
  buildSpace,
  choiceRealistic,
  decide,
  type Probe,
  probeHolds,
  providersOf,
  type Space,
  type SpaceOptions,
  searchChoices,
  tokenOf,
} from './space.js';

/**
 * Questions asked of one policy's token space, answered from one search of each key: "is a realistic
 * token admitted whose sub matches these patterns?" costs a walk over cells once the probes it names
 * were given to the constructor; any other probe gets a search of its own.
 */
export class AdmittedTokens {
  private readonly spaces: Space[];
  private readonly index = new Map<string, number>();

  constructor(
    private readonly policy: PolicyDocument,
    probes: Probe[] = [],
    private readonly narrower: Pick<SpaceOptions, 'domains' | 'fixed'> = {},
  ) {
    for (const [i, p] of probes.entries()) this.index.set(probeKey(p), i);
    const extraClaims = [...Object.keys(narrower.domains ?? {}), ...Object.keys(narrower.fixed ?? {})];
    this.spaces = providersOf([policy])
      .filter(isGitHubProvider)
      .map((provider) => buildSpace([policy], provider, { ...narrower, extraClaims, probes }));
  }

  /** A realistic admitted token whose claims match every probe, or undefined. */
  find(probes: Probe[] = [], provider?: string): Token | undefined {
    const indices = probes.map((p) => this.index.get(probeKey(p)));
    if (indices.some((i) => i === undefined))
      return new AdmittedTokens(this.policy, probes, this.narrower).find(probes, provider);
    for (const space of this.spaces) {
      if (provider !== undefined && space.provider !== provider) continue;
      let found: Token | undefined;
      searchChoices(
        space,
        (choice) => {
          for (const i of indices) if (probeHolds(space, i as number, choice) === false) return false;
          return decide(space, 0, choice);
        },
        (choice) => {
          if (!choiceRealistic(space, choice)) return true;
          found = tokenOf(space, choice);
          return false;
        },
      );
      if (found) return realisticWitness(found, (t) => this.admitsWithin(t, probes));
    }
    return undefined;
  }

  /** The point a witness must keep while it is made to look typical. */
  private admitsWithin(token: Token, probes: Probe[]): boolean {
    const fixed = Object.entries(this.narrower.fixed ?? {});
    const domains = Object.entries(this.narrower.domains ?? {});
    return (
      admits(this.policy, token) &&
      fixed.every(([claim, value]) => token.claims[claim] === value) &&
      domains.every(([claim, domain]) => inRealisticTier(domain, token.claims[claim])) &&
      probes.every((p) => probeMatches(p, token))
    );
  }
}

function inRealisticTier(domain: Domain, value: string | undefined): boolean {
  if (value === undefined) return false;
  const tier = tierOf(domain.dfa, value);
  return tier >= 0 && tier < domain.realisticTiers;
}

function probeKey(probe: Probe): string {
  return JSON.stringify([probe.claim, probe.patterns]);
}

function probeMatches(probe: Probe, token: Token): boolean {
  const value = token.claims[probe.claim];
  const options = { wildcards: true, ignoreCase: false, variables: false };
  return value !== undefined && probe.patterns.some((p) => matchPattern(compilePattern(p, options), value));
}

/** A realistic GitHub token the policy admits whose claims match every probe, or undefined. */
export function findAdmitted(
  policy: PolicyDocument,
  probes: Probe[] = [],
  narrower: Pick<SpaceOptions, 'domains' | 'fixed'> = {},
): Token | undefined {
  return new AdmittedTokens(policy, probes, narrower).find(probes);
}

/** A name made of characters no value in the policy mentions: it stands for every name nobody wrote down. */
export function freshName(policy: PolicyDocument): string {
  const used = new Set(policy.statements.flatMap((s) => s.conditions.flatMap((c) => [...c.values.join('')])));
  const pool = [...'zqxjkvwybfghmpdlucntrsoaie0123456789'].filter(
    (c) => !used.has(c) && !used.has(c.toUpperCase()),
  );
  return pool.slice(0, 6).join('') || 'fresh';
}

/**
 * Whether the policy admits any realistic token, and which of `claims` restrict who gets in: a claim
 * restricts when some value a GitHub token can carry in it is never admitted, whatever the other claims.
 */
export function claimRestrictions(
  policy: PolicyDocument,
  provider: string,
  claims: string[],
): { admitsAny: boolean; restricting: string[] } {
  const space = buildSpace([policy], provider, { extraClaims: claims });
  let admitsAny = false;
  const restricting = claims.filter((claim) => {
    const k = space.keys.findIndex((key) => key.kind === 'claim' && key.name === claim);
    const admitted = new Set<number>();
    searchChoices(
      space,
      // Once one token with this value of the claim is admitted, the others with it need not be found.
      (choice) => (admitted.has(choice[k] as number) ? false : decide(space, 0, choice)),
      (choice) => {
        if (choiceRealistic(space, choice)) {
          admitted.add(choice[k] as number);
          admitsAny = true;
        }
        return true;
      },
    );
    return (space.keys[k]?.options ?? []).some((option, o) => option.realistic && !admitted.has(o));
  });
  return { admitsAny, restricting };
}
