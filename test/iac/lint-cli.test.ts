import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, json, trustPolicy, trustwatch } from '../cli/run.js';
import { synth } from '../infra/synth.js';

// Hand-written inputs: a template, a plan, a policy and files lint does not read, in nested directories.
const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Repo:
    Type: String
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub 'arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub:
                  - !Sub 'repo:acme/\${Repo}:ref:refs/heads/main'
                  - 'repo:*'
`;
const plan = json({
  format_version: '1.2',
  terraform_version: '1.9.5',
  planned_values: {
    root_module: {
      resources: [
        {
          address: 'aws_iam_role.ci',
          mode: 'managed',
          type: 'aws_iam_role',
          name: 'ci',
          values: {
            name: 'ci',
            assume_role_policy: JSON.stringify(trustPolicy('repo:acme/app:pull_request')),
          },
        },
      ],
    },
  },
});

let dir: string;
const write = (files: Record<string, string>) => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
};
const lint = (...args: string[]) => trustwatch(['lint', ...args], { cwd: dir });

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'trustwatch-iac-'));
  write({
    'infra/template.yaml': template,
    'infra/plan.json': plan,
    'infra/policies/pinned.json': json(trustPolicy('repo:acme/app:environment:prod')),
    'infra/README.md': '# not read\n',
    'infra/settings.yaml': 'key: value\n',
    'infra/node_modules/pkg/template.yaml': template,
    'infra/.git/config.json': '{}',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lint of infrastructure code', () => {
  it('reads every file of a directory it recognises, per role, and counts the files it skips', () => {
    const run = lint('infra', '--format', 'json', '--fail-on', 'critical');
    const results = JSON.parse(run.stdout).results as {
      file: string;
      position?: unknown;
      notes?: string[];
    }[];
    expect(results.map((r) => r.file)).toEqual([
      'infra/plan.json#aws_iam_role.ci',
      'infra/policies/pinned.json',
      'infra/template.yaml#DeployRole',
    ]);
    // README.md and settings.yaml; node_modules and .git are not looked into.
    expect(run.stderr).toBe('trustwatch: infra: skipped 2 files not recognised\n');
    expect(run.status).toBe(1);
    const deploy = results[2];
    expect(deploy?.position).toEqual({ line: 6, column: 3 });
    expect(deploy?.notes).toEqual([
      expect.stringMatching(
        /^1 value not known statically: .*Repo.*; findings that depend on it are not reported$/,
      ),
    ]);
  });

  it('points SARIF results at the line of the offending value', () => {
    const run = lint('infra/template.yaml', '--format', 'sarif');
    const sarif = JSON.parse(run.stdout);
    const anyOwner = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'oidc.any-owner');
    expect(anyOwner.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'infra/template.yaml' },
      // The `- 'repo:*'` item: line 21, its value after the dash.
      region: { startLine: 21, startColumn: 21 },
    });
  });

  it('places Terraform findings at the value too, in a module read from its directory', () => {
    write({
      'tf/main.tf': `resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:*" }
      }
    }]
  })
}
`,
    });
    const run = lint('tf/main.tf', '--format', 'json');
    const [result] = JSON.parse(run.stdout).results;
    expect(result.file).toBe('tf/main.tf#aws_iam_role.deploy');
    expect(result.position).toEqual({ line: 1, column: 1 });
    const anyOwner = result.findings.find((f: { ruleId: string }) => f.ruleId === 'oidc.any-owner');
    expect(anyOwner.position.line).toBe(11);
  });

  it('refuses a file named explicitly that it does not recognise (exit 2)', () => {
    const yaml = lint('infra/settings.yaml');
    expect(yaml.status).toBe(2);
    expect(yaml.stdout).toContain('not recognised');
    expect(lint('infra/README.md').status).toBe(2);
  });

  it("lints the cloud assembly of this project's own CDK app: its roles are not GitHub-trusted, and it says so", () => {
    const app = synth();
    app.app.synth();
    try {
      const run = trustwatch(['lint', app.outdir]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const blocks = run.stdout.trim().split('\n\n');
      const summary = blocks.pop();
      expect(summary).toMatch(/^\d+ policies checked, no findings$/);
      expect(blocks.length).toBeGreaterThan(5);
      for (const block of blocks) {
        expect(block).toMatch(/\.template\.json#\w+ \(line \d+\)\n/);
        expect(block).toContain('note: not GitHub-trusted: no GitHub OIDC checks apply');
      }
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
