import { isGitHubProvider } from '../github/claims.js';
import { type CompareOptions, compare } from '../policy/compare.js';
import type { PolicyDocument, Token } from '../policy/model.js';
import { providersOf } from '../policy/space.js';
import type { PolicyBounds } from './unknowns.js';

/** One side of a change: a role (or policy) as one version of the code writes it. */
export interface DiffSide {
  /** How the reader knows it: the logical id or address (with its variant), the role name, or the file. */
  label: string;
  /** Logical id or resource address, with the condition variant: roles are matched by it first. */
  id?: string;
  /** The role's name, when known: roles are matched by it next (a moved resource keeps its name). */
  roleName?: string;
  bounds: PolicyBounds;
}

export type RoleVerdict = 'equal' | 'narrower' | 'wider' | 'incomparable' | 'added' | 'removed' | 'unknown';

export interface RoleDiff {
  role: string;
  verdict: RoleVerdict;
  /** Tokens the new version admits and the old one refused (with unknowns: whatever the values are). */
  newlyAdmitted: Token[];
  noLongerAdmitted: Token[];
  /** Whether the change lets in more than before: the exit status of `diff` follows it. */
  admitsMore: boolean;
  /** Values not known statically that the verdict depends on. */
  unknownValues: string[];
  notes: string[];
}

const NOTHING: PolicyDocument = { statements: [] };

/**
 * Pairs the roles of two versions (by id, then by role name, then a lone policy with a lone policy) and
 * compares each pair with the exact engine. With unknown values a verdict is only given when it holds
 * for every resolution: more is admitted when the old version's widest bound refuses a token the new
 * one's narrowest admits; nothing more is admitted when the new widest stays within the old narrowest.
 */
export function diffRoles(
  oldSides: DiffSide[],
  newSides: DiffSide[],
  options: CompareOptions = {},
): RoleDiff[] {
  const pairs = matchSides(oldSides, newSides);
  return pairs.map(([before, after]) => {
    if (before && after) return diffPair(before, after, options);
    if (after) return added(after, options);
    return removed(before as DiffSide);
  });
}

function matchSides(
  oldSides: DiffSide[],
  newSides: DiffSide[],
): [DiffSide | undefined, DiffSide | undefined][] {
  const pairs: [DiffSide | undefined, DiffSide | undefined][] = [];
  const oldLeft = new Set(oldSides);
  const newLeft = new Set(newSides);
  const pairBy = (key: (s: DiffSide) => string | undefined) => {
    for (const after of [...newLeft]) {
      const k = key(after);
      if (k === undefined) continue;
      const before = [...oldLeft].find((s) => key(s) === k);
      if (!before) continue;
      pairs.push([before, after]);
      oldLeft.delete(before);
      newLeft.delete(after);
    }
  };
  pairBy((s) => s.id);
  pairBy((s) => s.roleName);
  // Two bare policy documents, as `compare` takes them.
  const [lonelyOld] = oldLeft;
  const [lonelyNew] = newLeft;
  if (oldLeft.size === 1 && newLeft.size === 1 && lonelyOld && lonelyNew && !lonelyOld.id && !lonelyNew.id) {
    pairs.push([lonelyOld, lonelyNew]);
    oldLeft.clear();
    newLeft.clear();
  }
  for (const before of oldLeft) pairs.push([before, undefined]);
  for (const after of newLeft) pairs.push([undefined, after]);
  return pairs;
}

const narrowest = (b: PolicyBounds) =>
  b.kind === 'known' ? b.parsed.document : b.kind === 'bounded' ? b.narrowest.document : NOTHING;
const widest = (b: PolicyBounds) =>
  b.kind === 'known' ? b.parsed.document : b.kind === 'bounded' ? b.widest.document : undefined;
const unknownsOf = (b: PolicyBounds) => (b.kind === 'known' ? [] : b.unknowns.map((u) => u.description));

function diffPair(before: DiffSide, after: DiffSide, options: CompareOptions): RoleDiff {
  const role = after.label === before.label ? after.label : `${before.label} → ${after.label}`;
  // An unknown both versions keep (the same parameter) is one value to the reader.
  const unknownValues = [...new Set([...unknownsOf(before.bounds), ...unknownsOf(after.bounds)])];
  const oldWide = widest(before.bounds);
  const newWide = widest(after.bounds);
  if (unknownValues.length === 0 && oldWide && newWide) {
    const c = compare(oldWide, newWide, options);
    return {
      role,
      verdict: c.verdict,
      newlyAdmitted: c.newlyAdmitted,
      noLongerAdmitted: c.noLongerAdmitted,
      admitsMore: c.newlyAdmitted.length > 0,
      unknownValues,
      notes: c.notes,
    };
  }
  // What holds for every resolution: compare the bounds that are hardest to tell apart.
  const surely = oldWide ? compare(oldWide, narrowest(after.bounds), options) : undefined;
  const possibly = newWide ? compare(narrowest(before.bounds), newWide, options) : undefined;
  const moreProven = (surely?.newlyAdmitted.length ?? 0) > 0;
  const lessImpossible = surely !== undefined && surely.noLongerAdmitted.length === 0;
  const lessProven = (possibly?.noLongerAdmitted.length ?? 0) > 0;
  const moreImpossible = possibly !== undefined && possibly.newlyAdmitted.length === 0;
  const verdict: RoleVerdict =
    moreProven && lessProven
      ? 'incomparable'
      : moreProven && lessImpossible
        ? 'wider'
        : lessProven && moreImpossible
          ? 'narrower'
          : moreImpossible && lessImpossible
            ? 'equal'
            : 'unknown';
  const notes = [...(surely?.notes ?? []), ...(possibly?.notes ?? [])];
  if (verdict === 'unknown')
    notes.push(
      `the verdict depends on values not known statically: ${unknownValues.join('; ')}${moreProven ? ' (the new version admits more whatever they are)' : ''}`,
    );
  return {
    role,
    verdict,
    newlyAdmitted: moreProven ? (surely?.newlyAdmitted ?? []) : [],
    noLongerAdmitted: lessProven ? (possibly?.noLongerAdmitted ?? []) : [],
    admitsMore: moreProven,
    unknownValues,
    notes: [...new Set(notes)],
  };
}

/** A new role: it admits more when GitHub's tokens may assume it (any role can, a new CI door is the risk). */
function added(after: DiffSide, options: CompareOptions): RoleDiff {
  const wide = widest(after.bounds);
  const githubTrusted = wide === undefined || providersOf([wide]).some(isGitHubProvider);
  const c = compare(NOTHING, narrowest(after.bounds), options);
  return {
    role: after.label,
    verdict: 'added',
    newlyAdmitted: c.newlyAdmitted,
    noLongerAdmitted: [],
    admitsMore: githubTrusted,
    unknownValues: unknownsOf(after.bounds),
    notes: githubTrusted ? [] : ['not GitHub-trusted'],
  };
}

function removed(before: DiffSide): RoleDiff {
  return {
    role: before.label,
    verdict: 'removed',
    newlyAdmitted: [],
    noLongerAdmitted: [],
    admitsMore: false,
    unknownValues: [],
    notes: [],
  };
}
