import type { GitHubSettings } from '../github/templates.js';
import { admits } from '../policy/admits.js';
import { compare } from '../policy/compare.js';
import type { Comparison, PolicyDocument, Token } from '../policy/model.js';
import { witnessText } from '../policy/token-text.js';

export interface Proof {
  comparison: Comparison;
  /** What does not hold, when something does not: the proposal must then not be made. */
  failure?: string;
}

/**
 * What makes a proposal safe to apply, checked rather than assumed: compare(current, proposed) is
 * narrower or equal (it admits nothing the current policy refuses), the proposal admits a token of
 * every observed subject, and each token compare gives as no longer admitted is admitted by the
 * current policy and refused by the proposal.
 */
export function prove(
  current: PolicyDocument,
  proposed: PolicyDocument,
  observed: readonly { subject: string; token: Token }[],
  github: GitHubSettings = {},
): Proof {
  const comparison = compare(current, proposed, { github });
  if (comparison.verdict !== 'narrower' && comparison.verdict !== 'equal')
    return { comparison, failure: `compare says ${comparison.verdict}` };
  const lost = observed.filter((o) => !admits(proposed, o.token));
  if (lost.length > 0)
    return {
      comparison,
      failure: `it would refuse ${lost.map((l) => `"${l.subject}"`).join(', ')}, which assumed the role`,
    };
  const wrong = comparison.noLongerAdmitted.find((t) => !admits(current, t) || admits(proposed, t));
  if (wrong)
    return { comparison, failure: `${witnessText(wrong)} is given as no longer admitted, but is not` };
  return { comparison };
}
