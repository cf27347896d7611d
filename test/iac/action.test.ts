import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, ROOT } from '../cli/run.js';

// The action's script run as action.yml runs it, with fake inputs in a throwaway git repository.
const SCRIPT = join(ROOT, 'scripts/action.mjs');

// Hand-written: a CloudFormation role trusting one subject pattern.
const template = (sub: string) => `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: '${sub}'
`;

let repo: string;
const git = (...args: string[]) => {
  const run = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
};
const write = (name: string, text: string) => {
  mkdirSync(dirname(join(repo, name)), { recursive: true });
  writeFileSync(join(repo, name), text);
};

function action(inputs: Record<string, string>) {
  const files = mkdtempSync(join(tmpdir(), 'trustwatch-action-out-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TRUSTWATCH_CLI: CLI,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: files,
  };
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/-/g, '_').toUpperCase()}`] = value;
  const run = spawnSync(process.execPath, [SCRIPT], { cwd: repo, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: run.status, stderr: run.stderr, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

beforeAll(() => {
  ensureBuilt();
  repo = mkdtempSync(join(tmpdir(), 'trustwatch-action-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  write('infra/template.yaml', template('repo:acme/app:ref:refs/heads/main'));
  git('add', '.');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'change');
  write('infra/template.yaml', template('repo:acme/*'));
  write('new/template.yaml', template('repo:acme/site:ref:refs/heads/main'));
  git('add', '.');
  git('commit', '-qm', 'widen');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('the GitHub Action script', () => {
  it('lint: writes the SARIF file with the line of the finding, the job summary, and the exit code as output', () => {
    const run = action({ paths: 'infra', mode: 'lint', 'fail-on': 'medium', sarif: 'true' });
    expect(run.status).toBe(0);
    expect(run.outputs['exit-code']).toBe('1');
    expect(run.summary).toContain('## trustwatch lint');
    expect(run.summary).toContain('oidc.any-repo');
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file'] as string, 'utf8'));
    const anyRepo = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'oidc.any-repo');
    expect(anyRepo.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'infra/template.yaml' },
      // The quoted value after `token.actions.githubusercontent.com:sub: `.
      region: { startLine: 16, startColumn: 58 },
    });
  });

  it('lint: passes below fail-on, and writes no SARIF when upload is off', () => {
    const run = action({ paths: 'infra', 'fail-on': 'critical', sarif: 'false' });
    expect(run.outputs).toEqual({ 'exit-code': '0' });
  });

  it('diff: compares each path with the base ref, exit code 1 when a role admits more; a new path is linted', () => {
    const run = action({ paths: 'infra new', mode: 'diff', 'base-ref': 'main' });
    expect(run.status).toBe(0);
    expect(run.outputs['exit-code']).toBe('1');
    expect(run.summary).toContain('## trustwatch diff');
    expect(run.summary).toMatch(/\| DeployRole +\| \*\*wider\*\* +\| `repo:acme\//);
    expect(run.stderr).toContain('new is new since main: linted instead');
    expect(run.summary).toContain('new/template.yaml#DeployRole');
  });

  it('diff of an unchanged path is clean', () => {
    const run = action({ paths: 'infra', mode: 'diff', 'base-ref': 'change' });
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.summary).toMatch(/\| DeployRole +\| equal +\|/);
  });

  it('refuses bad inputs with exit 2', () => {
    expect(action({ mode: 'audit' })).toMatchObject({
      status: 2,
      stderr: 'trustwatch action: mode must be lint or diff, got "audit"\n',
    });
    expect(action({ 'fail-on': 'urgent' }).status).toBe(2);
    expect(action({ mode: 'diff' }).stderr).toContain('diff needs base-ref');
  });
});
