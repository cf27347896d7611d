import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_SUB, ensureBuilt, json, tempFiles, trustPolicy, trustwatch } from './run.js';

const files = tempFiles({
  'good.json': json(trustPolicy(CLEAN_SUB)),
  'any-owner.json': json(trustPolicy('repo:*', 'StringLike')),
  // StringEquals compares the * literally: a medium finding and nothing worse.
  'literal-star.json': json(trustPolicy('repo:my-org@1234567/app@7654321:ref:refs/heads/*')),
  'other-owner.json': json(trustPolicy('repo:other-org@7777777/app@8888888:environment:production')),
  'config.json': json({
    allowedOwners: ['my-org'],
    github: { subjectTemplates: { 'my-org': ['repo', 'context'] } },
  }),
  'bad-config.json': json({ allowedOwners: 'my-org' }),
  'broken.json': '{\n  "Version": "2012-10-17",\n  "Statement": [\n}\n',
  'roles.json': json({
    Roles: [
      { RoleName: 'deploy', AssumeRolePolicyDocument: encodeURIComponent(json(trustPolicy(CLEAN_SUB))) },
      { RoleName: 'ci', AssumeRolePolicyDocument: trustPolicy('repo:*', 'StringLike') },
    ],
  }),
});
const { dir } = files;
const lint = (...args: string[]) => trustwatch(['lint', ...args], { cwd: dir });
interface JsonResult {
  file: string;
  findings?: Record<string, unknown>[];
  error?: string;
}
const parse = (stdout: string) => JSON.parse(stdout) as { results: JsonResult[] };

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('trustwatch lint', () => {
  it('prints exactly {results: [{file, findings: []}]} for a clean policy and exits 0', () => {
    const run = lint('good.json', '--format', 'json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ results: [{ file: 'good.json', findings: [] }] });
  });

  it('gives each finding exactly ruleId, severity, message and evidence, and exits 1 at critical', () => {
    const run = lint('any-owner.json', '--format', 'json');
    expect(run.status).toBe(1);
    const [result] = parse(run.stdout).results;
    expect(Object.keys(result ?? {})).toEqual(['file', 'findings']);
    const findings = result?.findings ?? [];
    expect(findings.map((f) => Object.keys(f))).toEqual(
      findings.map(() => ['ruleId', 'severity', 'message', 'evidence']),
    );
    expect(findings[0]).toMatchObject({ ruleId: 'oidc.any-owner', severity: 'critical' });
    expect(findings[0]?.message).toContain('repo:some-other-org/');
  });

  it('fails only at or above --fail-on (default high)', () => {
    expect(lint('literal-star.json').status).toBe(0);
    expect(lint('literal-star.json', '--fail-on', 'medium').status).toBe(1);
    expect(lint('any-owner.json', '--fail-on', 'critical').status).toBe(1);
    expect(lint('literal-star.json', '--fail-on', 'severe').status).toBe(2);
  });

  it('lints every readable file when one is missing and one is not JSON, then exits 2', () => {
    const run = lint('good.json', 'missing.json', 'broken.json', 'any-owner.json', '--format', 'json');
    expect(run.status).toBe(2);
    const results = parse(run.stdout).results;
    expect(results.map((r) => r.file)).toEqual([
      'good.json',
      'missing.json',
      'broken.json',
      'any-owner.json',
    ]);
    expect(results[1]).toEqual({ file: 'missing.json', error: 'cannot read: no such file' });
    expect(results[2]).toEqual({
      file: 'broken.json',
      error: 'invalid JSON at line 4 column 1: ValueExpected',
    });
    expect(results[3]?.findings?.length).toBeGreaterThan(0);
  });

  it('gives one result per role of list-roles output, named path#RoleName', () => {
    const run = lint('roles.json', '--format', 'json');
    expect(run.status).toBe(1);
    const results = parse(run.stdout).results;
    expect(results.map((r) => r.file)).toEqual(['roles.json#deploy', 'roles.json#ci']);
    expect(results[0]?.findings).toEqual([]);
    expect(results[1]?.findings).toContainEqual(expect.objectContaining({ ruleId: 'oidc.any-owner' }));
  });

  it('reads aws iam get-role output from standard input', () => {
    const getRole = json({ Role: { RoleName: 'deploy', AssumeRolePolicyDocument: trustPolicy(CLEAN_SUB) } });
    const run = trustwatch(['lint', '-', '--format', 'json'], { cwd: dir, input: getRole });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ results: [{ file: '-#deploy', findings: [] }] });
  });

  it('flags owners outside --allowed-owner, repeated or comma-separated', () => {
    const ruleIds = (args: string[]) =>
      parse(lint('other-owner.json', '--format', 'json', ...args).stdout).results[0]?.findings?.map(
        (f) => f.ruleId,
      );
    expect(ruleIds(['--allowed-owner', 'my-org'])).toEqual(['oidc.owner-not-allowed']);
    expect(ruleIds(['--allowed-owner', 'my-org', '--allowed-owner', 'other-org'])).toEqual([]);
    expect(ruleIds(['--allowed-owner', 'my-org,other-org'])).toEqual([]);
    expect(ruleIds([])).toEqual([]);
  });

  it('takes allowedOwners from --config, together with --allowed-owner; a bad config is a usage error', () => {
    const ruleIds = (...args: string[]) =>
      parse(lint('other-owner.json', '--format', 'json', ...args).stdout).results[0]?.findings?.map(
        (f) => f.ruleId,
      );
    expect(ruleIds('--config', 'config.json')).toEqual(['oidc.owner-not-allowed']);
    expect(ruleIds('--config', 'config.json', '--allowed-owner', 'other-org')).toEqual([]);
    const bad = lint('other-owner.json', '--config', 'bad-config.json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('bad-config.json');
    expect(bad.stdout).toBe('');
  });

  it('prints a plain table, severity first, with a summary and no colours when piped', () => {
    const run = lint('any-owner.json', 'missing.json', 'good.json');
    expect(run.status).toBe(2);
    expect(run.stdout).not.toContain('\u001b[');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('any-owner.json');
    expect(lines[1]).toMatch(/^ {2}CRITICAL +oidc\.any-owner +tokens of owners nobody listed/);
    expect(run.stdout).toContain('missing.json\n  ERROR     cannot read: no such file');
    expect(run.stdout).toContain('good.json\n  no findings');
    expect(lines.at(-2)).toMatch(/^2 policies checked, findings: 1 critical.*; 1 file could not be read$/);
  });

  it('prints a markdown table and the files it could not read', () => {
    const run = lint('any-owner.json', 'broken.json', '--format', 'markdown');
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('| Severity | Rule | Policy | Finding |');
    expect(run.stdout).toMatch(
      /\| \*\*critical\*\* \| `oidc\.any-owner` \| any-owner\.json \| tokens of owners/,
    );
    expect(run.stdout).toContain('### Could not be read\n\n- broken.json: invalid JSON at line 4 column 1');
  });
});
