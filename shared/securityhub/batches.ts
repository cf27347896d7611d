import { ASFF_LIMITS, type AsffFinding } from './asff.js';
import { IDENTITY_KEYS, OMITTED_KEY } from './product-fields.js';

/** The size Security Hub counts: the finding's JSON in UTF-8. */
export function findingBytes(finding: AsffFinding): number {
  return Buffer.byteLength(JSON.stringify(finding), 'utf8');
}

/**
 * The finding, within Security Hub's 240 KB a finding: when its facts make it larger (2048 characters
 * a value can be 8 KB of UTF-8), the largest facts are left out, largest first, and named under
 * `trustwatch/omitted`, so that the finding still goes in with the rest of what it says.
 */
export function withinFindingLimit(
  finding: AsffFinding,
  limit: number = ASFF_LIMITS.findingBytes,
): AsffFinding {
  if (findingBytes(finding) <= limit) return finding;
  const fields = { ...finding.ProductFields };
  const omitted = fields[OMITTED_KEY] ? fields[OMITTED_KEY].split(', ') : [];
  const facts = Object.keys(fields)
    .filter((key) => !IDENTITY_KEYS.has(key) && key !== OMITTED_KEY)
    .sort((a, b) => Buffer.byteLength(fields[b] ?? '') - Buffer.byteLength(fields[a] ?? ''));
  let fitted = finding;
  for (const key of facts) {
    delete fields[key];
    omitted.push(key.slice('trustwatch/'.length));
    fitted = { ...finding, ProductFields: { ...fields, [OMITTED_KEY]: omitted.join(', ') } };
    if (findingBytes(fitted) <= limit) return fitted;
  }
  return fitted;
}

/**
 * The findings in BatchImportFindings requests: at most 100 a request and 6 MB of findings a
 * request, each finding within its own limit, in their order.
 */
export function importBatches(
  findings: AsffFinding[],
  limits: Pick<typeof ASFF_LIMITS, 'findingsPerRequest' | 'requestBytes' | 'findingBytes'> = ASFF_LIMITS,
): AsffFinding[][] {
  const batches: AsffFinding[][] = [];
  let batch: AsffFinding[] = [];
  // Room for the request's own wrapping: {"Findings":[…]} and the commas.
  let bytes = 16;
  for (const original of findings) {
    const finding = withinFindingLimit(original, limits.findingBytes);
    const size = findingBytes(finding) + 1;
    if (
      batch.length > 0 &&
      (batch.length >= limits.findingsPerRequest || bytes + size > limits.requestBytes)
    ) {
      batches.push(batch);
      batch = [];
      bytes = 16;
    }
    batch.push(finding);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
