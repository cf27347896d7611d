import { isGitHubProvider } from '../github/claims.js';
import type { Domain } from '../github/grammar.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import type { PolicyDocument, Statement, Token } from './model.js';
import { buildSpace, choiceRealistic, decide, providersOf, searchChoices, tokenOf } from './space.js';

/** Limits a question to tokens whose claim matches one of the StringLike patterns. */
export interface Restriction {
  claim: string;
  patterns: string[];
}

/**
 * A realistic GitHub token the policy admits within the restrictions, or undefined. The restrictions
 * become Deny statements (`StringNotLike`), so the exact engine answers the narrower question.
 */
export function findAdmitted(
  policy: PolicyDocument,
  restrictions: Restriction[] = [],
  domains?: Record<string, Domain>,
): Token | undefined {
  for (const provider of providersOf([policy]).filter(isGitHubProvider)) {
    const denies: Statement[] = restrictions.map((r, i) => ({
      index: policy.statements.length + i,
      effect: 'Deny',
      principal: '*',
      action: ['sts:AssumeRoleWithWebIdentity'],
      conditions: [{ operator: 'StringNotLike', base: 'StringNotLike', ifExists: false, key: `${provider}:${r.claim}`, values: r.patterns }],
    }));
    const restricted: PolicyDocument = { ...policy, statements: [...policy.statements, ...denies] };
    const space = buildSpace([restricted], provider, domains ? { domains, extraClaims: Object.keys(domains) } : {});
    let found: Token | undefined;
    searchChoices(
      space,
      (choice) => decide(space, 0, choice),
      (choice) => {
        if (!choiceRealistic(space, choice)) return true;
        found = tokenOf(space, choice);
        return false;
      },
    );
    if (found) return realisticWitness(found, (t) => admits(restricted, t));
  }
  return undefined;
}

/** A name made of characters no value in the policy mentions: it stands for every name nobody wrote down. */
export function freshName(policy: PolicyDocument): string {
  const used = new Set(policy.statements.flatMap((s) => s.conditions.flatMap((c) => [...c.values.join('')])));
  const pool = [...'zqxjkvwybfghmpdlucntrsoaie0123456789'].filter((c) => !used.has(c) && !used.has(c.toUpperCase()));
  return pool.slice(0, 6).join('') || 'fresh';
}

/**
 * Whether the policy refuses some value a GitHub token can carry in `claim`, whatever the other claims
 * are: false means the claim does not restrict who gets in.
 */
export function restrictsClaim(policy: PolicyDocument, provider: string, claim: string): boolean {
  const space = buildSpace([policy], provider, { extraClaims: [claim] });
  const k = space.keys.findIndex((key) => key.kind === 'claim' && key.name === claim);
  const options = space.keys[k]?.options ?? [];
  return options.some((option, o) => {
    if (!option.realistic) return false;
    let admitted = false;
    searchChoices(
      space,
      (choice) => (choice[k] !== -1 && choice[k] !== o ? false : decide(space, 0, choice)),
      () => {
        admitted = true;
        return false;
      },
    );
    return !admitted;
  });
}

export function admitsAny(policy: PolicyDocument, provider: string): boolean {
  const space = buildSpace([policy], provider);
  let admitted = false;
  searchChoices(
    space,
    (choice) => decide(space, 0, choice),
    (choice) => {
      admitted = choiceRealistic(space, choice);
      return !admitted;
    },
  );
  return admitted;
}
