/**
 * How much policy input trustwatch reads. A real trust policy is small: IAM's "Role trust policy
 * length" quota (Service Quotas L-C07B4B0D) is 2,048 characters by default and 8,192 at most when
 * raised, and IAM does not count white space. Anything larger cannot be a role's trust policy, and the
 * engine's work grows with a policy's size, so it is refused before it is analysed.
 */
export const TRUST_POLICY_DEFAULT_CHARS = 2048;
export const TRUST_POLICY_MAX_CHARS = 8192;

/** A trust policy nests five levels deep (Statement, statement, Condition, operator, values), list-roles output three more. */
export const MAX_JSON_DEPTH = 32;

/** list-roles output of thousands of roles fits many times over; reading more would only cost memory. */
export const MAX_POLICY_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Whether JSON text nests objects and arrays deeper than `limit`, found in one pass without parsing
 * (brackets inside strings do not count), so that a deeply nested file is refused before a recursive
 * parser overflows its stack on it.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** A trust policy's length as IAM counts it: its JSON without white space. */
export function trustPolicyLength(document: unknown): number {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return text.replace(/\s+/g, '').length;
}

/** Why a trust policy is too large for IAM, or undefined when IAM would take it. */
export function trustPolicySizeProblem(document: unknown): string | undefined {
  const length = trustPolicyLength(document);
  if (length <= TRUST_POLICY_MAX_CHARS) return undefined;
  return `the trust policy is ${length.toLocaleString('en-US')} characters (white space not counted): IAM takes at most ${TRUST_POLICY_DEFAULT_CHARS.toLocaleString('en-US')} (${TRUST_POLICY_MAX_CHARS.toLocaleString('en-US')} with the quota raised), so no role can hold it; not analysed`;
}
