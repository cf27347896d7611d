import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CFN_LINT, describeWithTool, type Tool } from '../support/tool-suite.js';
import { ensureBuilt, json, SAMPLE, tempFiles, trustPolicy, trustwatch } from './run.js';

const SAMPLE_STATE = ['--snapshot', `${SAMPLE}/snapshot.json`, '--state', `${SAMPLE}/state.json`];
/** The sample's counters end on 2026-10-31; its snapshot was read on 2026-11-02. */
const UNTIL = ['--until', '2026-11-02'];
const tighten = (...args: string[]) => trustwatch(['tighten', ...args]);
const sample = (role: string, ...args: string[]) =>
  tighten('--role', role, ...SAMPLE_STATE, ...UNTIL, ...args);

const WEB_PROD = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': [
            'repo:acme-corp/marketing-site:ref:refs/heads/main',
            'repo:acme-corp/web:environment:production',
          ],
        },
      },
    },
  ],
};

const TERRAFORM: Tool = {
  name: 'terraform',
  install: 'https://developer.hashicorp.com/terraform/install',
  available: spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0,
};

const files = tempFiles({
  'wide.json': json(trustPolicy('repo:acme/*', 'StringLike')),
  'eleven-days.json': json({ tightenMinDays: 11 }),
  'state.json': json({
    schemaVersion: 1,
    findings: {},
    events: {},
    checkpoints: {},
    assumptions: [
      ['2026-09-01', 3],
      ['2026-10-30', 2],
    ].map(([day, n]) => ({
      roleArn: 'arn:aws:iam::123456789012:role/ci',
      subject: 'repo:acme/app:ref:refs/heads/main',
      day,
      succeeded: n,
      denied: 0,
    })),
    subjects: {},
  }),
});

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('trustwatch tighten', () => {
  it('prints the narrower policy JSON, and the proof on standard error', () => {
    const run = sample('gh-deploy-web-prod');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(WEB_PROD);
    expect(run.stderr).toContain(
      'gh-deploy-web-prod: proposal is narrower (compare: narrower) and admits all 2 observed subjects',
    );
    expect(run.stderr).toContain('Window 2026-08-05 to 2026-11-02: 88 days of data');
    expect(run.stderr).toMatch(/No longer admitted, e\.g\.[^\n]*\n {2}sub "repo:acme-corp\//);
  });

  it('prints {role, current, proposed, verdict, stillAdmitted, noLongerAdmitted, observedWindow} as JSON', () => {
    const run = sample('gh-deploy-web-prod', '--format', 'json');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual([
      'role',
      'current',
      'proposed',
      'verdict',
      'stillAdmitted',
      'noLongerAdmitted',
      'observedWindow',
    ]);
    expect(out.role).toBe('gh-deploy-web-prod');
    expect(out.current.Statement[0].Condition.StringLike).toEqual({
      'token.actions.githubusercontent.com:sub': 'repo:acme-corp/*',
    });
    expect(out.proposed).toEqual(WEB_PROD);
    expect(out.verdict).toBe('narrower');
    expect(out.stillAdmitted.map((s: { subject: string }) => s.subject).sort()).toEqual(
      WEB_PROD.Statement[0]?.Condition.StringEquals['token.actions.githubusercontent.com:sub'],
    );
    expect(out.noLongerAdmitted[0].claims.sub).toMatch(/^repo:acme-corp\//);
    expect(out.observedWindow).toMatchObject({
      window: { from: '2026-08-05', to: '2026-11-02' },
      daysOfData: 88,
      minDays: 14,
      forced: false,
    });
  });

  it('writes a Terraform data source and a jsonencode local holding the same document', () => {
    const run = sample('gh-deploy-web-prod', '--format', 'terraform');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^# trustwatch tighten gh-deploy-web-prod: narrower than the current trust policy\n/,
    );
    expect(run.stdout).toContain('data "aws_iam_policy_document" "gh-deploy-web-prod_trust" {');
    expect(run.stdout).toContain(
      '      variable = "token.actions.githubusercontent.com:sub"\n      values   = ["repo:acme-corp/marketing-site:ref:refs/heads/main", "repo:acme-corp/web:environment:production"]',
    );
    expect(run.stdout).toContain('  gh-deploy-web-prod_trust = jsonencode({');
  });

  it('writes the CloudFormation AssumeRolePolicyDocument in YAML', () => {
    const run = sample('gh-deploy-web-prod', '--format', 'cloudformation');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'AssumeRolePolicyDocument:',
      '  Version: "2012-10-17"',
      '  Statement:',
      '    - Effect: "Allow"',
      '      Principal:',
      '        Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"',
      '      Action: "sts:AssumeRoleWithWebIdentity"',
      '      Condition:',
      '        StringEquals:',
      '          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"',
      '          "token.actions.githubusercontent.com:sub":',
      '            - "repo:acme-corp/marketing-site:ref:refs/heads/main"',
      '            - "repo:acme-corp/web:environment:production"',
      '',
    ]);
  });

  it('says there is nothing to tighten and prints the policy as it is (exit 0)', () => {
    const run = sample('gh-terraform-apply');
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^gh-terraform-apply: nothing to tighten/);
    expect(JSON.parse(run.stdout).Statement[0].Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:acme-corp/infrastructure:ref:refs/heads/main',
    });
  });

  it('refuses with too little activity (exit 3, nothing on standard output) unless --force, which says so', () => {
    const refused = sample('gh-ecr-push');
    expect(refused.status).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      'No proposal: only 11 days of data (2026-10-21 to 2026-10-31), fewer than 14',
    );
    const json = JSON.parse(sample('gh-ecr-push', '--format', 'json').stdout);
    expect(json).toMatchObject({ proposed: null, verdict: 'no-proposal' });
    expect(json.observedWindow.refusal).toMatch(/^only 11 days of data/);

    const forced = sample('gh-ecr-push', '--force', '--format', 'terraform');
    expect(forced.status).toBe(0);
    expect(forced.stderr).toContain('FORCED');
    expect(forced.stdout).toContain('# FORCED: only 11 days of data (fewer than 14)');
    expect(sample('gh-ecr-push', '--min-days', '11').status).toBe(0);
    // The configuration's tightenMinDays sets the default.
    expect(sample('gh-ecr-push', '--config', join(files.dir, 'eleven-days.json')).status).toBe(0);
  });

  it('lists subjects seen only in refused attempts with the diagnosis, and does not add them', () => {
    const run = sample('gh-deploy-payments-prod');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      'Not added (the current policy refuses them):\n  repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main  (only refused, 10 attempts)\n    - statement 0: StringEquals on token.actions.githubusercontent.com:sub fails — the job has no environment',
    );
    expect(run.stdout).not.toContain('ref:refs/heads/main');
  });

  it('reads a policy file with --role naming whose activity counts', () => {
    const run = tighten(
      '--policy',
      'wide.json',
      '--role',
      'ci',
      '--state',
      'state.json',
      '--until',
      '2026-10-31',
    );
    // relative paths: run from the temporary directory
    expect(run.status).toBe(2);
    const inDir = trustwatch(
      ['tighten', '--policy', 'wide.json', '--role', 'ci', '--state', 'state.json', '--until', '2026-10-31'],
      { cwd: files.dir },
    );
    expect(inDir.status).toBe(0);
    expect(JSON.parse(inDir.stdout).Statement[0].Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:acme/app:ref:refs/heads/main',
      },
    });
  });

  it.each([
    [[], /tighten needs --role NAME or --policy FILE/],
    [['--role', 'gh-deploy-web-prod', ...SAMPLE_STATE, '--since', '90'], /--since 90: give a number of days/],
    [['--role', 'gh-deploy-web-prod', ...SAMPLE_STATE, '--until', '2026-02-30'], /--until 2026-02-30/],
    [['--role', 'gh-deploy-web-prod', ...SAMPLE_STATE, '--min-days', '0'], /--min-days 0/],
    [
      ['--role', 'gh-deploy-web-prod', '--snapshot', `${SAMPLE}/snapshot.json`, '--state', 'nope.json'],
      /nope\.json: cannot read/,
    ],
    [['--role', 'nobody', ...SAMPLE_STATE], /no role named "nobody"/],
    [['--role', 'lambda-orders', ...SAMPLE_STATE], /trusts no GitHub OIDC provider/],
    [['--policy', `${SAMPLE}/snapshot.json`], /snapshot\.json/],
    [['--role', 'gh-deploy-web-prod', ...SAMPLE_STATE, '--format', 'yaml'], /yaml/],
  ])('exits 2 with a clear message for bad input: %j', (args, message) => {
    const run = tighten(...(args as string[]));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message as RegExp);
  });

  it('keeps hostile subjects from CloudTrail inert on the terminal and inside the Terraform and YAML text', () => {
    const hostile = 'repo:acme/app:environment:prod\u001b[31m\ninjected = true';
    const state = JSON.parse(readFileSync(join(files.dir, 'state.json'), 'utf8'));
    state.assumptions = state.assumptions.map((a: { subject: string }) => ({ ...a, subject: hostile }));
    writeFileSync(join(files.dir, 'hostile-state.json'), JSON.stringify(state));
    const args = [
      'tighten',
      '--policy',
      'wide.json',
      '--role',
      'ci',
      '--state',
      'hostile-state.json',
      '--until',
      '2026-10-31',
    ];
    for (const format of ['policy', 'terraform', 'cloudformation']) {
      const run = trustwatch([...args, '--format', format], { cwd: files.dir });
      expect(run.status).toBe(0);
      expect(run.stderr).not.toContain('\u001b');
      expect(run.stderr).toContain('repo:acme/app:environment:prod\\x1b[31m\\ninjected = true');
      // The subject never starts a line of its own: no comment or value is broken out of.
      expect(run.stdout).not.toMatch(/^injected/m);
      expect(run.stdout).not.toContain('\u001b');
    }
  });

  it('needs a role for a bare policy file: no role, no activity', () => {
    const run = trustwatch(['tighten', '--policy', 'wide.json', '--state', 'state.json'], { cwd: files.dir });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('wide.json: a bare policy names no role; give --role NAME');
  });
});

describeWithTool(TERRAFORM, 'the Terraform form in terraform', () => {
  it('is formatted as terraform fmt writes it', () => {
    const file = join(files.dir, 'main.tf');
    writeFileSync(file, sample('gh-artifacts-read', '--format', 'terraform').stdout);
    const fmt = spawnSync('terraform', ['fmt', '-check', '-diff', file], { encoding: 'utf8' });
    expect(fmt.stdout).toBe('');
    expect(fmt.status).toBe(0);
  });
});

describeWithTool(CFN_LINT, 'the CloudFormation form in cfn-lint', () => {
  it('is a valid AssumeRolePolicyDocument of an AWS::IAM::Role', () => {
    const snippet = sample('gh-artifacts-read', '--format', 'cloudformation').stdout;
    const template = [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Resources:',
      '  Role:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      ...snippet
        .trimEnd()
        .split('\n')
        .map((line) => `      ${line}`),
    ].join('\n');
    const file = join(files.dir, 'template.yaml');
    writeFileSync(file, `${template}\n`);
    const lint = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    expect(lint.stdout).toBe('');
    expect(lint.status).toBe(0);
  });
});
