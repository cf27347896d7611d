/**
 * The JSON the AWS provider renders for `data "aws_iam_policy_document"` (its policy document data
 * source and policy model: internal/service/iam/policy_document_data_source.go, policy_model.go).
 */
import { describe, expect, it } from 'vitest';
import { IacParseError, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { renderPolicyDocument } from '../../shared/iac/terraform/policy-document.js';
import { toIacDocument, Unresolved } from '../../shared/iac/terraform/value.js';

const render = (args: Parameters<typeof renderPolicyDocument>[0]) => renderPolicyDocument(args, 'd.tf');

describe('renderPolicyDocument', () => {
  it('defaults Version to 2012-10-17 and Effect to Allow, writes a one-element set as a string and a larger one sorted in reverse, once each', () => {
    expect(
      render({
        statement: [{ actions: ['sts:AssumeRole'], resources: ['b', 'a', 'c', 'a'], sid: '' }],
      }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['c', 'b', 'a'] }],
    });
  });

  it('keeps policy_id, version, sid, effect and not_actions; leaves out empty sets', () => {
    expect(
      render({
        version: '2008-10-17',
        policy_id: 'trust',
        statement: [
          { sid: 'Deny', effect: 'Deny', not_actions: ['sts:TagSession', 'sts:AssumeRole'], actions: [] },
        ],
      }),
    ).toEqual({
      Version: '2008-10-17',
      Id: 'trust',
      Statement: [{ Sid: 'Deny', Effect: 'Deny', NotAction: ['sts:TagSession', 'sts:AssumeRole'] }],
    });
  });

  it('writes a lone principal of type "*" with identifier "*" as "*", and any other as a map', () => {
    const lone = render({
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: '*', identifiers: ['*'] }] }],
    });
    expect((lone as { Statement: { Principal: unknown }[] }).Statement[0]?.Principal).toBe('*');
    const aws = render({
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'AWS', identifiers: ['*'] }] }],
    });
    expect((aws as { Statement: { Principal: unknown }[] }).Statement[0]?.Principal).toEqual({ AWS: '*' });
  });

  it('merges principals blocks of one type, and of two types into one map', () => {
    const document = render({
      statement: [
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [
            {
              type: 'Federated',
              identifiers: ['arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com'],
            },
            { type: 'AWS', identifiers: ['arn:aws:iam::1:root', 'arn:aws:iam::2:root'] },
            { type: 'Federated', identifiers: ['accounts.google.com'] },
          ],
          not_principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }],
        },
      ],
    });
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: {
            AWS: ['arn:aws:iam::2:root', 'arn:aws:iam::1:root'],
            Federated: [
              'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com',
              'accounts.google.com',
            ],
          },
          NotPrincipal: { Service: 'ec2.amazonaws.com' },
        },
      ],
    });
  });

  it('groups conditions by test and variable, appends values in order, writes one value as a string, and turns &{ into ${', () => {
    const document = render({
      statement: [
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          condition: [
            {
              test: 'StringLike',
              variable: 'token.actions.githubusercontent.com:sub',
              values: ['repo:a/b:*'],
            },
            {
              test: 'StringEquals',
              variable: 'token.actions.githubusercontent.com:aud',
              values: ['sts.amazonaws.com'],
            },
            {
              test: 'StringLike',
              variable: 'token.actions.githubusercontent.com:sub',
              values: ['repo:a/c:*', 'repo:a/b:*'],
            },
            { test: 'StringEquals', variable: 'aws:PrincipalTag/team', values: ['&{aws:username}'] },
            { test: 'Bool', variable: 'aws:SecureTransport', values: [true] },
          ],
        },
      ],
    });
    expect((document as { Statement: { Condition: unknown }[] }).Statement[0]?.Condition).toEqual({
      Bool: { 'aws:SecureTransport': 'true' },
      StringEquals: {
        'aws:PrincipalTag/team': '${aws:username}',
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      },
      StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:a/b:*', 'repo:a/c:*', 'repo:a/b:*'] },
    });
  });

  it('merges source documents before and override documents after its own statements, a Sid replacing the same Sid', () => {
    const source = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Keep', Effect: 'Deny', Action: 'sts:AssumeRole', Principal: '*' },
        { Sid: 'Mine', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::9:root' } },
      ],
    });
    const override = { Statement: { Sid: 'Keep', Effect: 'Deny', Action: 'sts:TagSession', Principal: '*' } };
    expect(
      render({
        source_policy_documents: [source],
        override_policy_documents: [override],
        statement: [
          {
            sid: 'Mine',
            actions: ['sts:AssumeRole'],
            principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::1:root'] }],
          },
        ],
      }),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Keep', Effect: 'Deny', Action: 'sts:TagSession', Principal: '*' },
        { Sid: 'Mine', Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::1:root' } },
      ],
    });
  });

  it('keeps unknown values, keys and blocks unknown', () => {
    const value = render({
      statement: [
        {
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [
            { type: 'Federated', identifiers: new Unresolved('`local.provider_arn` (known after plan)') },
          ],
          condition: [
            {
              test: 'StringLike',
              variable: new Unresolved('`"${var.host}:sub"` (known after plan)'),
              values: ['repo:a/b:*'],
            },
            new Unresolved('`dynamic "condition"` blocks for each of `var.extra` (known after plan)'),
          ],
        },
        new Unresolved('`dynamic "statement"` blocks for each of `var.more` (known after plan)'),
      ],
    });
    const mark = (i: number) => `${UNKNOWN_MARK}${i}`;
    const { document, unknowns } = toIacDocument(value);
    expect({ document, unknowns }).toEqual({
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Principal: { Federated: mark(0) },
            Condition: { [mark(1)]: mark(1), StringLike: { [mark(2)]: 'repo:a/b:*' } },
          },
          mark(3),
        ],
      },
      unknowns: [
        {
          pointer: '/Statement/0/Principal/Federated',
          description: '`local.provider_arn` (known after plan)',
        },
        {
          pointer: `/Statement/0/Condition/${mark(1)}`,
          description: '`dynamic "condition"` blocks for each of `var.extra` (known after plan)',
        },
        {
          pointer: `/Statement/0/Condition/StringLike/${mark(2)}`,
          description: '`"${var.host}:sub"` (known after plan)',
        },
        {
          pointer: '/Statement/1',
          description: '`dynamic "statement"` blocks for each of `var.more` (known after plan)',
        },
      ],
    });
  });

  it('is wholly unknown when a source document is', () => {
    const unknown = new Unresolved('`var.base_policy` (known after plan)');
    expect(render({ source_policy_documents: [unknown], statement: [{ actions: ['sts:AssumeRole'] }] })).toBe(
      unknown,
    );
  });

  it('names the data source and field of a value Terraform would refuse', () => {
    expect(() => render({ statement: [{ actions: 'sts:AssumeRole' }] })).toThrow(IacParseError);
    expect(() => render({ statement: [{ actions: 'sts:AssumeRole' }] })).toThrow(
      'd.tf: statement[0].actions: must be a list of strings',
    );
    expect(() => render({ source_policy_documents: ['{'] })).toThrow(
      'd.tf: source_policy_documents[0]: invalid JSON',
    );
  });
});
