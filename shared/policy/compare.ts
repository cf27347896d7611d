import type { GitHubSettings } from '../github/templates.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import { type BudgetOptions, withinBudget } from './budget.js';
import type { Comparison, PolicyDocument, Token } from './model.js';
import { callerSpace, principalCallers } from './principal-space.js';
import { tokenPrincipal } from './principals.js';
import {
  buildSpace,
  choiceRealistic,
  consistentToken,
  decide,
  providersOf,
  searchChoices,
  tokenOf,
} from './space.js';

const MAX_WITNESSES = 3;

export interface CompareOptions {
  github?: GitHubSettings;
  /** How much search the comparison may do (see budget.ts); beyond it, ComplexityError. */
  budget?: BudgetOptions;
}

/**
 * Exact comparison of what two trust policies admit: OIDC tokens of every provider, and requests of
 * every other principal (accounts, roles, users, services, SAML providers) with their request context.
 * Verdicts are about tokens GitHub can issue; a difference only strings no GitHub token carries could
 * show is returned as a note.
 */
export function compare(
  oldDoc: PolicyDocument,
  newDoc: PolicyDocument,
  options: CompareOptions = {},
): Comparison {
  return withinBudget(options.budget, () => compareWithin(oldDoc, newDoc, options));
}

function compareWithin(oldDoc: PolicyDocument, newDoc: PolicyDocument, options: CompareOptions): Comparison {
  const newlyAdmitted: Token[] = [];
  const noLongerAdmitted: Token[] = [];
  const notes: string[] = [];
  const policies = [oldDoc, newDoc];
  const spaces = [
    ...providersOf(policies, { unnamed: true }).map((provider) =>
      buildSpace(policies, provider, { ...(options.github ? { github: options.github } : {}) }),
    ),
    // Trust is not only web identities: every account, role, user, service and SAML provider too.
    ...principalCallers(policies).map((caller) => callerSpace(policies, caller)),
  ];
  for (const space of spaces) {
    if (space.approximate) {
      const who = space.caller ? JSON.stringify(tokenPrincipal(space.caller)) : space.provider;
      notes.push(
        `${who}: numeric, date, IP and ARN conditions and values with policy variables are compared as independent yes/no conditions, so the verdict may be wider than the truth`,
      );
    }
    const collect = (from: number, to: number, out: Token[]) => {
      const holds = (t: Token) =>
        admits(to === 1 ? newDoc : oldDoc, t) && !admits(from === 0 ? oldDoc : newDoc, t);
      let unrealistic: Token | undefined;
      let found = 0;
      searchChoices(
        space,
        (choice) => {
          const a = decide(space, from, choice);
          const b = decide(space, to, choice);
          if (a === true || b === false) return false;
          return a === false && b === true ? true : undefined;
        },
        (choice) => {
          if (!choiceRealistic(space, choice)) {
            unrealistic ??= tokenOf(space, choice);
            return true;
          }
          const token = consistentToken(space, choice);
          if (!token) return true;
          out.push(realisticWitness(token, holds));
          return ++found < MAX_WITNESSES;
        },
      );
      if (found === 0 && unrealistic) {
        const which = to === 1 ? 'new' : 'old';
        notes.push(
          `only a value no GitHub token carries shows that the ${which} policy admits more: ${JSON.stringify(unrealistic.claims)}`,
        );
      }
    };
    collect(0, 1, newlyAdmitted);
    collect(1, 0, noLongerAdmitted);
  }
  const verdict =
    newlyAdmitted.length > 0 && noLongerAdmitted.length > 0
      ? 'incomparable'
      : newlyAdmitted.length > 0
        ? 'wider'
        : noLongerAdmitted.length > 0
          ? 'narrower'
          : 'equal';
  return { verdict, newlyAdmitted, noLongerAdmitted, notes };
}
