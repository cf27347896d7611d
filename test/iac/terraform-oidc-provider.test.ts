import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintFiles } from '../../cli/commands/lint.js';
import { expandInputs } from '../../cli/iac-input.js';
import { isFileError } from '../../cli/model.js';
import { type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { OWN_ACCOUNT } from '../../shared/iac/oidc-provider.js';
import { readTerraformConfig, type TerraformFile } from '../../shared/iac/terraform/config.js';
import { readTerraformPlan } from '../../shared/iac/terraform/plan.js';
import { allResults } from '../support/lint-output.js';

// Hand-written configurations: the ways Terraform code names the GitHub OIDC provider of a trust policy.
const HOST = 'token.actions.githubusercontent.com';
const OWN_ACCOUNT_ARN = `arn:aws:iam::${OWN_ACCOUNT}:oidc-provider/${HOST}`;
const PROVIDER = `resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://${HOST}"
  client_id_list = ["sts.amazonaws.com"]
}
`;

/** A data document trusting `identifier` (HCL as written) for `sub`, and a role using it. */
function documentRole(identifier: string, sub = 'repo:acme/*'): string {
  return `data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [${identifier}]
    }
    condition {
      test     = "StringLike"
      variable = "${HOST}:sub"
      values   = ["${sub}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
`;
}

/** The document `documentRole` renders, its principal `federated`. */
function rendered(federated: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: federated },
        Condition: { StringLike: { [`${HOST}:sub`]: 'repo:acme/*' } },
      },
    ],
  };
}

async function readOne(files: Record<string, string>): Promise<IacRole> {
  const input: TerraformFile[] = Object.entries(files).map(([file, text]) => ({ file, text }));
  const roles = await readTerraformConfig(input);
  expect(roles.map((r) => r.id)).toEqual(['aws_iam_role.deploy']);
  return roles[0] as IacRole;
}

describe('readTerraformConfig: the ARN of an OIDC provider created next to the role', () => {
  it('reads aws_iam_openid_connect_provider.NAME.arn in a data document as the provider of its url, in the role’s own account', async () => {
    const role = await readOne({
      'main.tf': PROVIDER + documentRole('aws_iam_openid_connect_provider.github.arn'),
    });
    expect(role.unknowns).toEqual([]);
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
  });

  it('reads .id the same way: the AWS provider sets the resource id to the ARN', async () => {
    const role = await readOne({
      'main.tf': PROVIDER + documentRole('aws_iam_openid_connect_provider.github.id'),
    });
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
  });

  it('reads Federated = aws_iam_openid_connect_provider.NAME.arn inside jsonencode', async () => {
    const role = await readOne({
      'main.tf': `${PROVIDER}
resource "aws_iam_role" "deploy" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringLike = { "${HOST}:sub" = "repo:*" } }
    }]
  })
}
`,
    });
    expect(role.unknowns).toEqual([]);
    expect(role.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: OWN_ACCOUNT_ARN },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { [`${HOST}:sub`]: 'repo:*' } },
        },
      ],
    });
  });

  it('reads a provider declared in another file of the module', async () => {
    const role = await readOne({
      'oidc.tf': PROVIDER,
      'iam.tf': documentRole('aws_iam_openid_connect_provider.github.arn'),
    });
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
  });

  it('reads one instance of a count or for_each provider by its index, every instance having the literal url', async () => {
    const counted = `resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_provider ? 1 : 0
  url   = "https://${HOST}"
}
`;
    const role = await readOne({
      'main.tf': counted + documentRole('aws_iam_openid_connect_provider.github[0].arn'),
    });
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
    const keyed = counted.replace('count = var.create_provider ? 1 : 0', 'for_each = toset(["gh"])');
    const byKey = await readOne({
      'main.tf': keyed + documentRole('aws_iam_openid_connect_provider.github["gh"].arn'),
    });
    expect(byKey.document).toEqual(rendered(OWN_ACCOUNT_ARN));
  });

  it('reads data.aws_iam_openid_connect_provider.NAME.arn when the data source looks the provider up by a literal url', async () => {
    const role = await readOne({
      'main.tf': `data "aws_iam_openid_connect_provider" "github" {
  url = "https://${HOST}"
}
${documentRole('data.aws_iam_openid_connect_provider.github.arn')}`,
    });
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
  });

  it('reads an ARN whose only interpolation is the account (caller identity, a variable) as the own-account ARN', async () => {
    const callerIdentity = `"arn:aws:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/${HOST}"`;
    const role = await readOne({ 'main.tf': documentRole(callerIdentity) });
    expect(role.unknowns).toEqual([]);
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
    const heredoc = await readOne({
      'main.tf': `resource "aws_iam_role" "deploy" {
  assume_role_policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
  "Principal": {"Federated": "arn:aws:iam::\${var.account_id}:oidc-provider/${HOST}"}}]}
EOF
}
`,
    });
    expect(heredoc.unknowns).toEqual([]);
    expect(heredoc.document).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: OWN_ACCOUNT_ARN },
        },
      ],
    });
  });

  it.each([
    [
      'a provider whose url is a variable',
      'resource "aws_iam_openid_connect_provider" "github" {\n  url = var.url\n}\n',
      'aws_iam_openid_connect_provider.github.arn',
    ],
    [
      'a count provider referred to without an index',
      `resource "aws_iam_openid_connect_provider" "github" {\n  count = 1\n  url   = "https://${HOST}"\n}\n`,
      'aws_iam_openid_connect_provider.github.arn',
    ],
    [
      'a data source looked up by ARN',
      'data "aws_iam_openid_connect_provider" "github" {\n  arn = var.provider_arn\n}\n',
      'data.aws_iam_openid_connect_provider.github.arn',
    ],
    ['a provider declared in none of the files', '', 'aws_iam_openid_connect_provider.github.arn'],
  ])('keeps the ARN of %s unknown, known after plan', async (_, provider, reference) => {
    const role = await readOne({ 'main.tf': provider + documentRole(reference) });
    expect(role.document).toEqual(rendered(`${UNKNOWN_MARK}0`));
    expect(role.unknowns).toEqual([
      { pointer: '/Statement/0/Principal/Federated', description: `\`${reference}\` (known after plan)` },
    ]);
  });

  it('reads an ARN interpolating the partition (data.aws_partition, the default partition) and the account as the own-account ARN', async () => {
    const arn = `"arn:\${data.aws_partition.current.partition}:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/${HOST}"`;
    const role = await readOne({ 'main.tf': documentRole(arn) });
    expect(role.unknowns).toEqual([]);
    expect(role.document).toEqual(rendered(OWN_ACCOUNT_ARN));
    // The deprecated `id` is the partition too; a data source with count is read through an index.
    const viaId = `"arn:\${data.aws_partition.this[0].id}:iam::\${var.account_id}:oidc-provider/${HOST}"`;
    const counted = await readOne({ 'main.tf': documentRole(viaId) });
    expect(counted.unknowns).toEqual([]);
    expect(counted.document).toEqual(rendered(OWN_ACCOUNT_ARN));
  });

  it.each([
    ['the partition as a variable', `"arn:\${var.partition}:iam::\${var.account_id}:oidc-provider/${HOST}"`],
    [
      'the region as well as the account',
      '"arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/oidc.eks.${data.aws_region.current.name}.amazonaws.com/id/ABC"',
    ],
    [
      'an attribute aws_partition does not export',
      `"arn:\${data.aws_partition.current.region}:iam::\${var.account_id}:oidc-provider/${HOST}"`,
    ],
  ])('keeps an ARN unknown when more than its account is unknown: %s', async (_, arn) => {
    const role = await readOne({ 'main.tf': documentRole(arn) });
    expect(role.document).toEqual(rendered(`${UNKNOWN_MARK}0`));
    expect(role.unknowns).toEqual([
      { pointer: '/Statement/0/Principal/Federated', description: `\`${arn}\` (known after plan)` },
    ]);
  });
});

describe('readTerraformPlan: a provider the plan creates, named by a policy document read after apply', () => {
  // Hand-written plan (see test/fixtures/terraform/README.md).
  const file = 'test/fixtures/terraform/hand-written-plan-oidc-provider.json';
  const roles = new Map(readTerraformPlan(file, readFileSync(file, 'utf8')).map((r) => [r.id, r]));
  const document = (federated: string) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: federated },
        Condition: {
          StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${HOST}:sub`]: 'repo:*' },
        },
      },
    ],
  });

  it('rebuilds the document with the provider ARN from the planned url, in the role’s own account', () => {
    const role = roles.get('aws_iam_role.deploy');
    expect(role?.unknowns).toEqual([]);
    expect(role?.document).toEqual(document(OWN_ACCOUNT_ARN));
  });

  it('reads an instance of a count provider by its index', () => {
    const role = roles.get('aws_iam_role.counted');
    expect(role?.unknowns).toEqual([]);
    expect(role?.document).toEqual(document(OWN_ACCOUNT_ARN));
  });

  it('keeps the ARN of a provider whose url is known only after apply unknown', () => {
    const role = roles.get('aws_iam_role.eks');
    expect(role?.document).toEqual(document(`${UNKNOWN_MARK}0`));
    expect(role?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/Federated',
        description: '`aws_iam_openid_connect_provider.eks.arn` (known after apply)',
      },
    ]);
  });
});

describe('trustwatch lint on the most common Terraform pattern: a provider resource and a data document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trustwatch-tf-provider-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports repo:* as oidc.any-owner (critical) at the role’s line', async () => {
    const file = join(dir, 'main.tf');
    writeFileSync(file, PROVIDER + documentRole('aws_iam_openid_connect_provider.github.arn', 'repo:*'));
    const results = await allResults(lintFiles([file]));
    expect(results).toHaveLength(1);
    const [result] = results;
    if (!result || isFileError(result)) throw new Error(JSON.stringify(result));
    expect(result.file).toBe(`${file}#aws_iam_role.deploy`);
    expect(result.notes ?? []).toEqual([]);
    const anyOwner = result.findings.find((f) => f.ruleId === 'oidc.any-owner');
    expect(anyOwner).toMatchObject({ severity: 'critical', position: { line: 20, column: 1 } });
  });

  it('finds the provider in another file of the module when one .tf file is named', async () => {
    const module = mkdtempSync(join(dir, 'module-'));
    writeFileSync(join(module, 'oidc.tf'), PROVIDER);
    const file = join(module, 'iam.tf');
    writeFileSync(file, documentRole('aws_iam_openid_connect_provider.github.arn', 'repo:*'));
    // As the command does: a .tf file named stands for its module.
    const results = await allResults(lintFiles(expandInputs([file]).paths));
    expect(results).toHaveLength(1);
    const [result] = results;
    if (!result || isFileError(result)) throw new Error(JSON.stringify(result));
    expect(result.file).toBe(`${file}#aws_iam_role.deploy`);
    expect(result.findings.find((f) => f.ruleId === 'oidc.any-owner')).toMatchObject({
      severity: 'critical',
      position: { line: 16, column: 1 },
    });
  });

  it('reports repo:* as oidc.any-owner for a module-style role: jsonencode, partition and account interpolated', async () => {
    const module = mkdtempSync(join(dir, 'module-'));
    writeFileSync(
      join(module, 'data.tf'),
      'data "aws_partition" "current" {}\ndata "aws_caller_identity" "current" {}\n',
    );
    const file = join(module, 'main.tf');
    writeFileSync(
      file,
      `resource "aws_iam_role" "this" {
  name = "\${var.name}-github"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "sts:AssumeRoleWithWebIdentity"
      Principal = {
        Federated = "arn:\${data.aws_partition.current.partition}:iam::\${data.aws_caller_identity.current.account_id}:oidc-provider/${HOST}"
      }
      Condition = {
        StringEquals = { "${HOST}:aud" = "sts.amazonaws.com" }
        StringLike   = { "${HOST}:sub" = "repo:*" }
      }
    }]
  })
}
`,
    );
    const results = await allResults(lintFiles(expandInputs([module]).paths));
    expect(results).toHaveLength(1);
    const [result] = results;
    if (!result || isFileError(result)) throw new Error(JSON.stringify(result));
    expect(result.file).toBe(`${file}#aws_iam_role.this`);
    expect(result.notes ?? []).toEqual([]);
    expect(result.findings.find((f) => f.ruleId === 'oidc.any-owner')).toMatchObject({
      severity: 'critical',
      // The sub condition's value.
      position: { line: 13, column: 70 },
    });
  });
});
