import type { AssumptionCount } from '../findings/store.js';
import { DEFAULT_AUDIENCE, GITHUB_PROVIDER, isGitHubProvider } from '../github/claims.js';
import type { GitHubSettings } from '../github/templates.js';
import { admits } from '../policy/admits.js';
import { explain } from '../policy/explain.js';
import { TRUST_POLICY_DEFAULT_CHARS, trustPolicyLength } from '../policy/limits.js';
import type { PolicyDocument, Token, Verdict } from '../policy/model.js';
import { parsePolicy } from '../policy/parse.js';
import { AdmittedTokens, findAdmitted } from '../policy/query.js';
import { providersOf } from '../policy/space.js';
import { type ActivityCheck, checkActivity } from './guardrails.js';
import { type ObservationWindow, type ObservedSubject, observedSubjects } from './observed.js';
import { prove } from './proof.js';
import { type KeptStatement, passesSubjectConditions, proposeTrust } from './proposal.js';
import { observedToken } from './token.js';

export interface TightenInput {
  /** The role whose activity is read; null for a policy file no role is named for. */
  role: string | null;
  /** The current trust policy as IAM holds it (a parsed JSON object). */
  policy: Record<string, unknown>;
  /** Assumption counters covering at least the window. */
  counts: readonly AssumptionCount[];
  window: ObservationWindow;
  minDays?: number;
  /** Propose even with too little activity; the result says it was forced. */
  force?: boolean;
  github?: GitHubSettings;
}

/** An observed subject the proposal still admits. */
export interface StillAdmitted {
  subject: string;
  /**
   * Whether a token with the subject was checked with `admits` against both policies. False when the
   * engine found none the current policy admits (a claim GitHub sets per run, such as a pull request's
   * number, that a condition pins): the subject is kept as its `sub` conditions let it in, and every
   * other condition stays, so the proposal admits it exactly when the current policy did.
   */
  checked: boolean;
  assumptions: number;
  firstSeen: string;
  lastSeen: string;
}

/** An observed subject the proposal does not add, with why the current policy refuses it. */
export interface NotAdded {
  subject: string;
  /** `refused-only`: seen only in refused attempts; `refused-now`: it got in, but the policy refuses it now. */
  why: 'refused-only' | 'refused-now';
  succeeded: number;
  denied: number;
  diagnosis: string[];
}

export interface ObservedWindow extends ActivityCheck {
  /** A proposal made with too little activity, because it was asked for. */
  forced: boolean;
  notAdded: NotAdded[];
}

export interface TightenResult {
  role: string | null;
  current: Record<string, unknown>;
  /** Null when no proposal is made (see `observedWindow.refusal`, `refusal`). */
  proposed: Record<string, unknown> | null;
  /** `compare(current, proposed)`: narrower, or equal when there is nothing to tighten. */
  verdict: Extract<Verdict, 'narrower' | 'equal'> | 'no-proposal';
  stillAdmitted: StillAdmitted[];
  /** Tokens the current policy admits and the proposal refuses: the risk removed. */
  noLongerAdmitted: Token[];
  observedWindow: ObservedWindow;
  /** Statements copied as they were, and GitHub statements no observed subject used. */
  kept: KeptStatement[];
  dropped: KeptStatement[];
  /** Why there is no proposal, when there is none. */
  refusal?: string;
  notes: string[];
}

/**
 * The narrowest trust policy that still admits every subject that assumed the role in the window,
 * with the proof: compare(current, proposed) is narrower or equal, every observed subject the current
 * policy admits is admitted by the proposal, and tokens the proposal no longer admits.
 */
export function tighten(input: TightenInput): TightenResult {
  const current = parsePolicy(input.policy).document;
  const github = input.github ?? {};
  const observed = observedSubjects(input.counts, input.role ?? '', input.window);
  const activity = checkActivity(input.role === null ? [] : observed, input.window, input.minDays);
  const providers = githubProviders(current);
  const admitted = new Map<string, { token: Token | undefined; seen: ObservedSubject }>();
  const notAdded: NotAdded[] = [];
  for (const seen of observed) {
    const token = seen.succeeded > 0 ? admittedToken(current, seen.subject, providers, github) : undefined;
    // It got in: keep it when the policy's subject conditions still let it in, even with no token to show.
    if (token || (seen.succeeded > 0 && passesSubjectConditions(current, seen.subject))) {
      admitted.set(seen.subject, { token, seen });
      continue;
    }
    const probe = observedToken(seen.subject, providers[0] as string);
    notAdded.push({
      subject: seen.subject,
      why: seen.succeeded > 0 ? 'refused-now' : 'refused-only',
      succeeded: seen.succeeded,
      denied: seen.denied,
      diagnosis: explain(current, probe, { github }).reasons,
    });
  }
  const forced = activity.refusal !== undefined && input.force === true;
  const base: TightenResult = {
    role: input.role,
    current: input.policy,
    proposed: null,
    verdict: 'no-proposal',
    stillAdmitted: [],
    noLongerAdmitted: [],
    observedWindow: { ...activity, forced, notAdded },
    kept: [],
    dropped: [],
    notes: [],
  };
  if (input.role === null)
    return {
      ...base,
      refusal: 'no role is named, so no activity is known: give the role whose assumptions to read',
    };
  if (activity.refusal && !forced) return { ...base, refusal: activity.refusal };
  if (admitted.size === 0)
    return {
      ...base,
      refusal: 'the current policy admits none of the subjects that assumed the role in the window',
    };

  const proposal = proposeTrust(input.policy, current, [...admitted.keys()], (sub, provider) => {
    if (admits(current, observedToken(sub, provider))) return true;
    const fixed = { sub, aud: DEFAULT_AUDIENCE };
    return new AdmittedTokens(current, { narrower: { fixed }, github }).find([], { provider }) !== undefined;
  });
  const proposed = parsePolicy(proposal.document).document;
  const { comparison, failure } = prove(
    current,
    proposed,
    [...admitted.entries()].flatMap(([subject, { token }]) => (token ? [{ subject, token }] : [])),
    github,
  );
  const stillAdmitted = [...admitted.values()].map(({ seen, token }) => ({
    subject: seen.subject,
    checked: token !== undefined,
    assumptions: seen.succeeded,
    firstSeen: seen.firstSeen,
    lastSeen: seen.lastSeen,
  }));
  const result = { ...base, kept: proposal.kept, dropped: proposal.dropped, notes: comparison.notes };
  if (failure)
    return { ...result, refusal: `the proposal could not be proven safe (${failure}); please report this` };
  const verdict = comparison.verdict as 'narrower' | 'equal';
  const notes = [...comparison.notes];
  const length = trustPolicyLength(proposal.document);
  if (verdict === 'narrower' && length > TRUST_POLICY_DEFAULT_CHARS)
    notes.push(
      `the proposal is ${length} characters (white space not counted): over IAM's default quota of ${TRUST_POLICY_DEFAULT_CHARS}, so the account needs the "Role trust policy length" quota raised`,
    );
  return {
    ...result,
    notes,
    // Equal: the policy already admits no more than what runs; it stays as it is.
    proposed: verdict === 'equal' ? input.policy : proposal.document,
    verdict,
    stillAdmitted,
    noLongerAdmitted: comparison.noLongerAdmitted,
  };
}

/**
 * The GitHub providers whose tokens the policy may admit: those it names, and with a wildcard
 * principal GitHub's own and one standing for every other (the counters do not say which issued a token).
 */
function githubProviders(policy: PolicyDocument): string[] {
  const providers = providersOf([policy], { unnamed: true }).filter(isGitHubProvider);
  return providers.length > 0 ? providers : [GITHUB_PROVIDER];
}

/**
 * A token with this subject that the current policy admits: the one the counters describe (see
 * `observedToken`), or when the policy asks more of other claims, one the engine finds.
 */
function admittedToken(
  policy: PolicyDocument,
  subject: string,
  providers: string[],
  github: GitHubSettings,
): Token | undefined {
  // The audience configure-aws-credentials asks for first, then each one the policy names exactly.
  const audiences = [
    DEFAULT_AUDIENCE,
    ...policy.statements.flatMap((s) =>
      s.conditions.filter((c) => /:aud$/i.test(c.key) && !c.base.includes('Like')).flatMap((c) => c.values),
    ),
  ];
  for (const provider of providers) {
    for (const aud of new Set(audiences)) {
      const token = observedToken(subject, provider, aud);
      if (admits(policy, token)) return token;
    }
  }
  return findAdmitted(policy, [], { fixed: { sub: subject } }, github);
}
