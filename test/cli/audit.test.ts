import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { SnapshotSchema } from '../../shared/inventory/snapshot.js';
import {
  CLEAN_SUB,
  ensureBuilt,
  json,
  SAMPLE,
  SAMPLE_FILES,
  tempFiles,
  trustPolicy,
  trustwatch,
} from './run.js';

/** An account with one well-pinned role and nothing else: no finding at all. */
const cleanSnapshot = SnapshotSchema.parse({
  schemaVersion: 1,
  account: '123456789012',
  collectedAt: '2026-11-01T00:00:00.000Z',
  roles: [
    {
      name: 'deploy',
      arn: 'arn:aws:iam::123456789012:role/deploy',
      path: '/',
      trustPolicy: trustPolicy(CLEAN_SUB),
      maxSessionDuration: 3600,
      attachedPolicies: [],
      inlinePolicies: [],
    },
  ],
  oidcProviders: [],
  users: [],
});

beforeAll(ensureBuilt);

describe('trustwatch audit', () => {
  it('prints the documented JSON and exits 1 on open findings at or above high', () => {
    const run = trustwatch(['audit', ...SAMPLE_FILES, '--format', 'json']);
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as {
      account: string;
      findings: { ruleId: string; status: string }[];
      stats: object;
      gaps: unknown[];
    };
    expect(Object.keys(out)).toEqual(['account', 'findings', 'stats', 'gaps']);
    expect(out.account).toBe('111122223333');
    expect(out.findings.find((f) => f.ruleId === 'drift.trust-wider')?.status).toBe('open');
    expect(out.findings.find((f) => f.ruleId === 'role.admin-permissions')?.status).toBe('suppressed');
  });

  it('exits 0 for an account with nothing to report, and by --fail-on', () => {
    const { dir, cleanup } = tempFiles({ 'snapshot.json': json(cleanSnapshot) });
    try {
      const run = trustwatch(['audit', '--snapshot', join(dir, 'snapshot.json')]);
      expect(run.stdout).toMatch(/open findings: none/);
      expect(run.stdout).toMatch(/no baseline given/);
      expect(run.status).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('rejects a file it does not understand, naming the file and the field (exit 2)', () => {
    const { dir, cleanup } = tempFiles({
      'bad.json': json({ ...cleanSnapshot, schemaVersion: 9 }),
      'cfg.json': json({ maxKeyAgeDays: -1 }),
    });
    try {
      const snapshot = trustwatch(['audit', '--snapshot', join(dir, 'bad.json')]);
      expect(snapshot.status).toBe(2);
      expect(snapshot.stderr).toMatch(/bad\.json: schemaVersion/);
      const config = trustwatch([
        'audit',
        '--snapshot',
        `${SAMPLE}/snapshot.json`,
        '--config',
        join(dir, 'cfg.json'),
      ]);
      expect(config.status).toBe(2);
      expect(config.stderr).toMatch(/cfg\.json: maxKeyAgeDays/);
    } finally {
      cleanup();
    }
  });

  it('writes SARIF that points every result at a catalog rule and the resource ARN', () => {
    const run = trustwatch(['audit', ...SAMPLE_FILES, '--format', 'sarif']);
    const sarif = JSON.parse(run.stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          locations: { logicalLocations: { fullyQualifiedName: string }[] }[];
          suppressions?: unknown[];
        }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const [runResult] = sarif.runs;
    for (const r of runResult?.results ?? []) {
      expect(runResult?.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
      expect(r.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toMatch(/^arn:aws:iam::111122223333:/);
    }
    expect(runResult?.results.filter((r) => r.suppressions).length).toBe(1);
  });
});

describe('trustwatch baseline', () => {
  it('captures a baseline to review and commit, and diffs against one', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const out = join(dir, 'baseline.json');
      const capture = trustwatch([
        'baseline',
        'capture',
        '--snapshot',
        `${SAMPLE}/snapshot.json`,
        '--out',
        out,
      ]);
      expect(capture.status).toBe(0);
      expect(capture.stderr).toMatch(/12 GitHub-trusted roles/);
      const written = BaselineSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(written.ciRoles).toHaveLength(12);
      const same = trustwatch([
        'baseline',
        'diff',
        '--snapshot',
        `${SAMPLE}/snapshot.json`,
        '--baseline',
        out,
        '--format',
        'json',
      ]);
      expect(same.status).toBe(0);
      expect((JSON.parse(same.stdout) as { findings: unknown[] }).findings).toEqual([]);
      const drifted = trustwatch([
        'baseline',
        'diff',
        '--snapshot',
        `${SAMPLE}/snapshot.json`,
        '--baseline',
        `${SAMPLE}/baseline.json`,
        '--format',
        'json',
      ]);
      expect(drifted.status).toBe(1);
      const rules = (JSON.parse(drifted.stdout) as { findings: { ruleId: string }[] }).findings.map(
        (f) => f.ruleId,
      );
      expect(new Set(rules)).toEqual(
        new Set(['drift.trust-wider', 'drift.trust-narrower', 'drift.new-ci-role', 'drift.provider-changed']),
      );
    } finally {
      cleanup();
    }
  });
});
