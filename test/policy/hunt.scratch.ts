import fc from 'fast-check';
import { compare } from '../../shared/policy/compare.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { isIssuableToken, namedOwners } from '../support/github-subject.js';
import { oracleAdmits } from '../support/iam-oracle.js';
import { policyPairArb } from '../support/policy-arbitraries.js';
import { renderPolicy } from '../support/policy-spec.js';
import { githubTokenNearArb } from '../support/token-arbitraries.js';

const caseArb = policyPairArb.chain(([a, b]) =>
  fc.tuple(
    fc.constant(a),
    fc.constant(b),
    fc.array(githubTokenNearArb([a, b]), { minLength: 40, maxLength: 40 }),
  ),
);
let fails = 0;
fc.assert(
  fc.property(caseArb, ([a, b, probes]) => {
    const o = renderPolicy(a),
      n = renderPolicy(b);
    const r = compare(parsePolicy(o).document, parsePolicy(n).document);
    const named = namedOwners(o, n);
    for (const t of probes.filter((t) => isIssuableToken(t, named))) {
      const byOld = oracleAdmits(o, t),
        byNew = oracleAdmits(n, t);
      if (byNew && !byOld && !(r.verdict === 'wider' || r.verdict === 'incomparable')) {
        console.log('MISSED WIDENING', JSON.stringify({ o, n, v: r.verdict, t }));
        fails++;
        return false;
      }
      if (byOld && !byNew && !(r.verdict === 'narrower' || r.verdict === 'incomparable')) {
        console.log('MISSED NARROWING', JSON.stringify({ o, n, v: r.verdict, t }));
        fails++;
        return false;
      }
    }
    return true;
  }),
  { numRuns: 3000, endOnFailure: true },
);
