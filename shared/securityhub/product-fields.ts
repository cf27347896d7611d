import { factPairs, findingFacts } from '../findings/facts.js';
import type { Finding } from '../findings/finding.js';
import { clip } from './clip.js';

/** Security Hub's limits on ProductFields; it adds keys of its own under `aws/`, so a few pairs are left to it. */
const MAX_PAIRS = 50;
const RESERVED_PAIRS = 3;
const MAX_KEY = 128;
const MAX_VALUE = 2048;

const PREFIX = 'trustwatch/';
/** The key under which the facts that did not fit are named. */
export const OMITTED_KEY = `${PREFIX}omitted`;
/** The finding's own fields, which every finding has: never the ones left out. */
export const IDENTITY_KEYS = new Set(
  ['ruleId', 'fingerprint', 'status', 'resourceName', 'suppressionReason', 'suppressionExpires'].map(
    (k) => `${PREFIX}${k}`,
  ),
);

/**
 * The finding's identity and what it says as ProductFields: `trustwatch/<field>` for the finding's own
 * fields, then one pair a fact of the shared facts (the witness among them; the same facts, in the same
 * order, as the email and Slack show), keyed by the evidence field it reads (`trustwatch/keyId`,
 * `trustwatch/event.who`), each value clipped to Security Hub's 2048 characters. Facts past the pair
 * limit are named under `trustwatch/omitted`, never dropped unsaid.
 */
export function productFields(finding: Finding): Record<string, string> {
  const own: [string, string][] = [
    ['ruleId', finding.ruleId],
    ['fingerprint', finding.id],
    ['status', finding.status],
    ['resourceName', finding.resource.name],
    ...(finding.suppression
      ? ([
          ['suppressionReason', finding.suppression.reason],
          ['suppressionExpires', finding.suppression.expires],
        ] as [string, string][])
      : []),
  ];
  const facts = factPairs(findingFacts(finding), { maxChars: MAX_VALUE }).map(
    ({ key, text }): [string, string] => [key, text],
  );
  const room = MAX_PAIRS - RESERVED_PAIRS - own.length;
  const fits = facts.length <= room ? facts : facts.slice(0, room - 1);
  const omitted = facts.slice(fits.length).map(([key]) => key);
  const pairs: [string, string][] = [
    ...own,
    ...fits,
    ...(omitted.length > 0 ? [['omitted', omitted.join(', ')] as [string, string]] : []),
  ];
  return Object.fromEntries(
    pairs.map(([key, value]) => [clip(`${PREFIX}${key}`, MAX_KEY), clip(value, MAX_VALUE)]),
  );
}
