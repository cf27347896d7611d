import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../shared/rules/catalog.js';
import { CLEAN_SUB, ensureBuilt, json, tempFiles, trustPolicy, trustwatch } from './run.js';

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: { name: string; version: string; informationUri: string; rules: Record<string, unknown>[] };
    };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: Record<string, unknown>[] }[];
    results: Record<string, unknown>[];
  }[];
}

const files = tempFiles({
  'good.json': json(trustPolicy(CLEAN_SUB)),
  'wide.json': json(trustPolicy(['repo:my-org/*', 'repo:*'], 'StringLike')),
  'low.json': json(trustPolicy('repo:my-org/app:environment:production')),
});
const sarif = (...args: string[]) => {
  const run = trustwatch(['lint', '--format', 'sarif', ...args], { cwd: files.dir });
  return { status: run.status, log: JSON.parse(run.stdout) as SarifLog };
};

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('trustwatch lint --format sarif', () => {
  it('is one SARIF 2.1.0 run whose driver lists every rule of the catalog with the metadata code scanning shows', () => {
    const { log } = sarif('good.json');
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]?.tool.driver;
    expect(driver).toMatchObject({ name: 'trustwatch', version: '0.1.0' });
    expect(driver?.informationUri).toMatch(/^https:\/\//);
    expect(driver?.rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    for (const [i, rule] of (driver?.rules ?? []).entries()) {
      const meta = ALL_RULES[i];
      expect(rule).toMatchObject({
        name: meta?.id,
        shortDescription: { text: meta?.title },
        fullDescription: { text: meta?.rationale },
        help: { text: meta?.remediation, markdown: expect.stringContaining(meta?.remediation ?? '') },
        properties: { tags: ['security'], 'security-severity': expect.stringMatching(/^\d+\.\d$/) },
        defaultConfiguration: { level: expect.stringMatching(/^(error|warning|note)$/) },
      });
      expect(rule.helpUri).toBe(meta?.references.find((r) => r.startsWith('https://')));
    }
    const byId = new Map(driver?.rules.map((r) => [r.id, r]));
    expect(byId.get('oidc.any-owner')?.properties).toMatchObject({ 'security-severity': '9.5' });
    expect(byId.get('oidc.pull-request')?.properties).toMatchObject({ 'security-severity': '8.0' });
    expect(byId.get('oidc.no-audience')?.defaultConfiguration).toEqual({ level: 'note' });
    expect(log.runs[0]?.results).toEqual([]);
    expect(log.runs[0]?.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  it('points every result at its rule and file, with levels by severity and stable fingerprints', () => {
    const first = sarif('wide.json', 'low.json');
    expect(first.status).toBe(1);
    const run = first.log.runs[0];
    const rules = run?.tool.driver.rules ?? [];
    const results = run?.results ?? [];
    expect(results.length).toBeGreaterThan(2);
    const levels: Record<string, string> = {
      critical: 'error',
      high: 'error',
      medium: 'warning',
      low: 'note',
      info: 'note',
    };
    for (const result of results) {
      const rule = rules[result.ruleIndex as number];
      expect(rule?.id).toBe(result.ruleId);
      const severity = ALL_RULES.find((r) => r.id === result.ruleId)?.severity ?? '';
      expect(result.level).toBe(levels[severity]);
      expect((result.message as { text: string }).text.length).toBeGreaterThan(0);
      expect(result.locations).toEqual([
        {
          physicalLocation: {
            artifactLocation: { uri: expect.stringMatching(/^(wide|low)\.json$/) },
            region: { startLine: 1 },
          },
        },
      ]);
      expect((result.partialFingerprints as Record<string, string>).primaryLocationLineHash).toMatch(
        /^[0-9a-f]{32}$/,
      );
    }
    expect(results.map((r) => r.level)).toContain('error');
    expect(results.map((r) => r.level)).toContain('warning');
    expect(results.map((r) => r.level)).toContain('note');
    const again = sarif('./wide.json', 'low.json').log.runs[0]?.results;
    expect(again?.map((r) => r.partialFingerprints)).toEqual(results.map((r) => r.partialFingerprints));
  });

  it('reports unreadable files as tool execution notifications and fails the invocation', () => {
    const { status, log } = sarif('good.json', 'missing.json');
    expect(status).toBe(2);
    expect(log.runs[0]?.invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: 'error',
            message: { text: 'missing.json: cannot read: no such file' },
            locations: [
              { physicalLocation: { artifactLocation: { uri: 'missing.json' }, region: { startLine: 1 } } },
            ],
          },
        ],
      },
    ]);
  });
});
