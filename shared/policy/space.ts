import { appendAll } from '../arrays.js';
import { GITHUB_PROVIDER, isGitHubProvider, isStsGitHubClaim, OPTIONAL_CLAIMS } from '../github/claims.js';
import { CORRELATED_CLAIMS, consistentVariants } from '../github/consistent.js';
import {
  claimDomain,
  type Domain,
  ENV_TAG,
  isPullRequestSubject,
  OWNER_TAG,
  PULL_REQUEST_TAG,
  pullRequestRefDomain,
  REF_TAG,
  REPO_TAG,
  subjectFormAllowed,
} from '../github/grammar.js';
import { parseSubject } from '../github/subject.js';
import type { GitHubSettings } from '../github/templates.js';
import { keyTarget, namedProviders, statementApplies } from './applies.js';
import { ComplexityError, type ComplexityPlace, withinBudget } from './budget.js';
import { type Cell, type CellOptions, keyCells, OWNER_NONE } from './cells.js';
import type { ConditionClause, PolicyDocument, Statement, Token } from './model.js';
import { clauseHolds, clausePatterns, hasVariables, type KeyView, operatorInfo } from './operators.js';
import { ownerCandidates, sameOwner } from './owner-names.js';
import { compilePattern, matchPattern, type Pattern, patternKey } from './pattern.js';
import { type Caller, witnessPrincipal } from './principals.js';
import { tierOf } from './regular.js';

/**
 * The token space of one provider as seen by a set of policies: every condition key they mention,
 * each split into cells, so that a policy's decision is a boolean function of one cell per key.
 */
export interface KeySpace {
  /** Lower-cased condition key name without the provider prefix for claims (`sub`), full name otherwise. */
  name: string;
  kind: 'claim' | 'context';
  /** Each condition's values (and each probe) as one union of patterns; equal unions are shared. */
  atoms: Pattern[][];
  atomIndex: Map<string, number>;
  /** Opaque clauses (numbers, dates, IPs) on this key: their truth values are enumerated, not derived. */
  opaque: ConditionClause[];
  options: KeyOption[];
  /** The one value the key is held to (`SpaceOptions.fixed`). */
  fixedValue?: string;
}

export type KeyOption =
  | { absent: true; realistic: boolean }
  | { absent: false; cell: Cell; realistic: boolean; opaqueTruth: boolean[] };

export interface Space {
  provider: string;
  /** The caller when the space is of a principal that is not a web identity (see principal-space.ts). */
  caller?: Caller;
  keys: KeySpace[];
  /** Per policy: the statements that apply to this provider, with each clause bound to its key. */
  policies: BoundStatement[][];
  approximate: boolean;
  /** Each probe's key and atom. */
  probes: { key: number; atom: number }[];
  /** GitHub-side settings the domain was built with. */
  github: GitHubSettings;
  /** Whether cells of sub tell pull-request subjects apart (`Cell.marked`). */
  marksPullRequests: boolean;
  /** The owners whose names cells tell apart (`Cell.owner` indexes them); the caller's come first. */
  ownerCandidates: string[];
}

/** Patterns on a claim that no statement uses, added to ask "is something admitted that matches them?". */
export interface Probe {
  claim: string;
  /** The probe holds when any matches. */
  patterns: Pattern[];
}

/** A probe from StringLike values. */
export function globProbe(claim: string, values: string[]): Probe {
  const glob = { wildcards: true, ignoreCase: false, variables: false };
  return { claim, patterns: values.map((v) => compilePattern(v, glob)) };
}

interface BoundClause {
  clause: ConditionClause;
  /** Index in `keys`, or -1 for a key this provider never sends. */
  key: number;
  /** Index of the clause's atom in its key, or its index among the key's opaque clauses. */
  offset: number;
  /** Decided by an enumerated truth value rather than by patterns. */
  opaque: boolean;
}

export interface BoundStatement {
  statement: Statement;
  clauses: BoundClause[];
}

/** Stands for every provider no policy names, when a wildcard principal lets them all in. */
export const UNNAMED_PROVIDER = `${GITHUB_PROVIDER}/any-other-enterprise`;

/**
 * Providers to analyse: every one named, and GitHub's when a wildcard principal lets any provider in.
 * With `unnamed`, also one provider standing for all the others (GitHub Enterprise issuers included).
 */
export function providersOf(policies: PolicyDocument[], options: { unnamed?: boolean } = {}): string[] {
  const named = new Set(policies.flatMap((p) => namedProviders(p.statements)));
  const wildcard = policies.some((p) =>
    p.statements.some(
      (s) => s.principal === '*' || Object.values(s.principal ?? {}).some((v) => v.includes('*')),
    ),
  );
  if (wildcard) {
    named.add(GITHUB_PROVIDER);
    // A provider that only condition keys name is still let in by the wildcard.
    for (const p of policies) {
      for (const s of p.statements) {
        for (const c of s.conditions) {
          const prefix = c.key.slice(0, Math.max(0, c.key.indexOf(':'))).toLowerCase();
          if (isGitHubProvider(prefix)) named.add(prefix);
        }
      }
    }
    if (options.unnamed && !named.has(UNNAMED_PROVIDER)) named.add(UNNAMED_PROVIDER);
  }
  return [...named].sort();
}

export interface SpaceOptions {
  /** GitHub-side settings (customized subject templates) that decide which subjects exist. */
  github?: GitHubSettings;
  ownerCandidates?: string[];
  /** Extra keys to include even when no policy mentions them (so witnesses show their value). */
  extraClaims?: string[];
  /** Tell pull-request subjects apart in the cells of sub (`Cell.marked`). */
  markPullRequests?: boolean;
  /** Claims held to one value: their patterns are matched directly, no search needed. */
  fixed?: Record<string, string>;
  probes?: Probe[];
  /** A principal that is not a web identity: statements apply as they name it (`provider` is then ''). */
  caller?: Caller;
}

export function buildSpace(policies: PolicyDocument[], provider: string, options: SpaceOptions = {}): Space {
  const keys: KeySpace[] = [];
  const index = new Map<string, number>();
  const github = isGitHubProvider(provider);
  const keyFor = (name: string, kind: KeySpace['kind']): number => {
    let k = index.get(name);
    if (k === undefined) {
      k = keys.length;
      index.set(name, k);
      keys.push({ name, kind, atoms: [], atomIndex: new Map(), opaque: [], options: [] });
    }
    return k;
  };
  for (const claim of options.extraClaims ?? []) keyFor(claim, 'claim');
  const bound = policies.map((policy) =>
    policy.statements
      .filter((s) => statementApplies(s, provider, options.caller))
      .map((statement) => ({
        statement,
        clauses: statement.conditions.map((clause): BoundClause => {
          const target = keyTarget(clause.key, provider);
          if (target.kind === 'foreign') return { clause, key: -1, offset: 0, opaque: false };
          if (target.kind === 'claim' && github && !isStsGitHubClaim(target.claim))
            return { clause, key: -1, offset: 0, opaque: false };
          const k = target.kind === 'claim' ? keyFor(target.claim, 'claim') : keyFor(target.key, 'context');
          const space = keys[k] as KeySpace;
          // Values that depend on other request values are not a language of this key alone.
          if (operatorInfo(clause.base)?.kind === 'opaque' || hasVariables(clause, policy.version)) {
            space.opaque.push(clause);
            return { clause, key: k, offset: space.opaque.length - 1, opaque: true };
          }
          return {
            clause,
            key: k,
            offset: atomFor(space, clausePatterns(clause, policy.version)),
            opaque: false,
          };
        }),
      })),
  );
  const probes = (options.probes ?? []).map((probe) => {
    const key = keyFor(probe.claim, 'claim');
    return { key, atom: atomFor(keys[key] as KeySpace, probe.patterns) };
  });
  let approximate = false;
  const candidates = github ? ownerNames(policies, options) : [];
  for (const [k, key] of keys.entries()) {
    try {
      approximate = addOptions(key, options, candidates, github) || approximate;
    } catch (error) {
      throw placed(error, bound, k);
    }
  }
  return {
    provider,
    ...(options.caller ? { caller: options.caller } : {}),
    keys,
    policies: bound,
    approximate,
    probes,
    github: options.github ?? {},
    marksPullRequests: github && options.markPullRequests === true,
    ownerCandidates: candidates,
  };
}

/**
 * The options of one key: its cells (each with every truth row of the opaque clauses), and absence
 * when the key can be missing. True when opaque clauses make the space approximate.
 */
function addOptions(key: KeySpace, options: SpaceOptions, candidates: string[], github: boolean): boolean {
  const claim = key.kind === 'claim' && github ? key.name : undefined;
  const isSub = claim === 'sub';
  const domain = claimDomain(claim, options.github);
  const tracksOwner = options.ownerCandidates && (key.name === 'sub' || key.name === 'repository');
  const mark = options.markPullRequests && github && key.name === 'sub' ? PULL_REQUEST_TAG : undefined;
  const fixedValue = key.kind === 'claim' ? options.fixed?.[key.name] : undefined;
  if (fixedValue !== undefined) key.fixedValue = fixedValue;
  const cells =
    fixedValue !== undefined
      ? isSub && !subjectIssued(domain, candidates, fixedValue)
        ? []
        : [
            {
              bits: key.atoms.map((atom) => atom.some((p) => matchPattern(p, fixedValue))),
              value: fixedValue,
              tier: 0,
              owner: OWNER_NONE,
              marked: mark !== undefined && isPullRequestSubject(fixedValue, options.github),
            },
          ]
      : keyCells(domain.dfa, key.atoms, {
          ...(tracksOwner ? { ownerCandidates: candidates } : {}),
          ...(mark !== undefined ? { mark } : {}),
          ...(isSub && domain.literals?.length ? { literals: domain.literals } : {}),
        });
  if (isSub && fixedValue === undefined && needsOwnerForms(domain, cells, candidates)) {
    // Some region holds only customized subjects (or an owner's template is declared): whether a named
    // owner can carry them decides, so search again telling owners apart.
    const tracked = keyCells(domain.dfa, key.atoms, {
      ownerCandidates: candidates,
      ...(mark !== undefined ? { mark } : {}),
      ...(domain.literals?.length ? { literals: domain.literals } : {}),
      accept: subjectFormRule(domain, candidates),
    });
    cells.length = 0;
    appendAll(cells, tracksOwner ? tracked : withoutOwners(tracked));
  }
  const canBeAbsent =
    fixedValue === undefined &&
    (key.kind === 'context' ||
      (github ? OPTIONAL_CLAIMS.includes(key.name) : !['sub', 'aud'].includes(key.name)));
  if (canBeAbsent) key.options.push({ absent: true, realistic: true });
  const truthRows = truthTable(key.opaque.length);
  for (const cell of cells.sort((a, b) => a.tier - b.tier)) {
    for (const opaqueTruth of truthRows) {
      key.options.push({ absent: false, cell, realistic: cell.tier < domain.realisticTiers, opaqueTruth });
    }
  }
  return key.opaque.length > 0;
}

/**
 * A ComplexityError from the search of key `k`, named by the clause on that key most likely to have
 * cost it: the one with the most wildcards in its values. Other errors pass unchanged.
 */
function placed(error: unknown, policies: BoundStatement[][], k: number): unknown {
  if (!(error instanceof ComplexityError) || error.place) return error;
  let best: { place: ComplexityPlace; stars: number } | undefined;
  for (const statements of policies) {
    for (const { statement, clauses } of statements) {
      for (const { clause, key } of clauses) {
        if (key !== k) continue;
        const stars = clause.values.join('').split(/[*?]/).length;
        if (best && best.stars >= stars) continue;
        const place = {
          statement: statement.index,
          key: clause.key,
          ...(statement.sid ? { sid: statement.sid } : {}),
        };
        best = { place, stars };
      }
    }
  }
  return best ? new ComplexityError(best.place) : error;
}

/**
 * The owners the policies name, the caller's first (their indices are kept); one entry per owner,
 * whatever its letter case.
 */
function ownerNames(policies: PolicyDocument[], options: SpaceOptions): string[] {
  const out = [...(options.ownerCandidates ?? [])];
  for (const name of policies.flatMap(ownerCandidates))
    if (!out.some((o) => sameOwner(o, name))) out.push(name);
  return out;
}

function needsOwnerForms(domain: Domain, cells: Cell[], candidates: string[]): boolean {
  if (domain.customizedOwners?.length) return true;
  return candidates.length > 0 && cells.some((c) => domain.forms?.[c.tier] === 'custom');
}

/** The subject forms a token of each owner can carry; `customForms: false` keeps to default and declared ones. */
function subjectFormRule(
  domain: Domain,
  candidates: string[],
  customForms = true,
): NonNullable<CellOptions['accept']> {
  const lower = candidates.map((c) => c.toLowerCase());
  return {
    key: `forms:${customForms}:${lower.join(',')}`,
    test: (tier, owner) =>
      (customForms || domain.forms?.[tier] !== 'custom') &&
      subjectFormAllowed(domain, tier, owner >= 0 ? lower[owner] : undefined),
  };
}

/** Cells that differ only in their owner merged, the most typical value kept, when nobody asked for owners. */
function withoutOwners(cells: Cell[]): Cell[] {
  const merged = new Map<string, Cell>();
  for (const cell of cells) {
    const key = `${cell.marked}:${cell.bits.map(Number).join('')}`;
    const known = merged.get(key);
    if (!known || cell.tier < known.tier) merged.set(key, { ...cell, owner: OWNER_NONE });
  }
  return [...merged.values()];
}

function realisticIn(domain: Domain, value: string): boolean {
  const tier = tierOf(domain.dfa, value);
  return tier >= 0 && tier < domain.realisticTiers;
}

/** Whether GitHub can issue this subject to a token of its owner (see `subjectFormAllowed`). */
function subjectIssued(domain: Domain, candidates: string[], sub: string): boolean {
  if (!realisticIn(domain, sub)) return false;
  const tier = tierOf(domain.dfa, sub);
  const owner = parseSubject(sub)?.owner;
  const listed = owner === undefined ? undefined : candidates.find((c) => sameOwner(c, owner));
  return subjectFormAllowed(domain, tier, listed?.toLowerCase());
}

/** The index of the atom for this union of patterns, added unless an equal one exists. */
function atomFor(key: KeySpace, patterns: Pattern[]): number {
  const id = patterns.map(patternKey).sort().join('\u0000');
  let at = key.atomIndex.get(id);
  if (at === undefined) {
    at = key.atoms.length;
    key.atoms.push(patterns);
    key.atomIndex.set(id, at);
  }
  return at;
}

function truthTable(n: number): boolean[][] {
  const rows: boolean[][] = [];
  for (let m = 0; m < 1 << n; m++) rows.push(Array.from({ length: n }, (_, i) => ((m >> i) & 1) === 1));
  return rows;
}

/** Three-valued decision of one policy under a partial choice of options (-1 = not chosen yet). */
export function decide(space: Space, policy: number, choice: number[]): boolean | undefined {
  let allowUnknown = false;
  let allowed = false;
  let denyUnknown = false;
  for (const bound of space.policies[policy] ?? []) {
    const value = statementValue(space, bound, choice);
    if (bound.statement.effect === 'Deny') {
      if (value === true) return false;
      if (value === undefined) denyUnknown = true;
    } else if (value === true) allowed = true;
    else if (value === undefined) allowUnknown = true;
  }
  if (denyUnknown) return allowed || allowUnknown ? undefined : false;
  if (allowed) return true;
  return allowUnknown ? undefined : false;
}

function statementValue(space: Space, bound: BoundStatement, choice: number[]): boolean | undefined {
  let unknown = false;
  for (const c of bound.clauses) {
    const value = clauseValue(space, c, choice);
    if (value === false) return false;
    if (value === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

function clauseValue(space: Space, bound: BoundClause, choice: number[]): boolean | undefined {
  if (bound.key < 0) return clauseHolds(bound.clause, { present: false });
  const picked = choice[bound.key] ?? -1;
  if (picked < 0) return undefined;
  const option = space.keys[bound.key]?.options[picked] as KeyOption;
  let view: KeyView;
  if (option.absent) view = { present: false };
  else if (operatorInfo(bound.clause.base)?.kind === 'opaque') {
    const truth = option.opaqueTruth[bound.offset] === true;
    view = { present: true, valueMatches: () => truth };
  } else {
    // The atom is the union of the clause's values: any value matching is all a clause asks.
    const matches = option.cell.bits[bound.offset] === true;
    view = { present: true, valueMatches: () => matches };
  }
  return clauseHolds(bound.clause, view);
}

/**
 * Depth-first search over option choices for complete choices satisfying `want`, pruning a branch as
 * soon as `want` is decided false. Options come tier-first, so the first solutions are the most typical.
 */
export function searchChoices(
  space: Space,
  want: (choice: number[]) => boolean | undefined,
  visit: (choice: number[]) => boolean,
): void {
  const choice = space.keys.map(() => -1);
  // Weighing a choice reads every clause; visiting one compares values against every atom.
  const weigh = 1 + space.policies.flat().reduce((sum, s) => sum + s.clauses.length, 0);
  const visitCost = space.keys.reduce((sum, key) => sum + key.atoms.length, 1);
  withinBudget(undefined, (budget) => {
    const go = (k: number): boolean => {
      budget.spend(weigh);
      const verdict = want(choice);
      if (verdict === false) return true;
      if (k === space.keys.length) {
        if (verdict !== true) return true;
        budget.spend(visitCost);
        return visit([...choice]);
      }
      const options = space.keys[k]?.options ?? [];
      for (let o = 0; o < options.length; o++) {
        choice[k] = o;
        if (!go(k + 1)) return false;
      }
      choice[k] = -1;
      return true;
    };
    try {
      go(0);
    } catch (error) {
      // Too many combinations: named by the key with the most options, which multiplies them most.
      throw placed(error, space.policies, widestKey(space));
    }
  });
}

function widestKey(space: Space): number {
  let widest = 0;
  space.keys.forEach((key, k) => {
    if (key.options.length > (space.keys[widest]?.options.length ?? 0)) widest = k;
  });
  return widest;
}

export function choiceRealistic(space: Space, choice: number[]): boolean {
  return choice.every((o, k) => space.keys[k]?.options[o]?.realistic !== false);
}

export function ownerFlags(space: Space, choice: number[]): number[] {
  return choice
    .map((o, k) => space.keys[k]?.options[o])
    .map((opt) => (opt && !opt.absent ? opt.cell.owner : OWNER_NONE))
    .filter((f) => f !== OWNER_NONE);
}

/** The token a complete choice stands for: the claims conditions or probes name, and always sub and aud. */
export function tokenOf(space: Space, choice: number[]): Token {
  const named = new Set<number>(space.probes.map((p) => p.key));
  for (const statements of space.policies)
    for (const s of statements) for (const c of s.clauses) named.add(c.key);
  const claims: Record<string, string> = {};
  choice.forEach((o, k) => {
    const key = space.keys[k] as KeySpace;
    const option = key.options[o];
    const shown = named.has(k) || key.name === 'sub' || key.name === 'aud';
    if (shown && option && !option.absent) claims[key.name] = option.cell.value;
  });
  return space.caller
    ? { provider: space.provider, principal: witnessPrincipal(space.caller, claims), claims }
    : { provider: space.provider, claims };
}

/**
 * The token of a complete choice as one GitHub token can be: its claims agreeing with each other (the
 * repository, ref and environment its subject names), taken from the chosen cells; undefined when no
 * consistent variant near the cells' sample values stays in them. Other providers' claims are independent.
 */
export function consistentToken(space: Space, choice: number[]): Token | undefined {
  const token = tokenOf(space, choice);
  if (!isGitHubProvider(space.provider)) return token;
  const keyOf = new Map(space.keys.map((key, k) => [key.kind === 'claim' ? key.name : '', k]));
  const shown: string[] = CORRELATED_CLAIMS.filter(
    (c) => keyOf.has(c) && choiceShows(space, keyOf.get(c) as number),
  );
  if (shown.length === 0 || token.claims.sub === undefined) return token;
  const fits = (variant: Token) =>
    ['sub', ...shown].every((claim) => {
      const k = keyOf.get(claim);
      return k === undefined || inChosenCell(space, k, choice[k] as number, variant.claims[claim]);
    });
  const near = consistentVariants(token, shown).find(fits);
  if (near) return near;
  // The cells' sample values disagree: try the values the policies write (wildcards filled in), which is
  // where the other members of a cell usually are, for the subject and one other claim together.
  const written = (claim: string) => [
    token.claims[claim],
    ...(claim === 'ref' ? pullRequestRefs(space, keyOf.get(claim) as number, choice) : []),
    ...(space.keys[keyOf.get(claim) as number]?.atoms ?? []).flat().map(instantiate),
  ];
  // Each try matches a few variants against every atom of the claims it shows.
  const tryCost = ['sub', ...shown].reduce(
    (sum, c) => sum + (space.keys[keyOf.get(c) ?? -1]?.atoms.length ?? 0),
    1,
  );
  const budget = withinBudget(undefined, (b) => b);
  for (const sub of written('sub')) {
    if (sub === undefined) continue;
    for (const claim of shown) {
      for (const value of written(claim)) {
        if (value === undefined) continue;
        budget.spend(tryCost);
        const base = { ...token, claims: { ...token.claims, sub, [claim]: value } };
        const found = consistentVariants(base, shown).find(fits);
        if (found) return found;
      }
    }
  }
  // Last, exactly: subjects searched by their own patterns and by the repository, ref and environment
  // they name, for the cells chosen for those claims.
  const sub = keyOf.get('sub') as number;
  const subBits = chosenBits(space, sub, choice);
  const projected = PROJECTED.filter(({ claim }) => keyOf.has(claim) && shown.includes(claim)).map((p) => ({
    ...p,
    k: keyOf.get(p.claim) as number,
  }));
  if (!subBits || projected.length === 0) return undefined;
  const joint = jointSubjects(space, sub, projected);
  // Too many states to tell exactly: keep the token as the cells give it (claims taken apart), so a
  // difference is reported rather than missed.
  if (!joint) return token;
  for (const cell of joint) {
    if (!sameBits(cell.bits, 0, subBits)) continue;
    let offset = subBits.length;
    const agrees = projected.every(({ k, embeds }) => {
      const bits = chosenBits(space, k, choice);
      const width = space.keys[k]?.atoms.length ?? 0;
      // A claim the subject does not carry (the ref of a pull_request run) is left to the checks below.
      const ok = !embeds(cell.value) || (bits !== undefined && sameBits(cell.bits, offset, bits));
      offset += width;
      return ok;
    });
    if (!agrees) continue;
    const found = consistentVariants({ ...token, claims: { ...token.claims, sub: cell.value } }, shown).find(
      fits,
    );
    if (found) return found;
  }
  return undefined;
}

/** The claims a subject carries in itself, with the field tags of their characters. */
const PROJECTED = [
  {
    claim: 'repository',
    tags: [OWNER_TAG, REPO_TAG],
    embeds: (sub: string) => parseSubject(sub) !== undefined,
  },
  {
    claim: 'ref',
    tags: [REF_TAG],
    embeds: (sub: string) => /^ref:refs\//.test(parseSubject(sub)?.context ?? ''),
  },
  {
    claim: 'environment',
    tags: [ENV_TAG],
    embeds: (sub: string) => (parseSubject(sub)?.context ?? '').startsWith('environment:'),
  },
];

function sameBits(bits: boolean[], offset: number, wanted: boolean[]): boolean {
  return wanted.every((b, i) => bits[offset + i] === b);
}

function chosenBits(space: Space, k: number, choice: number[]): boolean[] | undefined {
  const option = space.keys[k]?.options[choice[k] as number];
  return option && !option.absent ? option.cell.bits : undefined;
}

const jointCells = new WeakMap<Space, Map<string, Cell[] | null>>();

/** The share of the analysis's remaining budget the joint search may use: the analysis goes on without it. */
const JOINT_SHARE = 0.25;

/**
 * Cells of default and declared subjects by their own patterns and by the claims they carry in
 * themselves: the patterns of those claims read only the subject's characters tagged as theirs. Null
 * when that search needs more than its share of the budget (remembered, so it is not tried again).
 */
function jointSubjects(
  space: Space,
  sub: number,
  projected: { claim: string; tags: number[]; k: number }[],
): Cell[] | null {
  let byClaims = jointCells.get(space);
  if (!byClaims) {
    byClaims = new Map();
    jointCells.set(space, byClaims);
  }
  const id = projected.map((p) => p.claim).join(',');
  let cells = byClaims.get(id);
  if (cells === undefined) {
    const subKey = space.keys[sub] as KeySpace;
    const domain = claimDomain('sub', space.github);
    const atoms = [...subKey.atoms, ...projected.flatMap(({ k }) => space.keys[k]?.atoms ?? [])];
    const options: CellOptions = {
      ownerCandidates: space.ownerCandidates,
      ...(space.marksPullRequests ? { mark: PULL_REQUEST_TAG } : {}),
      ...(domain.literals?.length ? { literals: domain.literals } : {}),
      projections: [
        ...subKey.atoms.map(() => undefined),
        ...projected.flatMap(({ k, tags }) => (space.keys[k]?.atoms ?? []).map(() => tags)),
      ],
      accept: subjectFormRule(domain, space.ownerCandidates, false),
    };
    try {
      cells = withinBudget(undefined, (budget) =>
        budget.part(JOINT_SHARE, () => keyCells(domain.dfa, atoms, options)),
      );
    } catch (error) {
      if (!(error instanceof ComplexityError)) throw error;
      cells = null;
    }
    byClaims.set(id, cells);
  }
  return cells;
}

/**
 * The refs of pull_request runs in the cell chosen for `ref`. A pull_request subject's ref is none of the
 * cell's sample or written values when the cell also holds branches or a wildcard stands in the number.
 */
function pullRequestRefs(space: Space, k: number, choice: number[]): string[] {
  const key = space.keys[k];
  const option = key?.options[choice[k] as number];
  if (!key || !option || option.absent) return [];
  return keyCells(pullRequestRefDomain(), key.atoms)
    .filter((cell) => sameBits(cell.bits, 0, option.cell.bits))
    .map((cell) => cell.value);
}

/** A value a pattern matches: its literal characters, nothing for `*`, one letter for `?`. */
function instantiate(pattern: Pattern): string | undefined {
  if (!pattern.satisfiable) return undefined;
  return pattern.tokens.map((t) => (t.k === 'char' ? t.ch : t.k === 'one' ? 'x' : '')).join('');
}

/** Whether tokenOf shows the key's claim (a condition or probe names it, or it is sub or aud). */
function choiceShows(space: Space, k: number): boolean {
  if (space.probes.some((p) => p.key === k)) return true;
  return space.policies.some((statements) => statements.some((s) => s.clauses.some((c) => c.key === k)));
}

/** Whether `value` (undefined: absent) lies in the cell the option stands for. */
function inChosenCell(space: Space, k: number, o: number, value: string | undefined): boolean {
  const key = space.keys[k] as KeySpace;
  const option = key.options[o];
  if (!option) return false;
  if (option.absent || value === undefined) return option.absent && value === undefined;
  const { cell } = option;
  if (key.fixedValue !== undefined) return value === key.fixedValue;
  // A variant must be a value GitHub issues, as the cell's own sample is.
  const domain = claimDomain(key.kind === 'claim' ? key.name : undefined, space.github);
  if (key.name === 'sub' ? !subjectIssued(domain, space.ownerCandidates, value) : !realisticIn(domain, value))
    return false;
  if (!key.atoms.every((atom, a) => atom.some((p) => matchPattern(p, value)) === cell.bits[a])) return false;
  if (
    key.name === 'sub' &&
    space.marksPullRequests &&
    cell.marked !== isPullRequestSubject(value, space.github)
  )
    return false;
  if (cell.owner === OWNER_NONE) return true;
  const owner = key.name === 'sub' ? parseSubject(value)?.owner : value.split('/')[0];
  const listed = owner === undefined ? -1 : space.ownerCandidates.findIndex((c) => sameOwner(c, owner));
  return cell.owner >= 0 ? listed === cell.owner : listed < 0;
}

/** Whether the value chosen for the probe's key matches the probe (undefined while not chosen). */
export function probeHolds(space: Space, probe: number, choice: number[]): boolean | undefined {
  const at = space.probes[probe];
  if (!at) return undefined;
  const picked = choice[at.key] ?? -1;
  if (picked < 0) return undefined;
  const option = space.keys[at.key]?.options[picked] as KeyOption;
  if (option.absent) return false;
  return option.cell.bits[at.atom] === true;
}
