import { describe, expect, it } from 'vitest';
import { OWN_ACCOUNT, readCloudFormation } from '../../shared/iac/cloudformation/index.js';
import { IacParseError, UNKNOWN_MARK } from '../../shared/iac/model.js';

// Hand-written templates, each showing one way of writing part of a trust policy.
const mark = (i: number) => `${UNKNOWN_MARK}${i}`;
const GITHUB = 'token.actions.githubusercontent.com';

/** A template with one role whose only statement trusts `principal` with a `sub` condition `sub`. */
function template(principal: string, sub: string, head = '', more = ''): string {
  return `${head}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal:
              Federated: ${principal}
            Condition:
              StringLike:
                ${GITHUB}:sub: ${sub}
${more}`;
}

const read = (text: string, partition?: string) =>
  readCloudFormation('t.yaml', text, partition ? { partition } : {});
const only = (text: string) => {
  const roles = read(text);
  expect(roles).toHaveLength(1);
  return roles[0];
};
/** The `sub` condition of the first statement. */
const subIn = (document: unknown) =>
  (document as { Statement: { Condition: { StringLike: Record<string, unknown> } }[] }).Statement[0]
    ?.Condition.StringLike[`${GITHUB}:sub`];
const subOf = (text: string) => subIn(only(text)?.document);

const PROVIDER = `
  Oidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://${GITHUB}
  CdkOidc:
    Type: Custom::AWSCDKOpenIdConnectProvider
    Properties:
      ServiceToken: !GetAtt Handler.Arn
      Url: https://${GITHUB}
  Handler:
    Type: AWS::Lambda::Function`;

describe('the OIDC provider of a Federated principal', () => {
  it.each([
    ['!Ref Oidc'],
    ['!GetAtt Oidc.Arn'],
    ['!GetAtt [Oidc, Arn]'],
    ['{ "Fn::GetAtt": ["Oidc", "Arn"] }'],
    ['!Ref CdkOidc'],
    ["!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'"],
    [
      "!Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':oidc-provider/', 'token.actions.githubusercontent.com']]",
    ],
  ])('%s is the GitHub provider of the stack account', (principal) => {
    const role = only(template(principal, 'repo:o/r:*', '', PROVIDER));
    expect(role?.document).toMatchObject({
      Statement: [{ Principal: { Federated: `arn:aws:iam::\${AWS::AccountId}:oidc-provider/${GITHUB}` } }],
    });
    expect(role?.unknowns).toEqual([]);
  });

  it.each([
    ["!Sub 'arn:aws:iam::${Account}:oidc-provider/token.actions.githubusercontent.com'"],
    [
      "!Join ['', ['arn:aws:iam::', !ImportValue CiAccount, ':oidc-provider/token.actions.githubusercontent.com']]",
    ],
  ])("%s: an account not written literally is the role's own (STS takes no other)", (principal) => {
    const head = 'Parameters:\n  Account:\n    Type: String\n';
    expect(only(template(principal, 'repo:o/r:*', head))?.document).toMatchObject({
      Statement: [{ Principal: { Federated: `arn:aws:iam::${OWN_ACCOUNT}:oidc-provider/${GITHUB}` } }],
    });
  });

  it('an unknown anywhere else in a provider ARN keeps it unknown', () => {
    const head = 'Parameters:\n  Host:\n    Type: String\n';
    const role = only(template("!Sub 'arn:aws:iam::${AWS::AccountId}:oidc-provider/${Host}'", 'x', head));
    expect(role?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/Federated',
        description:
          "`!Sub 'arn:aws:iam::${AWS::AccountId}:oidc-provider/${Host}'` (`${AWS::AccountId}` is the stack's account, known at deploy time; `${Host}` is a parameter with no default)",
      },
    ]);
  });

  it('another partition when asked', () => {
    const text = template('!Ref Oidc', "!Sub 'repo:o/${AWS::URLSuffix}:*'", '', PROVIDER);
    const [role] = read(text, 'aws-cn');
    expect(role?.document).toMatchObject({
      Statement: [
        {
          Principal: { Federated: `arn:aws-cn:iam::\${AWS::AccountId}:oidc-provider/${GITHUB}` },
          Condition: { StringLike: { [`${GITHUB}:sub`]: 'repo:o/amazonaws.com.cn:*' } },
        },
      ],
    });
  });

  it("the stack's account elsewhere than an OIDC provider ARN stays unknown", () => {
    const text = `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: !Sub 'arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root'
`;
    const role = only(text);
    expect(role?.document).toEqual({
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: mark(0) } }],
    });
    expect(role?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/AWS',
        description:
          "`!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'` (`${AWS::AccountId}` is the stack's account, known at deploy time)",
      },
    ]);
  });

  it('an attribute of another resource and a provider whose Url is a parameter stay unknown', () => {
    const head = 'Parameters:\n  Issuer:\n    Type: String\n';
    const more = `${PROVIDER}
  Other:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Ref Issuer`;
    expect(only(template('!GetAtt Handler.Arn', 'x', head, more))?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/Federated',
        description: '`!GetAtt Handler.Arn` (an attribute of resource Handler, known at deploy time)',
      },
    ]);
    expect(only(template('!Ref Other', 'x', head, more))?.unknowns).toEqual([
      {
        pointer: '/Statement/0/Principal/Federated',
        description:
          '`!Ref Other` (the ARN of OIDC provider Other, whose Url is not known; `!Ref Issuer` is a parameter with no default)',
      },
    ]);
  });
});

describe('string functions', () => {
  const head = `Parameters:
  Org:
    Type: String
    Default: octo
  Free:
    Type: String
  Branches:
    Type: CommaDelimitedList
    Default: main , dev
Mappings:
  Repos:
    octo:
      Name: app
`;
  it.each([
    ["!Sub ['repo:${O}/${R}:*', { O: !Ref Org, R: app }]", 'repo:octo/app:*'],
    ["!Sub 'repo:${Org}/x:ref:refs/heads/${!Branch}'", 'repo:octo/x:ref:refs/heads/${Branch}'],
    ["!Join ['/', [!Ref Org, !Select [1, !Ref Branches]]]", 'octo/dev'],
    ["!Select [0, !Split [',', 'repo:a/b:*,repo:c/d:*']]", 'repo:a/b:*'],
    ['!FindInMap [Repos, !Ref Org, Name]', 'app'],
    ["!Base64 'repo:o/r'", 'cmVwbzpvL3I='],
  ])('%s → %s', (expression, value) => {
    expect(subOf(template('x', expression, head))).toBe(value);
  });

  it.each([
    [
      "!Join ['', ['repo:', !Ref Free, '/*']]",
      "`!Join ['', ['repo:', !Ref Free, '/*']]` (`!Ref Free` is a parameter with no default)",
    ],
    [
      '!FindInMap [Repos, !Ref AWS::Region, Name]',
      '`!FindInMap [Repos, !Ref AWS::Region, Name]` (`!Ref AWS::Region` is known at deploy time)',
    ],
    [
      '!FindInMap [Repos, other, Name]',
      '`!FindInMap [Repos, other, Name]` (no entry other/Name in mapping Repos)',
    ],
    [
      '!Select [0, !GetAZs ""]',
      '`!Select [0, !GetAZs ""]` (`!GetAZs ""` is a region\'s Availability Zones, known at deploy time)',
    ],
    [
      '!Sub "repo:${AWS::StackName}:*"',
      '`!Sub "repo:${AWS::StackName}:*"` (`${AWS::StackName}` is known at deploy time)',
    ],
    [
      '!Cidr [10.0.0.0/16, 2, 8]',
      '`!Cidr [10.0.0.0/16, 2, 8]` (`Fn::Cidr`, which trustwatch does not evaluate)',
    ],
  ])('%s stays unknown', (expression, description) => {
    const role = only(template('x', expression, head));
    expect(subOf(template('x', expression, head))).toBe(mark(0));
    expect(role?.unknowns).toEqual([
      { pointer: `/Statement/0/Condition/StringLike/${GITHUB}:sub`, description },
    ]);
  });

  it('keeps the leading zero of an account id written as a plain YAML number', () => {
    expect(subOf(template('x', '012345678901'))).toBe('012345678901');
  });
});

describe('conditions', () => {
  const head = `Parameters:
  Env:
    Type: String
    Default: prod
  Free:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  ProdOrFree: !Or [!Condition IsProd, !Equals [!Ref Free, x]]
  DevAndFree: !And [!Condition IsDev, !Equals [!Ref Free, x]]
  FreeA: !Equals [!Ref Free, a]
  FreeB: !Equals [!Ref Free, b]
  InUsEast1: !Equals [!Ref AWS::Region, us-east-1]
`;
  const variants = (sub: string, more = '') =>
    read(template('x', sub, head, more)).map((r) => [r.variant ?? null, subIn(r.document)]);

  it('decided from parameter defaults: one branch, no variant', () => {
    expect(variants('!If [IsProd, prod, dev]')).toEqual([[null, 'prod']]);
    expect(variants('!If [IsDev, dev, prod]')).toEqual([[null, 'prod']]);
    // One true operand decides an Or, one false an And, beside an undecided one.
    expect(variants('!If [ProdOrFree, a, b]')).toEqual([[null, 'a']]);
    expect(variants('!If [DevAndFree, a, b]')).toEqual([[null, 'b']]);
  });

  it('undecided: one role per way through, nested conditions only where they are met', () => {
    expect(variants('!If [FreeA, a, !If [FreeB, b, c]]')).toEqual([
      ['FreeA=true', 'a'],
      ['FreeA=false, FreeB=true', 'b'],
      ['FreeA=false, FreeB=false', 'c'],
    ]);
    expect(variants('!If [InUsEast1, a, b]')).toEqual([
      ['InUsEast1=true', 'a'],
      ['InUsEast1=false', 'b'],
    ]);
  });

  it('branches that give the same policy are one role', () => {
    expect(variants('!If [FreeA, same, same]')).toEqual([[null, 'same']]);
  });

  it("a role's own Condition: absent when false, a variant when undecided", () => {
    const text = template('x', 'y', head).replace(
      '    Type: AWS::IAM::Role',
      '    Type: AWS::IAM::Role\n    Condition: COND',
    );
    expect(read(text.replace('COND', 'IsDev'))).toEqual([]);
    expect(read(text.replace('COND', 'IsProd')).map((r) => r.variant ?? null)).toEqual([null]);
    expect(read(text.replace('COND', 'FreeA')).map((r) => r.variant ?? null)).toEqual(['FreeA=true']);
  });

  it('AWS::NoValue leaves a property out', () => {
    const role = only(
      `${head}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal: { Service: lambda.amazonaws.com }
            Condition: !If [IsDev, { StringEquals: { aws:SourceAccount: '111122223333' } }, !Ref AWS::NoValue]
`,
    );
    expect(role?.document).toEqual({
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
      ],
    });
  });

  it('more combinations than the cap: the policy is not read, and says why', () => {
    const more = ['C1', 'C2', 'C3', 'C4', 'C5'];
    const conditions = more.map((c) => `  ${c}: !Equals [!Ref Free, ${c}]`).join('\n');
    const subs = `[${more.map((c) => `!If [${c}, a, b]`).join(', ')}]`;
    const role = only(template('x', subs, `${head}${conditions}\n`));
    expect(role?.document).toBeUndefined();
    expect(role?.unknowns).toEqual([
      {
        pointer: '',
        description:
          'the trust policy of Role depends on conditions (C1, C2, C3, C4, C5) with more than 16 combinations: not read',
      },
    ]);
  });
});

describe('documents and roles', () => {
  it('a trust policy written as a JSON string (Fn::Sub of a literal block)', () => {
    const role = only(`Parameters:
  Repo:
    Type: String
    Default: o/r
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument: !Sub |
        {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Condition": {"StringEquals": {"aws:PrincipalTag/repo": "\${Repo}"}}}]}
`);
    expect(role).toMatchObject({ roleName: 'deploy', unknowns: [] });
    expect(role?.document).toEqual({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Condition: { StringEquals: { 'aws:PrincipalTag/repo': 'o/r' } },
        },
      ],
    });
  });

  it('a whole document chosen by Fn::If: one role per branch, each as far as it resolves', () => {
    const roles = read(`Parameters:
  Mode:
    Type: String
Conditions:
  Shared: !Equals [!Ref Mode, shared]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !If
        - Shared
        - !ImportValue SharedTrust
        - Statement:
            - Effect: Allow
              Action: sts:AssumeRole
              Principal: { Service: lambda.amazonaws.com }
`);
    expect(roles.map((r) => [r.variant, r.document, r.unknowns])).toEqual([
      [
        'Shared=true',
        undefined,
        [{ pointer: '', description: '`!ImportValue SharedTrust` (an export of another stack)' }],
      ],
      [
        'Shared=false',
        {
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
          ],
        },
        [],
      ],
    ]);
  });

  it('roles made by Fn::ForEach are reported, their policy unknown', () => {
    const roles = read(`Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Deployers:
    - Repo
    - [app, web]
    - Deploy\${Repo}:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {}
      Fn::ForEach::Inner:
        - Env
        - [dev]
        - \${Repo}\${Env}Role:
            Type: AWS::IAM::Role
      Bucket\${Repo}:
        Type: AWS::S3::Bucket
`);
    expect(roles.map((r) => [r.id, r.position, r.document, r.unknowns])).toEqual([
      [
        'Fn::ForEach::Deployers/Deploy${Repo}',
        { line: 6, column: 7 },
        undefined,
        [
          {
            pointer: '',
            description: 'a role made by `Fn::ForEach::Deployers`, which trustwatch does not expand',
          },
        ],
      ],
      [
        'Fn::ForEach::Deployers/Fn::ForEach::Inner/${Repo}${Env}Role',
        { line: 13, column: 11 },
        undefined,
        [
          {
            pointer: '',
            description: 'a role made by `Fn::ForEach::Inner`, which trustwatch does not expand',
          },
        ],
      ],
    ]);
  });

  it('a JSON template with a byte order mark', () => {
    const text =
      '\uFEFF{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}}';
    expect(readCloudFormation('t.json', text).map((r) => [r.id, r.position])).toEqual([
      ['R', { line: 1, column: 17 }],
    ]);
  });

  it('keys with / and ~ are escaped in pointers', () => {
    const role = only(
      template('x', 'y').replace('StringLike:', 'StringLike:\n                a/b~c: !ImportValue V'),
    );
    expect(role?.unknowns.map((u) => u.pointer)).toEqual(['/Statement/0/Condition/StringLike/a~1b~0c']);
  });
});

describe('errors name the file, the place and what is wrong', () => {
  const fails = (text: string, file = 't.yaml') => {
    try {
      readCloudFormation(file, text);
    } catch (e) {
      expect(e).toBeInstanceOf(IacParseError);
      return [(e as IacParseError).message, (e as IacParseError).position ?? null];
    }
    throw new Error('no error');
  };

  it.each([
    [
      template('!Ref Nowhere', 'x'),
      't.yaml: line 11 column 26: `Ref` to Nowhere, which is neither a parameter nor a resource',
      { line: 11, column: 26 },
    ],
    [
      template('!Unknown x', 'x'),
      't.yaml: unknown tag !Unknown at line 11 column 26',
      { line: 11, column: 26 },
    ],
    [
      template('x', 'x').replace('      AssumeRolePolicyDocument:', '      RoleName: r\n      Other:'),
      't.yaml: line 6 column 7: role Role has no AssumeRolePolicyDocument',
      { line: 6, column: 7 },
    ],
    [
      template('!If [Cond, a]', 'x'),
      't.yaml: line 11 column 30: `Fn::If` needs a list of 3 values',
      { line: 11, column: 30 },
    ],
    [
      'Resources:\n  A: [1\n',
      't.yaml: invalid YAML at line 3 column 1: Flow sequence in block collection must be sufficiently indented and end with a ]',
      { line: 3, column: 1 },
    ],
    ['Description: no resources\n', 't.yaml: not a CloudFormation template: no Resources map', null],
  ])('%#', (text, message, position) => {
    expect(fails(text)).toEqual([message, position]);
  });

  it('Fn::If inside a condition', () => {
    const text = template(
      'x',
      '!If [A, a, b]',
      'Conditions:\n  A: !Equals [!If [B, x, y], x]\n  B: !Equals [a, a]\n',
    );
    expect(fails(text)).toEqual([
      't.yaml: line 2 column 20: `Fn::If` B inside a condition',
      { line: 2, column: 20 },
    ]);
  });

  it('a key written twice in JSON', () => {
    expect(fails('{"Resources": {"A": {"Type": "X", "Type": "Y"}}}', 't.json')).toEqual([
      't.json: key "Type" appears twice in one object (line 1 column 35)',
      { line: 1, column: 35 },
    ]);
  });

  it('a key written twice in YAML', () => {
    expect(fails('Resources:\n  A:\n    Type: X\n    Type: Y\n')).toEqual([
      't.yaml: key "Type" appears twice in one map (line 4 column 5)',
      { line: 4, column: 5 },
    ]);
  });
});
