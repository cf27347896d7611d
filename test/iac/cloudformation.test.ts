import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeCloudFormation, readCloudFormation } from '../../shared/iac/cloudformation/index.js';
import { type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';

const FIXTURES = 'test/fixtures/iac/cloudformation';
const read = (name: string) => readCloudFormation(name, readFileSync(join(FIXTURES, name), 'utf8'));
const mark = (i: number) => `${UNKNOWN_MARK}${i}`;
const SUB = 'token.actions.githubusercontent.com:sub';
const AUD = 'token.actions.githubusercontent.com:aud';
/** The GitHub provider ARN as the readers give it when the template writes `${AWS::AccountId}` or refers to the provider resource. */
const GITHUB_PROVIDER_ARN =
  'arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com';

const pick = (role: IacRole | undefined, pointers: string[]) =>
  Object.fromEntries(pointers.map((p) => [p, role?.valuePositions[p]]));

describe('readCloudFormation: YAML with short-form tags', () => {
  const roles = read('github-oidc-short-tags.yaml');

  it('reads every AWS::IAM::Role, one per branch of an undecided Fn::If', () => {
    expect(roles.map((r) => [r.id, r.variant ?? null, r.roleName ?? null])).toEqual([
      ['DeployRole', 'IsProd=true', 'octo-org-deploy'],
      ['DeployRole', 'IsProd=false', 'octo-org-deploy'],
      ['ProviderRole', null, null],
      ['ParamRole', null, null],
    ]);
  });

  it('resolves parameter defaults, pseudo parameters, Sub escapes, FindInMap, Join/Select of a list parameter', () => {
    const [prod, other] = roles;
    const statement = (subs: unknown) => ({
      Effect: 'Allow',
      Principal: { Federated: GITHUB_PROVIDER_ARN },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' }, StringLike: { [SUB]: subs } },
    });
    expect(prod?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        statement([
          'repo:octo-org/deploy-tools:ref:refs/heads/${literal}',
          'repo:octo-org/release:*',
          mark(0),
        ]),
      ],
    });
    // `!If [IsProd, …, !Ref AWS::NoValue]`: the false branch leaves the list item out.
    expect(other?.document).toEqual({
      Version: '2012-10-17',
      Statement: [statement(['repo:octo-org/deploy-tools:ref:refs/heads/${literal}', mark(0)])],
    });
    expect(prod?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/StringLike/${SUB}/2`,
        description: '`!ImportValue SharedRepoPattern` (an export of another stack)',
      },
    ]);
    expect(other?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/StringLike/${SUB}/1`,
        description: '`!ImportValue SharedRepoPattern` (an export of another stack)',
      },
    ]);
  });

  it('an expression with an unknown part is one unknown, quoting the source and naming the part', () => {
    const role = roles.find((r) => r.id === 'ProviderRole');
    expect(role?.document).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: GITHUB_PROVIDER_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { [SUB]: mark(0) } },
        },
      ],
    });
    expect(role?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/StringLike/${SUB}`,
        description:
          "`!Sub 'repo:${GitHubOrg}/*:environment:${Environment}'` (`${Environment}` is a parameter with no default)",
      },
    ]);
  });

  it('a whole document that is a parameter with no default is unknown at the empty pointer', () => {
    const role = roles.find((r) => r.id === 'ParamRole');
    expect(role?.document).toBeUndefined();
    expect(role?.unknowns).toEqual([
      { pointer: '', description: '`!Ref TrustPolicy` (a parameter with no default)' },
    ]);
  });

  it('positions: the role at its logical id, values where the role writes them (1-based)', () => {
    expect(roles.map((r) => r.position)).toEqual([
      { line: 33, column: 3 },
      { line: 33, column: 3 },
      { line: 55, column: 3 },
      { line: 67, column: 3 },
    ]);
    expect(
      pick(roles[0], [
        '',
        '/Statement/0/Principal/Federated',
        `/Statement/0/Condition/StringEquals/${AUD}`,
        `/Statement/0/Condition/StringLike/${SUB}/0`,
        `/Statement/0/Condition/StringLike/${SUB}/1`,
        `/Statement/0/Condition/StringLike/${SUB}/2`,
      ]),
    ).toEqual({
      '': { line: 38, column: 9 },
      '/Statement/0/Principal/Federated': { line: 42, column: 26 },
      // `!FindInMap` is where the role looks the value up, not where Mappings writes it.
      [`/Statement/0/Condition/StringEquals/${AUD}`]: { line: 46, column: 58 },
      [`/Statement/0/Condition/StringLike/${SUB}/0`]: { line: 49, column: 21 },
      // The Join inside the taken branch of the `!If`.
      [`/Statement/0/Condition/StringLike/${SUB}/1`]: { line: 52, column: 23 },
      [`/Statement/0/Condition/StringLike/${SUB}/2`]: { line: 54, column: 21 },
    });
    expect(roles[0]?.file).toBe('github-oidc-short-tags.yaml');
  });
});

describe('readCloudFormation: JSON', () => {
  const [role, ...rest] = read('federation-and-role.json');

  it('decides a condition from parameter defaults and takes only that branch', () => {
    expect(rest).toEqual([]);
    expect(role).toMatchObject({ id: 'RoleGithubActions', position: { line: 23, column: 5 } });
    expect(role?.variant).toBeUndefined();
    // RoleName is a parameter with no default: not known.
    expect(role?.roleName).toBeUndefined();
    expect(role?.document).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: GITHUB_PROVIDER_ARN },
          Condition: { StringLike: { [SUB]: mark(0) } },
        },
      ],
    });
    expect(role?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/StringLike/${SUB}`,
        description:
          '`{ "Fn::Sub": "repo:${GitHubOrganization}/${RepositoryName}:ref:refs/heads/${BranchName}" }` (`${GitHubOrganization}` is a parameter with no default)',
      },
    ]);
    expect(
      pick(role, ['/Statement/0/Principal/Federated', `/Statement/0/Condition/StringLike/${SUB}`]),
    ).toEqual({
      // The branch of the `Fn::If` that gave the value.
      '/Statement/0/Principal/Federated': { line: 36, column: 21 },
      [`/Statement/0/Condition/StringLike/${SUB}`]: { line: 43, column: 62 },
    });
  });

  it('gives the same policy as the public YAML template it was written from', () => {
    const [yaml] = read('public/configure-aws-credentials-federation-and-role.yml');
    expect(yaml?.document).toEqual(role?.document);
    expect(yaml?.unknowns.map((u) => u.pointer)).toEqual(role?.unknowns.map((u) => u.pointer));
    expect(yaml?.unknowns[0]?.description).toBe(
      '`!Sub repo:${GitHubOrganization}/${RepositoryName}:ref:refs/heads/${BranchName}` (`${GitHubOrganization}` is a parameter with no default)',
    );
    expect(yaml?.position).toEqual({ line: 53, column: 3 });
  });
});

describe('readCloudFormation: public templates', () => {
  it('a template without AWSTemplateFormatVersion, the provider referred to by !Ref', () => {
    const roles = read('public/aws-lambda-power-tuning-iam-oidc.yml');
    expect(roles).toHaveLength(1);
    expect(roles[0]?.document).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: GITHUB_PROVIDER_ARN },
          Condition: {
            StringEquals: { [AUD]: 'sts.amazonaws.com' },
            StringLike: { [SUB]: 'repo:alexcasalboni/aws-lambda-power-tuning:*' },
          },
        },
      ],
    });
    expect(roles[0]?.unknowns).toEqual([]);
  });

  it('an audience given as a parameter with no default stays unknown', () => {
    const [role] = read('public/aws-lambda-power-tuning-iam-oidc-ed0757b.yml');
    expect(role?.document).toMatchObject({
      Statement: [{ Condition: { StringEquals: { [AUD]: mark(0) } } }],
    });
    expect(role?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/StringEquals/${AUD}`,
        description: '`!Ref OIDCAudience` (a parameter with no default)',
      },
    ]);
  });
});

describe('looksLikeCloudFormation', () => {
  it('recognises templates with or without a format version, JSON or YAML', () => {
    for (const name of [
      'github-oidc-short-tags.yaml',
      'federation-and-role.json',
      'public/aws-lambda-power-tuning-iam-oidc.yml',
    ])
      expect(looksLikeCloudFormation(readFileSync(join(FIXTURES, name), 'utf8')), name).toBe(true);
  });

  it('claims a JSON template that does not parse only when it names a format version', () => {
    expect(looksLikeCloudFormation('{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {')).toBe(true);
    expect(looksLikeCloudFormation('{"Resources": {"R": {"Type": "AWS::IAM::Role"}')).toBe(false);
  });

  it('does not claim policy documents, IAM output or Terraform plans', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*' }],
    });
    const getRole = JSON.stringify({ Role: { RoleName: 'r', AssumeRolePolicyDocument: {} } });
    const plan = JSON.stringify({
      format_version: '1.2',
      planned_values: { root_module: { resources: [{ type: 'aws_iam_role', address: 'aws_iam_role.r' }] } },
    });
    // A Serverless Framework file nests CloudFormation resources under its own `resources` key.
    const serverless = 'service: app\nresources:\n  Resources:\n    Role:\n      Type: AWS::IAM::Role\n';
    const nested = JSON.stringify({ stack: { Resources: { R: { Type: 'AWS::IAM::Role' } } } });
    for (const text of [policy, getRole, plan, 'resource "aws_iam_role" "r" {}\n', serverless, nested])
      expect(looksLikeCloudFormation(text), text).toBe(false);
  });
});
