import type { Finding } from '../findings/finding.js';
import { clip } from './clip.js';

/** Security Hub's limits on ProductFields; it adds keys of its own under `aws/`, so a few pairs are left to it. */
const MAX_PAIRS = 50;
const RESERVED_PAIRS = 3;
const MAX_KEY = 128;
const MAX_VALUE = 2048;

/** The key under which the names of the evidence fields that did not fit are listed. */
export const OMITTED_KEY = 'trustwatch/omitted';

/**
 * The finding's identity and its evidence (the witness of a widened trust among it) as ProductFields:
 * `trustwatch/<field>` for the finding's own fields, `trustwatch/evidence/<name>` for each evidence
 * field (text as it is, anything else as JSON), each value clipped to Security Hub's 2048 characters.
 * Fields past the pair limit are named under `trustwatch/omitted`, never dropped unsaid.
 */
export function evidenceFields(finding: Finding): Record<string, string> {
  const own: [string, string][] = [
    ['trustwatch/ruleId', finding.ruleId],
    ['trustwatch/fingerprint', finding.id],
    ['trustwatch/status', finding.status],
    ['trustwatch/resourceName', finding.resource.name],
    ...(finding.suppression
      ? ([
          ['trustwatch/suppressionReason', finding.suppression.reason],
          ['trustwatch/suppressionExpires', finding.suppression.expires],
        ] as [string, string][])
      : []),
  ];
  const evidence = Object.entries(finding.evidence)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]): [string, string] => [
      `trustwatch/evidence/${name}`,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]);
  const room = MAX_PAIRS - RESERVED_PAIRS - own.length;
  const fits = evidence.length <= room ? evidence : evidence.slice(0, room - 1);
  const omitted = evidence.slice(fits.length).map(([key]) => key.slice('trustwatch/evidence/'.length));
  const pairs: [string, string][] = [
    ...own,
    ...fits,
    ...(omitted.length > 0 ? [[OMITTED_KEY, omitted.join(', ')] as [string, string]] : []),
  ];
  return Object.fromEntries(pairs.map(([key, value]) => [clip(key, MAX_KEY), clip(value, MAX_VALUE)]));
}
