import { isGitHubProvider } from '../github/claims.js';
import { isPullRequestSubject } from '../github/grammar.js';
import type { GitHubSettings } from '../github/templates.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import type { PolicyDocument, Token } from './model.js';
import { matchPattern, patternKey } from './pattern.js';
import {
  buildSpace,
  choiceRealistic,
  consistentToken,
  decide,
  type Probe,
  probeHolds,
  providersOf,
  type Space,
  type SpaceOptions,
  searchChoices,
} from './space.js';

export interface QuestionSetup {
  /** Probes to prepare: asking about them then costs a walk over cells, not a new search. */
  probes?: Probe[];
  /** Other policies decided over the same cells, e.g. one statement with the policy's Denies. */
  views?: PolicyDocument[];
  /** Claims to include even when no condition names them. */
  extraClaims?: string[];
  /** Prepare the question "is a pull-request run admitted?" (`FindOptions.pullRequest`). */
  pullRequests?: boolean;
  narrower?: Pick<SpaceOptions, 'fixed'>;
  github?: GitHubSettings;
}

export interface FindOptions {
  provider?: string;
  /** 0 for the policy, 1 + i for `views[i]`. */
  view?: number;
  /** Only tokens of pull-request runs. */
  pullRequest?: boolean;
}

/**
 * Questions asked of one policy's token space, answered from one search of each key: "is a realistic
 * token admitted whose sub matches these patterns?" costs a walk over cells when the question was
 * prepared; any other question gets a search of its own.
 */
export class AdmittedTokens {
  private readonly spaces: Space[];
  private readonly index = new Map<string, number>();
  private readonly documents: PolicyDocument[];

  constructor(
    policy: PolicyDocument,
    private readonly setup: QuestionSetup = {},
  ) {
    const probes = setup.probes ?? [];
    for (const [i, p] of probes.entries()) this.index.set(probeKey(p), i);
    this.documents = [policy, ...(setup.views ?? [])];
    const narrower = setup.narrower ?? {};
    const extraClaims = [
      ...(setup.extraClaims ?? []),
      ...(setup.pullRequests ? ['sub'] : []),
      ...Object.keys(narrower.fixed ?? {}),
    ];
    const options = {
      ...narrower,
      extraClaims,
      probes,
      markPullRequests: setup.pullRequests === true,
      ...(setup.github ? { github: setup.github } : {}),
    };
    this.spaces = providersOf([policy])
      .filter(isGitHubProvider)
      .map((provider) => buildSpace(this.documents, provider, options));
  }

  /** A realistic token the policy (or view) admits whose claims match every probe, or undefined. */
  find(probes: Probe[] = [], options: FindOptions = {}): Token | undefined {
    const view = options.view ?? 0;
    const indices = probes.map((p) => this.index.get(probeKey(p)));
    const pullRequest = options.pullRequest === true;
    if (indices.some((i) => i === undefined) || (pullRequest && !this.setup.pullRequests)) {
      const setup = {
        ...this.setup,
        probes,
        views: [],
        pullRequests: pullRequest || this.setup.pullRequests,
      };
      return new AdmittedTokens(this.documents[view] as PolicyDocument, setup).find(probes, {
        ...options,
        view: 0,
      });
    }
    for (const space of this.spaces) {
      if (options.provider !== undefined && space.provider !== options.provider) continue;
      const sub = pullRequest ? space.keys.findIndex((k) => k.kind === 'claim' && k.name === 'sub') : -1;
      let found: Token | undefined;
      searchChoices(
        space,
        (choice) => {
          for (const i of indices) if (probeHolds(space, i as number, choice) === false) return false;
          if (sub >= 0 && choice[sub] !== -1) {
            const option = space.keys[sub]?.options[choice[sub] as number];
            if (option?.absent !== false || !option.cell.marked) return false;
          }
          return decide(space, view, choice);
        },
        (choice) => {
          if (!choiceRealistic(space, choice)) return true;
          found = consistentToken(space, choice);
          return found === undefined;
        },
      );
      if (found) {
        return realisticWitness(
          found,
          (t) =>
            this.admitsWithin(view, t, probes) &&
            (!pullRequest || isPullRequestSubject(t.claims.sub ?? '', this.setup.github)),
        );
      }
    }
    return undefined;
  }

  /**
   * Whether the view admits any realistic token, and which of `claims` restrict who gets in: a claim
   * restricts when some value a GitHub token can carry in it is never admitted, whatever the others.
   * The claims must be among the setup's `extraClaims` or named by a condition.
   */
  restrictions(
    view: number,
    provider: string,
    claims: string[],
  ): { admitsAny: boolean; restricting: string[] } {
    const space = this.spaces.find((s) => s.provider === provider);
    if (!space) return { admitsAny: false, restricting: [] };
    let admitsAny = false;
    const restricting = claims.filter((claim) => {
      const k = space.keys.findIndex((key) => key.kind === 'claim' && key.name === claim);
      if (k < 0) throw new Error(`claim ${claim} is not in the prepared space`);
      const admitted = new Set<number>();
      searchChoices(
        space,
        // Once one token with this value of the claim is admitted, the others with it need not be found.
        (choice) => (admitted.has(choice[k] as number) ? false : decide(space, view, choice)),
        (choice) => {
          if (choiceRealistic(space, choice) && consistentToken(space, choice)) {
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

  /** Whether some value a GitHub token can carry matches the probe, admitted or not. */
  carriable(probe: Probe): boolean {
    const i = this.index.get(probeKey(probe));
    if (i === undefined) {
      return new AdmittedTokens(this.documents[0] as PolicyDocument, { probes: [probe] }).carriable(probe);
    }
    return this.spaces.some((space) => {
      const at = space.probes[i];
      const options = space.keys[at?.key ?? -1]?.options ?? [];
      return options.some((o) => !o.absent && o.realistic && o.cell.bits[at?.atom ?? -1]);
    });
  }

  /** The point a witness must keep while it is made to look typical. */
  private admitsWithin(view: number, token: Token, probes: Probe[]): boolean {
    const fixed = Object.entries(this.setup.narrower?.fixed ?? {});
    return (
      admits(this.documents[view] as PolicyDocument, token) &&
      fixed.every(([claim, value]) => token.claims[claim] === value) &&
      probes.every((p) => probeMatches(p, token))
    );
  }
}

function probeKey(probe: Probe): string {
  return `${probe.claim}\u0001${probe.patterns.map(patternKey).join('\u0000')}`;
}

function probeMatches(probe: Probe, token: Token): boolean {
  const value = token.claims[probe.claim];
  return value !== undefined && probe.patterns.some((p) => matchPattern(p, value));
}

/** A realistic GitHub token the policy admits whose claims match every probe, or undefined. */
export function findAdmitted(
  policy: PolicyDocument,
  probes: Probe[] = [],
  narrower: Pick<SpaceOptions, 'fixed'> = {},
  github?: GitHubSettings,
): Token | undefined {
  return new AdmittedTokens(policy, { probes, narrower, ...(github ? { github } : {}) }).find(probes);
}

/** A name made of characters no value in the policy mentions: it stands for every such name. */
export function freshName(policy: PolicyDocument): string {
  const used = new Set<string>();
  for (const s of policy.statements)
    for (const c of s.conditions) for (const v of c.values) for (const ch of v) used.add(ch);
  const pool = [...'zqxjkvwybfghmpdlucntrsoaie0123456789'].filter(
    (c) => !used.has(c) && !used.has(c.toUpperCase()),
  );
  return pool.slice(0, 6).join('') || 'fresh';
}
