import type { GitHubSettings } from '../github/templates.js';
import { realisticWitness } from '../github/witness.js';
import { admits } from './admits.js';
import type { Comparison, PolicyDocument, Token } from './model.js';
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

/**
 * Exact comparison of the token sets two trust policies admit. Verdicts are about tokens GitHub can
 * issue; a difference only strings no GitHub token carries could show is returned as a note.
 */
export interface CompareOptions {
  github?: GitHubSettings;
}

export function compare(
  oldDoc: PolicyDocument,
  newDoc: PolicyDocument,
  options: CompareOptions = {},
): Comparison {
  const newlyAdmitted: Token[] = [];
  const noLongerAdmitted: Token[] = [];
  const notes: string[] = [];
  for (const provider of providersOf([oldDoc, newDoc], { unnamed: true })) {
    const space = buildSpace([oldDoc, newDoc], provider, {
      ...(options.github ? { github: options.github } : {}),
    });
    if (space.approximate) {
      notes.push(
        `${provider}: numeric, date, IP and ARN conditions and values with policy variables are compared as independent yes/no conditions, so the verdict may be wider than the truth`,
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
