import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, json, tempFiles, trustPolicy, trustwatch } from './run.js';

const files = tempFiles({
  'pinned.json': json(trustPolicy('repo:my-org/app:environment:production')),
  'org-wide.json': json(trustPolicy('repo:my-org/*', 'StringLike')),
  'staging.json': json(trustPolicy('repo:my-org/app:environment:staging')),
  'config.json': json({ github: { subjectTemplates: { 'my-org': ['repo', 'context'] } } }),
  'bad-config.json': json({ github: { subjectTemplates: { 'my-org': ['no-such-claim'] } } }),
  'roles.json': json({
    Roles: [
      { RoleName: 'a', AssumeRolePolicyDocument: trustPolicy('repo:my-org/app:environment:production') },
      { RoleName: 'b', AssumeRolePolicyDocument: trustPolicy('repo:my-org/app:environment:staging') },
    ],
  }),
  'get-role.json': json({
    Role: {
      RoleName: 'deploy',
      AssumeRolePolicyDocument: trustPolicy('repo:my-org/app:environment:production'),
    },
  }),
});
const compare = (...args: string[]) => trustwatch(['compare', ...args], { cwd: files.dir });

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('trustwatch compare', () => {
  it('prints exactly {verdict, newlyAdmitted, noLongerAdmitted, notes} and exits 1 when the new policy is wider', () => {
    const run = compare('pinned.json', 'org-wide.json', '--format', 'json');
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual(['verdict', 'newlyAdmitted', 'noLongerAdmitted', 'notes']);
    expect(result.verdict).toBe('wider');
    expect(result.noLongerAdmitted).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.newlyAdmitted.length).toBeGreaterThan(0);
    for (const token of result.newlyAdmitted) {
      expect(Object.keys(token)).toEqual(['provider', 'claims']);
      expect(token.provider).toBe('token.actions.githubusercontent.com');
      expect(token.claims.sub).toMatch(/^repo:my-org\//);
    }
  });

  it('prints the verdict and one witness subject a line in the table', () => {
    const run = compare('pinned.json', 'org-wide.json');
    const wider = JSON.parse(compare('pinned.json', 'org-wide.json', '--format', 'json').stdout);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WIDER {2}the new policy admits tokens the old one refused$/);
    expect(lines[1]).toBe('newly admitted:');
    expect(lines.slice(2)).toEqual(
      wider.newlyAdmitted.map((t: { claims: { sub: string } }) => `  + ${t.claims.sub}`),
    );
  });

  it('exits 0 when the new policy is narrower or equal', () => {
    const narrower = compare('org-wide.json', 'pinned.json');
    expect(narrower.status).toBe(0);
    expect(narrower.stdout).toMatch(/^NARROWER .*\nno longer admitted:\n {2}- repo:my-org\//);
    const equal = compare('pinned.json', 'get-role.json', '--format', 'json');
    expect(equal.status).toBe(0);
    expect(JSON.parse(equal.stdout)).toEqual({
      verdict: 'equal',
      newlyAdmitted: [],
      noLongerAdmitted: [],
      notes: [],
    });
  });

  it('exits 1 when each policy admits tokens the other refuses', () => {
    const run = compare('pinned.json', 'staging.json', '--format', 'json');
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.verdict).toBe('incomparable');
    expect(result.newlyAdmitted[0].claims.sub).toBe('repo:my-org/app:environment:staging');
    expect(result.noLongerAdmitted[0].claims.sub).toBe('repo:my-org/app:environment:production');
  });

  it('writes markdown for a pull-request comment', () => {
    const run = compare('pinned.json', 'org-wide.json', '--format', 'markdown');
    expect(run.stdout).toContain('## trustwatch compare: **wider**\n\npinned.json → org-wide.json');
    expect(run.stdout).toMatch(/### Newly admitted\n\n- `repo:my-org\//);
  });

  it('reads the declared subject templates from --config, and refuses a config it cannot use', () => {
    const run = compare('pinned.json', 'org-wide.json', '--config', 'config.json', '--format', 'json');
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout).verdict).toBe('wider');
    const bad = compare('pinned.json', 'org-wide.json', '--config', 'bad-config.json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('bad-config.json');
    expect(bad.stdout).toBe('');
  });

  it('exits 2 for an unreadable file, a file with several roles, or a format it does not have', () => {
    const missing = compare('pinned.json', 'missing.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('trustwatch: missing.json: cannot read: no such file\n');
    const roles = compare('roles.json', 'pinned.json');
    expect(roles.status).toBe(2);
    expect(roles.stderr).toContain('roles.json: holds 2 trust policies (a, b)');
    expect(compare('pinned.json', 'org-wide.json', '--format', 'sarif').status).toBe(2);
    expect(compare('pinned.json').status).toBe(2);
  });
});
