import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, json, tempFiles, trustPolicy, trustwatch } from './run.js';

const files = tempFiles({
  'pinned.json': json(trustPolicy('repo:my-org/app:environment:production')),
  'environment-claim.json': json(
    trustPolicy('repo:my-org/*', 'StringLike', {
      'token.actions.githubusercontent.com:environment': 'production',
    }),
  ),
  'branch.json': json(trustPolicy('repo:my-org/app:ref:refs/heads/main')),
  'templates.json': json({
    github: { subjectTemplates: { 'my-org/app': ['repo', 'context', 'job_workflow_ref'] } },
  }),
  'enterprise.json': json(trustPolicy('repo:my-org/app:ref:refs/heads/main')).replaceAll(
    'token.actions.githubusercontent.com',
    'token.actions.githubusercontent.com/my-enterprise',
  ),
});
const explain = (...args: string[]) => trustwatch(['explain', ...args], { cwd: files.dir });

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('trustwatch explain', () => {
  it('prints ADMITTED and the reason for a token the policy lets in', () => {
    const run = explain('--policy', 'pinned.json', '--sub', 'repo:my-org/app:environment:production');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ADMITTED\n  - statement 0 allows this token: every condition holds\n');
  });

  it('prints REFUSED with the diagnosis, and exits 0: a refusal is an answer', () => {
    const run = explain('--policy', 'pinned.json', '--sub', 'repo:my-org/app:ref:refs/heads/main');
    expect(run.status).toBe(0);
    const [verdict, ...reasons] = run.stdout.trimEnd().split('\n');
    expect(verdict).toBe('REFUSED');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^ {2}- statement 0: StringEquals on token\.actions\.githubusercontent\.com:sub fails — the job has no environment/,
    );
  });

  it('prints exactly {admitted, reasons, statements} as JSON, with the audience given', () => {
    const run = explain(
      '--policy',
      'pinned.json',
      '--sub',
      'repo:my-org/app:environment:production',
      '--aud',
      'sigstore',
      '--format',
      'json',
    );
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual(['admitted', 'reasons', 'statements']);
    expect(result.admitted).toBe(false);
    expect(result.reasons[0]).toContain('the token\'s audience is "sigstore"');
    expect(result.statements[0].conditions.map((c: { requestValue: string }) => c.requestValue)).toEqual([
      'sigstore',
      'repo:my-org/app:environment:production',
    ]);
  });

  it('passes other claims with --claim and another provider with --provider', () => {
    const sub = ['--sub', 'repo:my-org/app:environment:production'];
    expect(explain('--policy', 'environment-claim.json', ...sub).stdout).toMatch(/^REFUSED/);
    expect(
      explain('--policy', 'environment-claim.json', ...sub, '--claim', 'environment=production').stdout,
    ).toMatch(/^ADMITTED/);
    const main = ['--policy', 'enterprise.json', '--sub', 'repo:my-org/app:ref:refs/heads/main'];
    expect(explain(...main).stdout).toMatch(/^REFUSED/);
    expect(
      explain(...main, '--provider', 'token.actions.githubusercontent.com/my-enterprise').stdout,
    ).toMatch(/^ADMITTED/);
  });

  it('notes that fork-triggered pull_request_target and workflow_run runs reach a branch-pinned role', () => {
    const run = explain('--policy', 'branch.json', '--sub', 'repo:my-org/app:ref:refs/heads/main');
    expect(run.status).toBe(0);
    const [verdict, reason, note, ...rest] = run.stdout.trimEnd().split('\n');
    expect([verdict, reason, rest]).toEqual([
      'ADMITTED',
      '  - statement 0 allows this token: every condition holds',
      [],
    ]);
    expect(note).toMatch(
      /^ {2}note: pull_request_target and workflow_run runs, which a pull request from a fork can trigger/,
    );
    const asJson = JSON.parse(
      explain('--policy', 'branch.json', '--sub', 'repo:my-org/app:ref:refs/heads/main', '--format', 'json')
        .stdout,
    );
    expect(asJson.notes).toEqual([note?.slice('  note: '.length)]);
  });

  it('names the subject template --config declares for the repository', () => {
    const sub = ['--policy', 'branch.json', '--sub', 'repo:my-org/app:ref:refs/heads/dev'];
    expect(explain(...sub, '--config', 'templates.json').stdout).toContain(
      'my-org/app is declared with the customized subject template repo, context, job_workflow_ref',
    );
    expect(explain(...sub).stdout).not.toContain('subject template');
    const missing = explain(...sub, '--config', 'missing.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('missing.json');
  });

  it('exits 2 for --role (not available yet), a malformed --claim, a missing --sub or policy', () => {
    const role = explain('--role', 'deploy', '--sub', 'repo:my-org/app:ref:refs/heads/main');
    expect(role.status).toBe(2);
    expect(role.stderr).toBe('trustwatch: --role is not available yet: use --policy FILE\n');
    const claim = explain('--policy', 'pinned.json', '--sub', 'x', '--claim', 'environment');
    expect(claim.status).toBe(2);
    expect(claim.stderr).toContain('--claim "environment" must look like key=value');
    expect(explain('--policy', 'pinned.json', '--sub', 'x', '--claim', 'sub=y').status).toBe(2);
    expect(explain('--policy', 'pinned.json').status).toBe(2);
    expect(explain('--sub', 'x').status).toBe(2);
    expect(explain('--policy', 'missing.json', '--sub', 'x').status).toBe(2);
  });
});
