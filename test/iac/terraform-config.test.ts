import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IacParseError, type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { OWN_ACCOUNT } from '../../shared/iac/oidc-provider.js';
import { readTerraformConfig } from '../../shared/iac/terraform/config.js';

const DIR = 'test/fixtures/terraform/config';
const OIDC = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const mark = (i: number) => `${UNKNOWN_MARK}${i}`;

function firstCondition(role: IacRole | undefined): unknown {
  const document = role?.document as { Statement: { Condition?: unknown }[] } | undefined;
  return document?.Statement[0]?.Condition;
}

async function read(...paths: string[]): Promise<Map<string, IacRole>> {
  const roles = await readTerraformConfig(
    paths.map((p) => ({ file: `${DIR}/${p}`, text: readFileSync(`${DIR}/${p}`, 'utf8') })),
  );
  return new Map(roles.map((r) => [r.id, r]));
}

describe('readTerraformConfig: jsonencode', async () => {
  const roles = await read('jsonencode.tf');

  it('reads every aws_iam_role, in the order written, at the line of its block', () => {
    expect([...roles.values()].map((r) => [r.id, r.position])).toEqual([
      ['aws_iam_role.deploy', { line: 7, column: 1 }],
      ['aws_iam_role.org_wide', { line: 36, column: 1 }],
      ['aws_iam_role.per_repo', { line: 54, column: 1 }],
      ['aws_iam_role.from_local', { line: 72, column: 1 }],
    ]);
  });

  it('reads jsonencode of literals exactly, with the line and column of each value', () => {
    const deploy = roles.get('aws_iam_role.deploy');
    expect(deploy).toMatchObject({ file: `${DIR}/jsonencode.tf`, roleName: 'gh-deploy', unknowns: [] });
    expect(deploy?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: OIDC },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: {
              'token.actions.githubusercontent.com:sub': [
                'repo:acme/app:ref:refs/heads/main',
                'repo:acme/app:environment:prod',
              ],
            },
          },
        },
      ],
    });
    expect(
      deploy?.valuePositions['/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub/1'],
    ).toEqual({ line: 24, column: 95 });
  });

  it('keeps what needs evaluation unknown, known after plan, never guessed: values, keys, the role name', () => {
    const role = roles.get('aws_iam_role.org_wide');
    expect(role?.roleName).toBeUndefined();
    expect(role?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          // The provider of the file, whose url is literal: its ARN in the role's own account.
          Principal: {
            Federated: `arn:aws:iam::${OWN_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
          },
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
          Condition: {
            StringLike: {
              [mark(0)]: 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': mark(1),
            },
          },
        },
      ],
    });
    expect(role?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/StringLike/${mark(0)}`,
        description: '`"${var.oidc_host}:aud"` (known after plan)',
      },
      {
        pointer: '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub',
        description: '`"repo:${var.github_org}/*"` (known after plan)',
      },
    ]);
    expect(role?.valuePositions).toMatchObject({
      '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub': { line: 46, column: 55 },
    });
  });

  it('reads a for_each role as one role named without an instance key, each.key unknown', () => {
    const role = roles.get('aws_iam_role.per_repo');
    expect(role?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Condition/StringEquals/token.actions.githubusercontent.com:sub',
        description: '`"repo:acme/${each.key}:ref:refs/heads/main"` (known after plan)',
      },
    ]);
  });

  it('leaves a policy taken from a local wholly unknown', () => {
    expect(roles.get('aws_iam_role.from_local')).toMatchObject({
      document: undefined,
      unknowns: [{ pointer: '', description: '`local.trust_policy` (known after plan)' }],
    });
  });
});

describe('readTerraformConfig: heredoc and JSON strings', async () => {
  const roles = await read('heredoc.tf');

  it('reads a heredoc, an indented heredoc (its $${ escape a literal ${) and a quoted JSON string', () => {
    expect(roles.get('aws_iam_role.heredoc')?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: OIDC },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/*' },
          },
        },
      ],
    });
    expect(roles.get('aws_iam_role.heredoc')?.valuePositions).toMatchObject({
      '/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub': { line: 14, column: 67 },
    });
    expect(roles.get('aws_iam_role.indented')?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ec2.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } },
        },
      ],
    });
    expect(roles.get('aws_iam_role.quoted')).toMatchObject({
      roleName: 'gh-quoted',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
        ],
      },
      unknowns: [],
    });
  });
});

describe('readTerraformConfig: aws_iam_policy_document across a module’s files', async () => {
  const roles = await read('module/roles.tf', 'module/documents.tf');

  it('resolves a role’s reference to a data source in another file, rendered as the provider does', () => {
    const ci = roles.get('aws_iam_role.ci');
    expect(ci).toMatchObject({
      file: `${DIR}/module/roles.tf`,
      position: { line: 2, column: 1 },
      roleName: 'gh-ci',
    });
    expect(ci?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'NoOtherActions',
          Effect: 'Deny',
          NotAction: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
          Principal: '*',
        },
        {
          Sid: 'GitHubDeploy',
          Effect: 'Allow',
          Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
          Principal: { Federated: OIDC },
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:repository_owner': mark(0),
            },
            StringLike: {
              'token.actions.githubusercontent.com:sub': [
                'repo:acme/app:ref:refs/heads/main',
                'repo:acme/app:environment:*',
              ],
            },
          },
        },
      ],
    });
    expect(ci?.unknowns).toEqual([
      {
        pointer: '/Statement/1/Condition/StringEquals/token.actions.githubusercontent.com:repository_owner',
        description: '`var.owner` (known after plan)',
      },
    ]);
  });

  it('says so when the referenced data source is in none of the files', () => {
    expect(roles.get('aws_iam_role.unknown_source')?.unknowns).toEqual([
      {
        pointer: '',
        description: '`data.aws_iam_policy_document.not_here.json` (declared in none of the files read)',
      },
    ]);
  });

  it('reads a trust policy document no role here uses as a role of its own; a policy without principals is not one', () => {
    expect([...roles.keys()]).toEqual([
      'aws_iam_role.ci',
      'aws_iam_role.unknown_source',
      'data.aws_iam_policy_document.for_module',
    ]);
    const document = roles.get('data.aws_iam_policy_document.for_module');
    expect(document).toMatchObject({ file: `${DIR}/module/documents.tf`, position: { line: 54, column: 1 } });
    expect(document?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: {
            AWS: ['arn:aws:iam::444455556666:root', 'arn:aws:iam::111122223333:root'],
            Federated: OIDC,
          },
          Condition: { [mark(0)]: mark(0), StringLike: { [mark(1)]: 'repo:acme/*:ref:refs/heads/main' } },
        },
      ],
    });
    expect(document?.unknowns).toEqual([
      {
        pointer: `/Statement/0/Condition/${mark(0)}`,
        description: '`dynamic "condition"` blocks for each of `var.extra_conditions` (known after plan)',
      },
      {
        pointer: `/Statement/0/Condition/StringLike/${mark(1)}`,
        description: '`"${local.oidc_host}:sub"` (known after plan)',
      },
    ]);
  });
});

describe('readTerraformConfig on real configurations', () => {
  it('drops the sub condition of the GOV.UK mirror role as Terraform did: a repeated key keeps only its last value', async () => {
    const [role] = (await read('real/govuk-mirror-vulnerable.tf')).values();
    expect(role?.id).toBe('aws_iam_role.github_action_mirror_repos_role');
    expect(role?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: mark(1) },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': mark(0) } },
        },
      ],
    });
    expect(role?.unknowns.map((u) => u.description)).toEqual([
      '`one(aws_iam_openid_connect_provider.github_provider.client_id_list)` (known after plan)',
      '`aws_iam_openid_connect_provider.github_provider.arn` (known after plan)',
    ]);
  });

  it('keeps the sub condition of the fixed GOV.UK mirror role', async () => {
    const [role] = (await read('real/govuk-mirror-fixed.tf')).values();
    expect(firstCondition(role)).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': mark(0),
        'token.actions.githubusercontent.com:sub': ['repo:alphagov/govuk-infrastructure:ref:refs/heads/main'],
      },
    });
  });

  it('reads a heredoc with interpolated subjects, each subject unknown with its template', async () => {
    const [role] = (await read('real/issue-331-heredoc.tf')).values();
    expect(role?.document).toEqual({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: mark(0) },
        Condition: { StringEquals: { 'token.actions.githubusercontent.com:sub': [mark(1), mark(2)] } },
      },
    });
    expect(role?.unknowns.slice(1)).toEqual([
      {
        pointer: '/Statement/Condition/StringEquals/token.actions.githubusercontent.com:sub/0',
        description:
          '`"repo:${var.org_name}/${var.repo_name}:ref:refs/heads/${var.branch_name}"` (known after plan)',
      },
      {
        pointer: '/Statement/Condition/StringEquals/token.actions.githubusercontent.com:sub/1',
        description: '`"repo:${var.org_name}/${var.repo_name}:pull_request"` (known after plan)',
      },
    ]);
    expect(
      role?.valuePositions['/Statement/Condition/StringEquals/token.actions.githubusercontent.com:sub/1'],
    ).toEqual({
      line: 17,
      column: 11,
    });
  });

  it('keeps a dynamic condition block unknown beside the written ones', async () => {
    const [role] = (await read('real/champ-oss-dynamic-condition.tf')).values();
    expect(firstCondition(role)).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      [mark(1)]: mark(1),
    });
  });
});

describe('readTerraformConfig on bad input', () => {
  const one = (text: string) => readTerraformConfig([{ file: 'main.tf', text }]);

  it('reports an HCL syntax error at its line and column', async () => {
    const error = await one('resource "aws_iam_role" "r" {\n  name = \n}\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IacParseError);
    expect((error as IacParseError).message).toMatch(
      /^main\.tf: invalid HCL at line 2 column \d+: Invalid expression/,
    );
    expect((error as IacParseError).position?.line).toBe(2);
  });

  it('names the role whose heredoc is not JSON', async () => {
    await expect(
      one('resource "aws_iam_role" "r" {\n  assume_role_policy = <<EOF\n{"Version": \nEOF\n}\n'),
    ).rejects.toThrow(/^main\.tf: aws_iam_role\.r: assume_role_policy: invalid JSON/);
  });

  it('refuses an argument Terraform rejects, with its hint', async () => {
    const text =
      'data "aws_iam_policy_document" "d" {\n  statement {\n    action = ["sts:AssumeRole"]\n  }\n}\n';
    await expect(one(text)).rejects.toThrow(
      'main.tf: data.aws_iam_policy_document.d: statement[0]: unsupported argument "action" (Terraform rejects it; did you mean "actions"?)',
    );
  });

  it('reads a file that starts with a byte order mark, positions as an editor counts them', async () => {
    const [role] = await readTerraformConfig([
      { file: 'bom.tf', text: '\uFEFFresource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n' },
    ]);
    expect(role).toMatchObject({ id: 'aws_iam_role.r', position: { line: 1, column: 1 }, document: {} });
  });

  it('parses only the files that name a role or a policy document', async () => {
    const roles = await readTerraformConfig([
      { file: 'variables.tf', text: 'variable "unfinished" {\n' },
      { file: 'main.tf', text: 'resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n' },
    ]);
    expect(roles.map((r) => [r.file, r.id, r.document])).toEqual([['main.tf', 'aws_iam_role.r', {}]]);
  });

  it('merges override files into the blocks they override, in name order, as Terraform does', async () => {
    const role = (policy: string, extra = '') =>
      `resource "aws_iam_role" "r" {\n  name = "base"\n${extra}  assume_role_policy = ${JSON.stringify(policy)}\n}\n`;
    const [merged, ...rest] = await readTerraformConfig([
      { file: 'z_override.tf', text: role('{"Version":"2012-10-17","Statement":[]}') },
      { file: 'main.tf', text: role('{}') },
      { file: 'override.tf', text: 'resource "aws_iam_role" "r" {\n  name = "renamed"\n}\n' },
    ]);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({
      file: 'main.tf',
      id: 'aws_iam_role.r',
      roleName: 'base',
      position: { line: 1, column: 1 },
      document: { Version: '2012-10-17', Statement: [] },
      valuePositions: {},
    });
    await expect(
      readTerraformConfig([
        { file: 'x_override.tf', text: 'resource "aws_iam_role" "q" {\n  name = "n"\n}\n' },
      ]),
    ).rejects.toThrow('x_override.tf: resource "aws_iam_role" "q" overrides a block no other file declares');
  });

  it('refuses a role declared twice across a module’s files', async () => {
    const role = 'resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n}\n';
    await expect(
      readTerraformConfig([
        { file: 'a.tf', text: role },
        { file: 'b.tf', text: role },
      ]),
    ).rejects.toThrow('b.tf: resource "aws_iam_role" "r" is declared twice (also in a.tf)');
  });
});

describe('readTerraformConfig: data.aws_partition read in the default partition', () => {
  it('resolves a service principal’s dns_suffix, and keeps an account ARN unknown', async () => {
    // Hand-written.
    const text = `data "aws_partition" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.\${data.aws_partition.current.dns_suffix}"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:\${data.aws_partition.current.partition}:iam::\${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_iam_role" "instance" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
`;
    const [role] = await readTerraformConfig([{ file: 'main.tf', text }]);
    expect(role?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'ec2.amazonaws.com', AWS: mark(0) },
        },
      ],
    });
    expect(role?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/AWS',
        description:
          '`"arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"` (known after plan)',
      },
    ]);
  });
});
