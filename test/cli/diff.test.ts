import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_SUB, ensureBuilt, json, tempFiles, trustPolicy, trustwatch } from './run.js';

// Hand-written plans in the shape of `terraform show -json plan.out` (resource_changes only).
const roleChange = (
  address: string,
  actions: string[],
  before: { name: string; policy: unknown } | null,
  after: { name: string; policy: unknown } | null,
) => ({
  address,
  mode: 'managed',
  type: 'aws_iam_role',
  name: address.split('.').pop(),
  provider_name: 'registry.terraform.io/hashicorp/aws',
  change: {
    actions,
    before: before && { name: before.name, assume_role_policy: JSON.stringify(before.policy) },
    after: after && { name: after.name, assume_role_policy: JSON.stringify(after.policy) },
    after_unknown: {},
  },
});
const plan = (...changes: unknown[]) =>
  json({ format_version: '1.2', terraform_version: '1.9.5', resource_changes: changes });

const pinned = trustPolicy('repo:acme/app:ref:refs/heads/main');
const anyBranch = trustPolicy('repo:acme/app:ref:refs/heads/*', 'StringLike');

// A hand-written CloudFormation template with one GitHub role (and, in the new version, a Lambda role).
const template = (sub: string, extra = '') => `AWSTemplateFormatVersion: '2010-09-09'
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
                token.actions.githubusercontent.com:sub: ${sub}
${extra}`;
const lambdaRole = `  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
`;

const files = tempFiles({
  'widen.json': plan(
    roleChange(
      'aws_iam_role.deploy',
      ['update'],
      { name: 'deploy', policy: pinned },
      { name: 'deploy', policy: anyBranch },
    ),
  ),
  'rename.json': plan(
    roleChange(
      'aws_iam_role.deploy',
      ['delete', 'create'],
      { name: 'deploy', policy: pinned },
      { name: 'deploy-v2', policy: pinned },
    ),
  ),
  'old.yaml': template("'repo:acme/app:ref:refs/heads/main'"),
  'new.yaml': template("['repo:acme/app:ref:refs/heads/main', 'repo:acme/app:pull_request']", lambdaRole),
  'unknown.yaml': template('!Ref SubjectPattern').replace(
    'Resources:',
    'Parameters:\n  SubjectPattern: { Type: String }\nResources:',
  ),
  'unknown-wide.yaml': template("['repo:*', !Ref SubjectPattern]").replace(
    'Resources:',
    'Parameters:\n  SubjectPattern: { Type: String }\nResources:',
  ),
  'pinned.json': json(trustPolicy(CLEAN_SUB)),
  'narrowed.json': json(trustPolicy([CLEAN_SUB, 'repo:acme/app:ref:refs/heads/main'])),
});
const diff = (...args: string[]) => trustwatch(['diff', ...args], { cwd: files.dir });
const roles = (stdout: string) => JSON.parse(stdout).roles as Record<string, unknown>[];

beforeAll(() => {
  ensureBuilt();
  // Two versions of a directory, the template moved into a subdirectory.
  mkdirSync(join(files.dir, 'base'));
  mkdirSync(join(files.dir, 'head/templates'), { recursive: true });
  writeFileSync(join(files.dir, 'base/infra.yaml'), template("'repo:acme/app:ref:refs/heads/main'"));
  writeFileSync(join(files.dir, 'head/templates/infra.yaml'), template("'repo:acme/*'"));
});
afterAll(files.cleanup);

describe('trustwatch diff', () => {
  it("a Terraform plan that widens a GitHub role's sub is wider, with a witness, exit 1", () => {
    const run = diff('widen.json', '--format', 'json');
    expect(run.status).toBe(1);
    const [role] = roles(run.stdout);
    expect(role).toMatchObject({ role: 'aws_iam_role.deploy', verdict: 'wider', noLongerAdmitted: [] });
    const subs = ((role?.newlyAdmitted ?? []) as { claims: { sub: string } }[]).map((t) => t.claims.sub);
    expect(subs.length).toBeGreaterThan(0);
    for (const sub of subs) {
      expect(sub).toMatch(/^repo:acme\/app:ref:refs\/heads\//);
      expect(sub).not.toBe('repo:acme/app:ref:refs/heads/main');
    }
  });

  it('a plan that only renames the role is equal, exit 0', () => {
    const run = diff('rename.json', '--format', 'json');
    expect(run.status).toBe(0);
    expect(roles(run.stdout)).toEqual([
      expect.objectContaining({
        role: 'aws_iam_role.deploy',
        verdict: 'equal',
        newlyAdmitted: [],
        noLongerAdmitted: [],
      }),
    ]);
  });

  it('templates: matched by logical id, a new role that GitHub cannot assume does not fail the check', () => {
    const run = diff('old.yaml', 'new.yaml', '--format', 'json');
    expect(run.status).toBe(1);
    const byRole = Object.fromEntries(roles(run.stdout).map((r) => [r.role, r]));
    expect(byRole.DeployRole?.verdict).toBe('wider');
    expect(byRole.DeployRole?.newlyAdmitted).toEqual([
      expect.objectContaining({ claims: expect.objectContaining({ sub: 'repo:acme/app:pull_request' }) }),
    ]);
    expect(byRole.FunctionRole).toMatchObject({ verdict: 'added', admitsMore: false });
    // The other way round the pull-request subject is no longer admitted and the function role is removed.
    const back = diff('new.yaml', 'old.yaml', '--format', 'json');
    expect(back.status).toBe(0);
    expect(roles(back.stdout).map((r) => [r.role, r.verdict])).toEqual([
      ['DeployRole', 'narrower'],
      ['FunctionRole', 'removed'],
    ]);
  });

  it('says wider with unknown values only when every value makes it so, and otherwise that it depends on them', () => {
    const proven = diff('old.yaml', 'unknown-wide.yaml', '--format', 'json');
    expect(proven.status).toBe(1);
    expect(roles(proven.stdout)[0]).toMatchObject({ role: 'DeployRole', verdict: 'wider' });
    const open = diff('old.yaml', 'unknown.yaml', '--format', 'json');
    expect(open.status).toBe(0);
    const [role] = roles(open.stdout);
    expect(role).toMatchObject({ role: 'DeployRole', verdict: 'unknown', newlyAdmitted: [] });
    expect(String(role?.unknownValues)).toContain('SubjectPattern');
  });

  it('two directories: roles matched across their files by logical id', () => {
    const run = diff('base', 'head', '--format', 'json');
    expect(run.status).toBe(1);
    expect(roles(run.stdout).map((r) => [r.role, r.verdict])).toEqual([['DeployRole', 'wider']]);
  });

  it('two policy files compare as one role; markdown for a pull-request comment', () => {
    const run = diff('narrowed.json', 'pinned.json', '--format', 'markdown');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('## trustwatch diff');
    expect(run.stdout).toMatch(/\| narrowed\.json → pinned\.json +\| narrower +\|/);
    expect(run.stdout).toContain('no longer admitted: `repo:acme/app:ref:refs/heads/main`');
  });

  it('the table names each role with its verdict and witnesses', () => {
    const run = diff('widen.json');
    expect(run.stdout).toMatch(
      /^WIDER {2}aws_iam_role\.deploy: admits tokens it refused before\n {2}\+ repo:acme\/app:ref:refs\/heads\//,
    );
    expect(run.stdout).toContain('1 role compared (1 wider); 1 admits more than before');
  });

  it('bad input is exit 2: one argument that is not a plan, a file that does not exist', () => {
    const single = diff('pinned.json');
    expect(single.status).toBe(2);
    expect(single.stderr).toContain('pinned.json: diff with one argument takes a Terraform plan');
    expect(diff('pinned.json', 'missing.json').status).toBe(2);
  });
});
