import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { auditJson, auditMarkdown, auditTable } from '../../cli/format/audit.js';
import { toJson } from '../../cli/format/json.js';
import { auditSarif } from '../../cli/format/sarif.js';
import { Spool } from '../../cli/format/spool.js';
import { canonicalJson, LintCache, type LintOutcome } from '../../cli/lint-cache.js';
import { isFileError, type LintResult } from '../../cli/model.js';
import type { AuditResult } from '../../shared/audit/audit.js';
import type { Finding } from '../../shared/findings/finding.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { POLICY_RULES } from '../../shared/rules/catalog.js';
import { renderLint } from '../support/lint-output.js';
import { CLEAN_SUB, trustPolicy } from './run.js';

// Past the ~120,000 arguments at which a spread into a call overflows the stack.
const FINDINGS = 200_000;
const PER_POLICY = 4;
const POLICIES = FINDINGS / PER_POLICY;
// More than a spool keeps in memory, so the errors sections are read back from its file.
const UNREADABLE = 1_500;

/** 50,000 policies of 4 findings each, with 1,500 unreadable files among them. */
function lintResults(): LintResult[] {
  const results: LintResult[] = [];
  for (let p = 0; p < POLICIES; p++) {
    const findings = Array.from({ length: PER_POLICY }, (_, k) => {
      const rule = POLICY_RULES[(p + k) % POLICY_RULES.length] as (typeof POLICY_RULES)[number];
      return { ruleId: rule.id, severity: rule.severity, message: `finding ${p}.${k}`, evidence: { p, k } };
    });
    results.push({ file: `roles.json#role-${p}`, path: 'roles.json', role: `role-${p}`, findings });
    if (p % 33 === 0 && p / 33 < UNREADABLE)
      results.push({ file: `broken-${p}.json`, path: `broken-${p}.json`, error: 'invalid JSON' });
  }
  return results;
}

const lines = (text: string, pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l));

describe('lint output at 200,000 findings', () => {
  const results = lintResults();
  const errors = results.filter(isFileError);
  const errorsText = errors.map((e) => `${e.file}: ${e.error}`);

  it('builds the run the tests below assume', () => {
    expect(errors).toHaveLength(UNREADABLE);
    expect(results.length - errors.length).toBe(POLICIES);
  });

  it('table: one line a finding, the unreadable files in place, and the totals last', () => {
    const text = renderLint('table', results);
    expect(lines(text, /^ {2}(CRITICAL|HIGH|MEDIUM|LOW|INFO) /)).toHaveLength(FINDINGS);
    expect(lines(text, /^ {2}ERROR /)).toHaveLength(UNREADABLE);
    expect(text.split('\n').at(-2)).toMatch(
      new RegExp(`^${POLICIES} policies checked, findings: .*; ${UNREADABLE} files could not be read$`),
    );
  });

  it('markdown: one row a finding, then the totals and every unreadable file in order', () => {
    const text = renderLint('markdown', results);
    expect(lines(text, /^\| \*\*/)).toHaveLength(FINDINGS);
    const [, unreadable = ''] = text.split('### Could not be read\n\n');
    expect(unreadable.trimEnd().split('\n')).toEqual(errorsText.map((e) => `- ${e.replaceAll('_', '\\_')}`));
  });

  it('json: byte for byte the document rendered whole', () => {
    const text = renderLint('json', results);
    const whole = toJson({
      results: results.map((r) =>
        isFileError(r) ? { file: r.file, error: r.error } : { file: r.file, findings: r.findings },
      ),
    });
    expect(text === whole).toBe(true);
    expect(renderLint('json', [])).toBe(toJson({ results: [] }));
  });

  it('sarif: valid JSON, every finding a result, every unreadable file a notification', () => {
    const text = renderLint('sarif', results);
    const log = JSON.parse(text) as {
      runs: {
        results: { ruleId: string }[];
        invocations: {
          executionSuccessful: boolean;
          toolExecutionNotifications: { message: { text: string } }[];
        }[];
      }[];
    };
    const [run] = log.runs;
    expect(run?.results).toHaveLength(FINDINGS);
    expect(run?.invocations).toHaveLength(1);
    expect(run?.invocations[0]?.executionSuccessful).toBe(false);
    expect(run?.invocations[0]?.toolExecutionNotifications.map((n) => n.message.text)).toEqual(errorsText);
    const clean = JSON.parse(renderLint('sarif', [])) as typeof log;
    expect(clean.runs[0]?.results).toEqual([]);
    expect(clean.runs[0]?.invocations).toEqual([
      { executionSuccessful: true, toolExecutionNotifications: [] },
    ]);
  });

  it('audit formats: every finding in the table, markdown, JSON and SARIF', () => {
    const findings: Finding[] = Array.from({ length: FINDINGS }, (_, i) => ({
      id: `f${i}`,
      ruleId: 'oidc.any-owner',
      severity: 'critical',
      title: 'any owner',
      resource: { type: 'role', arn: `arn:aws:iam::123456789012:role/r${i}`, name: `r${i}` },
      account: '123456789012',
      region: 'global',
      message: `finding ${i}`,
      evidence: {},
      remediation: 'pin the owner',
      firstSeen: '2026-12-01T00:00:00Z',
      lastSeen: '2026-12-01T00:00:00Z',
      status: 'open',
    }));
    const audit: AuditResult = {
      account: '123456789012',
      findings,
      gaps: [],
      stats: {
        roles: FINDINGS,
        githubTrustedRoles: FINDINGS,
        users: 0,
        ciUsers: 0,
        activeKeys: 0,
        open: { critical: FINDINGS, high: 0, medium: 0, low: 0, info: 0 },
        suppressed: 0,
        baseline: true,
      },
    };
    expect(lines(auditTable(audit, false), /^CRITICAL +oidc\.any-owner +finding \d+$/)).toHaveLength(
      FINDINGS,
    );
    expect(lines(auditMarkdown(audit), /^\| critical \| `oidc\.any-owner` \|/)).toHaveLength(FINDINGS);
    expect((JSON.parse(auditJson(audit)) as AuditResult).findings).toHaveLength(FINDINGS);
    const sarif = JSON.parse(auditSarif(audit, '0.0.0', undefined)) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]?.results).toHaveLength(FINDINGS);
  });
});

describe('Spool', () => {
  it('gives back every record in order, past what it keeps in memory, and removes its file', () => {
    const spoolDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('trustwatch-spool-')).length;
    const before = spoolDirs();
    const spool = new Spool<{ n: number; text: string }>(2);
    // Long multi-byte text: records straddle the chunks the file is read back in.
    const records = Array.from({ length: 5_000 }, (_, n) => ({ n, text: `é€😀${'ü'.repeat(n % 97)}` }));
    for (const r of records) spool.push(r);
    expect(spoolDirs()).toBe(before + 1);
    expect([...spool.drain()]).toEqual(records);
    expect(spoolDirs()).toBe(before);
    expect([...spool.drain()]).toEqual([]);
  });
});

describe('LintCache', () => {
  const counting = () => {
    let analysed = 0;
    const analyse = (): LintOutcome => {
      analysed++;
      return { findings: [] };
    };
    return { analyse, analysed: () => analysed };
  };
  const policy = trustPolicy(CLEAN_SUB);

  it('analyses a policy once whatever its white space, key order or encoding; options and content tell apart', () => {
    const cache = new LintCache();
    const { analyse, analysed } = counting();
    const reordered = JSON.parse(JSON.stringify(policy), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    );
    for (const spelling of [
      JSON.stringify(policy),
      JSON.stringify(policy, null, 4),
      encodeURIComponent(JSON.stringify(policy)),
      JSON.stringify(reordered),
    ])
      cache.outcome(parsePolicy(spelling), {}, analyse);
    expect(analysed()).toBe(1);
    cache.outcome(parsePolicy(policy), { allowedOwners: ['my-org'] }, analyse);
    cache.outcome(parsePolicy(trustPolicy('repo:*', 'StringLike')), {}, analyse);
    expect(analysed()).toBe(3);
  });

  it('returns the outcome first computed, errors included', () => {
    const cache = new LintCache();
    const refused: LintOutcome = { error: 'too complex' };
    expect(cache.outcome(parsePolicy(policy), {}, () => refused)).toBe(refused);
    expect(cache.outcome(parsePolicy(policy), {}, () => ({ findings: [] }))).toBe(refused);
  });

  it('keeps at most its number of entries, dropping the least recently used', () => {
    const cache = new LintCache(2);
    const { analyse, analysed } = counting();
    const [a, b, c] = ['a', 'b', 'c'].map((name) =>
      parsePolicy(trustPolicy(`repo:${name}/x:ref:refs/heads/main`)),
    );
    if (!a || !b || !c) throw new Error('three policies');
    cache.outcome(a, {}, analyse);
    cache.outcome(b, {}, analyse);
    cache.outcome(a, {}, analyse); // a is now the most recent
    cache.outcome(c, {}, analyse); // evicts b
    expect(analysed()).toBe(3);
    cache.outcome(a, {}, analyse);
    expect(analysed()).toBe(3);
    cache.outcome(b, {}, analyse);
    expect(analysed()).toBe(4);
  });

  it('keys by canonical JSON: object keys sorted, arrays kept in order, undefined as JSON.stringify leaves it', () => {
    expect(canonicalJson({ b: [2, undefined, { d: 1, c: '"' }], a: undefined, e: null })).toBe(
      '{"b":[2,null,{"c":"\\"","d":1}],"e":null}',
    );
  });
});
