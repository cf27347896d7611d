import type { PolicyDocument } from './model.js';

/**
 * Owner names written literally in `sub`, `repository` or `repository_owner` values, as first written;
 * GitHub owner names are case-insensitive, so `Acme` and `acme` are one owner.
 */
export function ownerCandidates(policy: PolicyDocument): string[] {
  const out = new Map<string, string>();
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      const lower = c.key.toLowerCase();
      for (const v of c.values) {
        const found = lower.endsWith(':sub')
          ? [
              ...v.matchAll(/(?:^|:)repo:([^/@:*?]+)[/@]/gi),
              ...v.matchAll(/(?:^|:)repository_owner:([^:*?]+)(?::|$)/gi),
            ]
          : lower.endsWith(':repository')
            ? [...v.matchAll(/^([^/*?]+)\//g)]
            : [];
        for (const m of found) if (m[1] && !out.has(m[1].toLowerCase())) out.set(m[1].toLowerCase(), m[1]);
      }
    }
  }
  return [...out.values()].sort();
}

/** Whether two owner names are the same GitHub owner. */
export function sameOwner(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
