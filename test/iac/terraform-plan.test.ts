import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IacParseError, type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { OWN_ACCOUNT } from '../../shared/iac/oidc-provider.js';
import {
  looksLikeTerraformPlan,
  readTerraformPlan,
  readTerraformPlanChange,
} from '../../shared/iac/terraform/plan.js';

const FIXTURES = 'test/fixtures/terraform';
const CHECKOV = `${FIXTURES}/checkov_CKV_AWS_358_data_example_tfplan.json`;
const HAND_WRITTEN = `${FIXTURES}/hand-written-plan.json`;
const OIDC = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';

function read(file: string): IacRole[] {
  return readTerraformPlan(file, readFileSync(file, 'utf8'));
}

function byId(roles: IacRole[]): Map<string, IacRole> {
  return new Map(roles.map((r) => [r.id, r]));
}

function githubPolicy(operator: string, sub: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: OIDC },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          [operator]: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': sub,
          },
        },
      },
    ],
  };
}

describe('readTerraformPlan on Checkov’s CKV_AWS_358 plan (real terraform show -json output)', () => {
  const roles = byId(read(CHECKOV));

  it('finds the four for_each roles of the child module, by address', () => {
    expect([...roles.keys()].sort()).toEqual([
      'module.poc.aws_iam_role.r1["p1"]',
      'module.poc.aws_iam_role.r1["p2"]',
      'module.poc.aws_iam_role.r6["p1"]',
      'module.poc.aws_iam_role.r6["p2"]',
    ]);
    expect(roles.get('module.poc.aws_iam_role.r6["p2"]')?.roleName).toBe('r9');
  });

  it('gives each role the line and column of its resource in the planned values, and in the changes for diff', () => {
    expect(roles.get('module.poc.aws_iam_role.r6["p1"]')?.position).toEqual({ line: 42, column: 15 });
    const { after } = readTerraformPlanChange(CHECKOV, readFileSync(CHECKOV, 'utf8'));
    expect(after.find((r) => r.id === 'module.poc.aws_iam_role.r6["p1"]')?.position).toEqual({
      line: 1063,
      column: 7,
    });
  });

  it('follows a policy known only after apply to the data source instance its each.key picks, rendered as the provider does', () => {
    const role = roles.get('module.poc.aws_iam_role.r6["p1"]');
    expect(role?.unknowns).toEqual([]);
    expect(role?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Condition: {
            StringEquals: {
              'accounts.google.com:aud': 'sts.amazonaws.com',
              'accounts.google.com:sub': 'system:serviceaccount:p1:default',
            },
          },
        },
      ],
    });
  });

  it('reads the ARN of a provider the plan creates, known after apply, from its planned url: in the role’s own account', () => {
    const role = roles.get('module.poc.aws_iam_role.r1["p2"]');
    expect(role?.unknowns).toEqual([]);
    expect(role?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: `arn:aws:iam::${OWN_ACCOUNT}:oidc-provider/accounts.google.com` },
          Condition: {
            StringEquals: {
              'accounts.google.com:aud': 'sts.amazonaws.com',
              'accounts.google.com:sub': 'system:serviceaccount:p2:default',
            },
          },
        },
      ],
    });
  });
});

describe('readTerraformPlan on a hand-written plan (child modules, after_unknown, data sources)', () => {
  const roles = byId(read(HAND_WRITTEN));

  it('reads roles of the root module and of nested child modules', () => {
    expect([...roles.keys()]).toEqual([
      'aws_iam_role.deploy',
      'aws_iam_role.site',
      'module.ci.aws_iam_role.ci',
      'module.ci.module.inner.aws_iam_role.x["a"]',
      'module.ci.module.inner.aws_iam_role.x["b"]',
      'module.ci.module.inner.aws_iam_role.opaque',
    ]);
    const deploy = roles.get('aws_iam_role.deploy');
    expect(deploy).toMatchObject({ file: HAND_WRITTEN, roleName: 'gh-deploy', unknowns: [] });
    expect(deploy?.document).toEqual(githubPolicy('StringLike', 'repo:acme/app:*'));
  });

  it('takes a data source’s json when the plan knows it', () => {
    expect(roles.get('module.ci.module.inner.aws_iam_role.x["b"]')?.document).toEqual(
      githubPolicy('StringEquals', 'repo:acme/b:ref:refs/heads/main'),
    );
  });

  it('renders a data source read after apply from its statement blocks, unknowns kept', () => {
    const ci = roles.get('module.ci.aws_iam_role.ci');
    expect(ci?.roleName).toBe('gh-ci');
    expect(ci?.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GitHubCi',
          Effect: 'Allow',
          Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
          Principal: { Federated: `${UNKNOWN_MARK}0` },
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: {
              'token.actions.githubusercontent.com:sub': [
                'repo:acme/infra:ref:refs/heads/main',
                'repo:acme/infra:pull_request',
              ],
            },
          },
        },
      ],
    });
    expect(ci?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/Federated',
        description: '`aws_iam_openid_connect_provider.github.arn` (known after apply)',
      },
    ]);
  });

  it('leaves a policy that does not come from a policy document wholly unknown, and a name known after apply unset', () => {
    const opaque = roles.get('module.ci.module.inner.aws_iam_role.opaque');
    expect(opaque?.document).toBeUndefined();
    expect(opaque?.roleName).toBeUndefined();
    expect(opaque?.unknowns).toEqual([
      { pointer: '', description: '`module.policy.json` (known after apply)' },
    ]);
  });
});

describe('readTerraformPlanChange', () => {
  const text = readFileSync(HAND_WRITTEN, 'utf8');
  const { before, after } = readTerraformPlanChange(HAND_WRITTEN, text);

  it('gives each role before (its state) and after (the plan): created roles have no before, deleted ones no after', () => {
    expect(before.map((r) => r.id)).toEqual([
      'aws_iam_role.deploy',
      'aws_iam_role.site',
      'aws_iam_role.retired',
    ]);
    expect(after.map((r) => r.id)).toEqual([
      'aws_iam_role.deploy',
      'aws_iam_role.site',
      'module.ci.aws_iam_role.ci',
      'module.ci.module.inner.aws_iam_role.x["a"]',
      'module.ci.module.inner.aws_iam_role.x["b"]',
      'module.ci.module.inner.aws_iam_role.opaque',
    ]);
  });

  it('shows the widened sub of an updated role', () => {
    const [old, now] = [before[0], after[0]];
    expect(old?.document).toEqual(githubPolicy('StringEquals', 'repo:acme/app:ref:refs/heads/main'));
    expect(now?.document).toEqual(githubPolicy('StringLike', 'repo:acme/app:*'));
  });

  it('keeps the address of a role replaced only to rename it, the document the same and the name changed', () => {
    const [old, now] = [before[1], after[1]];
    expect(old?.id).toBe(now?.id);
    expect(old?.document).toEqual(now?.document);
    expect([old?.roleName, now?.roleName]).toEqual(['gh-site', 'gh-site-v2']);
  });

  it('follows after_unknown policies to their data sources as the planned values do', () => {
    const planned = byId(readTerraformPlan(HAND_WRITTEN, text));
    for (const { position: _, ...role } of after) {
      expect(role).toEqual({ ...planned.get(role.id), position: undefined });
    }
  });
});

describe('following a role to its policy document in a hand-written plan', () => {
  const documentJson = (sub: string) => JSON.stringify(githubPolicy('StringEquals', sub));
  const role = (name: string, index?: number) => ({
    address: `aws_iam_role.${name}${index === undefined ? '' : `[${index}]`}`,
    mode: 'managed',
    type: 'aws_iam_role',
    name,
    ...(index === undefined ? {} : { index }),
    values: { name: `${name}${index ?? ''}` },
  });
  const data = (name: string, json: string, index?: number | string) => ({
    address: `data.aws_iam_policy_document.${name}${index === undefined ? '' : `[${JSON.stringify(index)}]`}`,
    mode: 'data',
    type: 'aws_iam_policy_document',
    name,
    ...(index === undefined ? {} : { index }),
    values: { json },
  });
  const config = (name: string, references: string[]) => ({
    address: `aws_iam_role.${name}`,
    mode: 'managed',
    type: 'aws_iam_role',
    name,
    expressions: { assume_role_policy: { references } },
  });
  const unknownPolicy = ({ values: _, ...identity }: ReturnType<typeof role>) => ({
    ...identity,
    change: { actions: ['create'], before: null, after: {}, after_unknown: { assume_role_policy: true } },
  });
  const roles = [role('counted', 0), role('counted', 1), role('pinned'), role('mixed')];
  const plan = JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: [
          ...roles,
          data('per_index', documentJson('repo:acme/zero:*'), 0),
          data('per_index', documentJson('repo:acme/one:*'), 1),
          data('keyed', documentJson('repo:acme/blue:*'), 'blue'),
          data('keyed', documentJson('repo:acme/green:*'), 'green'),
        ],
      },
    },
    resource_changes: roles.map(unknownPolicy),
    configuration: {
      root_module: {
        resources: [
          config('counted', ['data.aws_iam_policy_document.per_index', 'count.index']),
          config('pinned', [
            'data.aws_iam_policy_document.keyed["green"].json',
            'data.aws_iam_policy_document.keyed["green"]',
            'data.aws_iam_policy_document.keyed',
          ]),
          config('mixed', ['data.aws_iam_policy_document.keyed', 'var.colour']),
        ],
      },
    },
  });
  const read = byId(readTerraformPlan('hand-written.json', plan));

  it('picks the instance its count.index names', () => {
    expect(read.get('aws_iam_role.counted[0]')?.document).toEqual(
      githubPolicy('StringEquals', 'repo:acme/zero:*'),
    );
    expect(read.get('aws_iam_role.counted[1]')?.document).toEqual(
      githubPolicy('StringEquals', 'repo:acme/one:*'),
    );
  });

  it('picks the instance a constant index names', () => {
    expect(read.get('aws_iam_role.pinned')?.document).toEqual(
      githubPolicy('StringEquals', 'repo:acme/green:*'),
    );
  });

  it('does not guess when the policy also depends on something else', () => {
    expect(read.get('aws_iam_role.mixed')).toMatchObject({
      document: undefined,
      unknowns: [
        {
          pointer: '',
          description: '`data.aws_iam_policy_document.keyed`, `var.colour` (known after apply)',
        },
      ],
    });
  });
});

describe('plan JSON dispatch and bad input', () => {
  it('recognises plan JSON and nothing else', () => {
    expect(looksLikeTerraformPlan(readFileSync(CHECKOV, 'utf8'))).toBe(true);
    expect(looksLikeTerraformPlan('{"Version":"2012-10-17","Statement":[]}')).toBe(false);
    expect(looksLikeTerraformPlan('{"format_version":"1.0","terraform_version":"1.5.0","values":{}}')).toBe(
      false,
    );
  });

  it('names the file and the field that is wrong', () => {
    expect(() => readTerraformPlan('p.json', '{"format_version":')).toThrow(IacParseError);
    expect(readTerraformPlan('p.json', '{"format_version":"0.1","planned_values":{}}')).toEqual([]);
    expect(() => readTerraformPlan('p.json', '{"format_version":"2.0","planned_values":{}}')).toThrow(
      'p.json: format_version 2.0 is not supported',
    );
    expect(() =>
      readTerraformPlan(
        'p.json',
        '{"format_version":"1.2","planned_values":{"root_module":{"resources":[{}]}}}',
      ),
    ).toThrow('p.json: planned_values.root_module.resources[0].address: expected a string');
    const badPolicy = JSON.stringify({
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            {
              address: 'aws_iam_role.r',
              mode: 'managed',
              type: 'aws_iam_role',
              name: 'r',
              values: { assume_role_policy: '{' },
            },
          ],
        },
      },
    });
    expect(() => readTerraformPlan('p.json', badPolicy)).toThrow(
      'p.json: aws_iam_role.r: assume_role_policy: invalid JSON',
    );
  });

  it('gives no position when the plan is not written in Terraform’s order', () => {
    const role = {
      address: 'aws_iam_role.r',
      mode: 'managed',
      type: 'aws_iam_role',
      name: 'r',
      values: { assume_role_policy: '{}' },
    };
    const inOrder = {
      format_version: '1.2',
      planned_values: { root_module: { resources: [role] } },
      configuration: {},
    };
    const reordered = { format_version: '1.2', configuration: {}, planned_values: inOrder.planned_values };
    expect(readTerraformPlan('p.json', JSON.stringify(inOrder))[0]?.position).toEqual({
      line: 1,
      column: 72,
    });
    expect(readTerraformPlan('p.json', JSON.stringify(reordered))[0]?.position).toBeUndefined();
    expect(readTerraformPlan('p.json', `\uFEFF${JSON.stringify(inOrder)}`)[0]?.position).toEqual({
      line: 1,
      column: 72,
    });
  });

  it('says where invalid JSON breaks', () => {
    try {
      readTerraformPlan('p.json', '{\n  "format_version": "1.2",\n  oops\n}');
      expect.unreachable();
    } catch (error) {
      expect((error as IacParseError).position).toEqual({ line: 3, column: 3 });
    }
  });
});
