import { describe, expect, it } from 'vitest';
import { IacParseError, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { fromHcl } from '../../shared/iac/terraform/hcl-value.js';
import { partitionAttribute } from '../../shared/iac/terraform/partition.js';
import {
  literalText,
  soleCallArgument,
  soleExpression,
  splitTemplate,
} from '../../shared/iac/terraform/template.js';
import { fromJsonTemplate } from '../../shared/iac/terraform/template-json.js';
import { toIacDocument } from '../../shared/iac/terraform/value.js';

describe('HCL templates', () => {
  it('splits literal text, interpolations (braces and strings inside them) and directives', () => {
    expect(splitTemplate('repo:${var.org}/${lookup({a = "}"}, "a")}:%{ if var.x }y%{ endif }')).toEqual([
      { literal: 'repo:' },
      { expression: 'var.org' },
      { literal: '/' },
      { expression: 'lookup({a = "}"}, "a")' },
      { literal: ':' },
      { directive: 'if var.x' },
      { literal: 'y' },
      { directive: 'endif' },
    ]);
  });

  it('reads $${ and %%{ as literal text, and strip markers as part of the interpolation', () => {
    expect(literalText('arn:aws:s3:::$${aws:username}/%%{x}')).toBe('arn:aws:s3:::${aws:username}/%{x}');
    expect(literalText('a ${var.b}')).toBeUndefined();
    expect(soleExpression('${~ var.b ~}')).toBe('var.b');
    expect(soleExpression('${var.b}-x')).toBeUndefined();
  });

  it('finds the argument of a call that is the whole expression, and only then', () => {
    expect(soleCallArgument('jsonencode({ a = ")" })', 'jsonencode')).toBe('{ a = ")" }');
    expect(soleCallArgument('jsonencode(a)[0]', 'jsonencode')).toBeUndefined();
    expect(soleCallArgument('jsonencode(a) == jsonencode(b)', 'jsonencode')).toBeUndefined();
    expect(soleCallArgument('yamlencode(a)', 'jsonencode')).toBeUndefined();
  });
});

describe('JSON written as a template', () => {
  it('makes each string holding an interpolation unknown, inside or outside a JSON string', () => {
    const value = fromJsonTemplate(
      '{"Federated": "${aws_iam_openid_connect_provider.gh.arn}", "${var.host}:sub": "repo:${var.org}/*", "aud": ${jsonencode(var.aud)}}',
      'main.tf',
    );
    const mark = (i: number) => `${UNKNOWN_MARK}${i}`;
    const { document, unknowns } = toIacDocument(value);
    expect(document).toEqual({ Federated: mark(0), [mark(1)]: mark(2), aud: mark(3) });
    expect(unknowns).toEqual([
      { pointer: '/Federated', description: '`aws_iam_openid_connect_provider.gh.arn` (known after plan)' },
      { pointer: `/${mark(1)}`, description: '`"${var.host}:sub"` (known after plan)' },
      { pointer: `/${mark(1)}`, description: '`"repo:${var.org}/*"` (known after plan)' },
      { pointer: '/aud', description: '`jsonencode(var.aud)` (known after plan)' },
    ]);
  });

  it('is wholly unknown when a directive writes it, and an error when it is not JSON', () => {
    const { document, unknowns } = toIacDocument(
      fromJsonTemplate('{"a": [%{ for s in var.l }"${s}",%{ endfor }]}', 'x'),
    );
    expect(document).toBeUndefined();
    expect(unknowns).toEqual([{ pointer: '', description: '`%{for s in var.l}` (known after plan)' }]);
    expect(() => fromJsonTemplate('{"a": }', 'main.tf: aws_iam_role.r')).toThrow(IacParseError);
  });
});

describe('aws_partition attributes in a template: the default partition, as CloudFormation reads AWS::Partition', () => {
  it.each([
    ['data.aws_partition.current.partition', 'aws'],
    ['data.aws_partition.current.id', 'aws'],
    ['data.aws_partition.current.dns_suffix', 'amazonaws.com'],
    ['data.aws_partition.current.reverse_dns_prefix', 'com.amazonaws'],
    [' data.aws_partition.this[0].partition ', 'aws'],
    ['data.aws_partition.this["k"].dns_suffix', 'amazonaws.com'],
  ])('reads %s as %s', (expression, value) => {
    expect(partitionAttribute(expression)).toBe(value);
  });

  it.each([
    'data.aws_region.current.name',
    'data.aws_region.current.id',
    'data.aws_partition.current.region',
    'aws_partition.current.partition',
    'var.partition',
    'upper(data.aws_partition.current.partition)',
  ])('knows nothing of %s', (expression) => {
    expect(partitionAttribute(expression)).toBeUndefined();
  });

  it('resolves service principals and keys in a JSON template and in HCL, and keeps a region unknown', () => {
    const json = fromJsonTemplate(
      '{"Service": ["ec2.${data.aws_partition.current.dns_suffix}", "${data.aws_partition.current.reverse_dns_prefix}.ecs"], "arn:${data.aws_partition.current.partition}:x": "logs.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"}',
      'main.tf',
    );
    const { document, unknowns } = toIacDocument(json);
    expect(document).toEqual({
      Service: ['ec2.amazonaws.com', 'com.amazonaws.ecs'],
      'arn:aws:x': `${UNKNOWN_MARK}0`,
    });
    expect(unknowns).toEqual([
      {
        pointer: '/arn:aws:x',
        description:
          '`"logs.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"` (known after plan)',
      },
    ]);
    const hcl = fromHcl(
      {
        Service: 'lambda.${data.aws_partition.current.dns_suffix}',
        '${data.aws_partition.current.partition}': '${data.aws_partition.current.partition}',
      },
      'main.tf',
    );
    expect(hcl).toEqual({ Service: 'lambda.amazonaws.com', aws: 'aws' });
  });
});
