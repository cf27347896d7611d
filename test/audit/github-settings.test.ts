import { describe, expect, it, vi } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import type { Config } from '../../shared/config/config.js';
import { compare } from '../../shared/policy/compare.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { sampleAccount } from '../support/sample-account.js';

// The engine decides with the declared templates; here only that the audit hands them on is checked.
vi.mock('../../shared/policy/compare.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/policy/compare.js')>();
  return { ...original, compare: vi.fn(original.compare) };
});
vi.mock('../../shared/rules/lint.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../shared/rules/lint.js')>();
  return { ...original, lintPolicy: vi.fn(original.lintPolicy) };
});

describe('the audit and the configured GitHub settings', () => {
  it('passes config.github to every policy lint and every drift comparison', () => {
    const { snapshot, baseline, config } = sampleAccount();
    const github: Config['github'] = {
      subjectTemplates: { 'acme-corp': ['repo', 'context', 'job_workflow_ref'] },
    };
    runAudit(snapshot, { config: { ...config, github }, baseline });
    const lints = vi.mocked(lintPolicy).mock.calls;
    const compares = vi.mocked(compare).mock.calls;
    expect(lints.length).toBeGreaterThan(0);
    expect(compares.length).toBeGreaterThan(0);
    for (const [, options] of lints) expect(options?.github).toEqual(github);
    for (const [, , options] of compares) expect(options?.github).toEqual(github);
  });
});
