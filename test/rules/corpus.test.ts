import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../shared/policy/parse.js';
import { lintPolicy } from '../../shared/rules/lint.js';

// Real published trust policies (test/fixtures/trust-policies/PROVENANCE.md), each with the findings a
// careful reviewer expects (index.json, written independently of the engine).
const dir = join(import.meta.dirname, '../fixtures/trust-policies');
interface Entry {
  id: string;
  file: string | null;
  expected: { fires: string[]; doesNotFire: string[] };
}
const entries = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { entries: Entry[] }).entries;

/**
 * Where the engine deliberately differs from the reviewer: unrendered template placeholders. IAM reads
 * `${NAME}` (Version 2012-10-17) as a policy variable that a web identity request never sets, and
 * without a Version as literal `$`, `{`, `}` that no GitHub owner or repository name contains; either way
 * the value admits nothing, which is what the engine reports.
 */
const PLACEHOLDER_POLICIES: Record<string, string[]> = {
  'kcrane3576-pull_request-sub': ['oidc.unmatchable-subject'],
  'configure-aws-credentials-readme-2021-10-18': ['oidc.no-audience', 'oidc.unmatchable-subject'],
  'configure-aws-credentials-readme-2023-03-13': ['oidc.unmatchable-subject'],
  'configure-aws-credentials-example-cfn-role': ['oidc.no-audience', 'oidc.unmatchable-subject'],
  'tulna07-template-repo-wildcard': ['oidc.unmatchable-subject'],
  'infojasyrc-template-placeholders': ['oidc.unmatchable-subject'],
  'issue-cac-331-terraform-heredoc-branch-and-pr': ['oidc.no-audience', 'oidc.unmatchable-subject'],
};
const KNOWN_DIFFERENCES = PLACEHOLDER_POLICIES;

/**
 * Where issue 11 decided a rule reports at low what the reviewer left unflagged: ForAllValues on iss and
 * aud, which every GitHub token satisfies, is still the trap of an absent key, reported at low.
 */
const LOW_ONLY: Record<string, string[]> = {
  'terraform-aws-modules-iam-role-github-statement': ['oidc.for-all-values'],
};

describe('real-world trust policy corpus', () => {
  it('covers every JSON-expressible entry', () => {
    expect(entries.filter((e) => e.file).length).toBeGreaterThanOrEqual(80);
  });
  for (const entry of entries.filter((e) => e.file && !KNOWN_DIFFERENCES[e.id])) {
    it(entry.id, () => {
      const parsed = parsePolicy(readFileSync(join(dir, entry.file as string), 'utf8'));
      const findings = lintPolicy(parsed);
      const fired = new Set(findings.map((f) => f.ruleId));
      for (const rule of entry.expected.fires) expect(fired, `${rule} should fire`).toContain(rule);
      for (const rule of entry.expected.doesNotFire) {
        if (!LOW_ONLY[entry.id]?.includes(rule)) {
          expect(fired, `${rule} should not fire`).not.toContain(rule);
          continue;
        }
        const severities = findings.filter((f) => f.ruleId === rule).map((f) => f.severity);
        expect(severities.length, `${rule} fires at low`).toBeGreaterThan(0);
        expect(new Set(severities), `${rule} fires only at low`).toEqual(new Set(['low']));
      }
    });
  }
  for (const [id, rules] of Object.entries(PLACEHOLDER_POLICIES)) {
    it(`${id} (template placeholders admit nothing as written)`, () => {
      const entry = entries.find((e) => e.id === id) as Entry;
      const parsed = parsePolicy(readFileSync(join(dir, entry.file as string), 'utf8'));
      const fired = [...new Set(lintPolicy(parsed).map((f) => f.ruleId))];
      expect(fired).toEqual(expect.arrayContaining(rules));
      expect(fired).not.toContain('oidc.any-owner');
    });
  }
});
