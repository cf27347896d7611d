import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-context.js';
import { trustwatchStacks } from '../../infra/stacks.js';
import { looksLikeCloudFormation, readCloudAssembly } from '../../shared/iac/cloudformation/index.js';
import { IacParseError, type IacRole } from '../../shared/iac/model.js';
import { FULL_CONTEXT } from '../infra/synth.js';

/** What `cdk synth` adds to an app's context (construct paths, asset paths); bundling is skipped. */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:bundling-stacks': [],
};

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function cliApp(): { app: App; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'trustwatch-assembly-'));
  outdirs.push(outdir);
  return { app: new App({ outdir, context: CLI_CONTEXT }), outdir };
}

/** Reads the assembly as `trustwatch lint cdk.out` would, `cdk.out` standing for the temp directory. */
const readAssembly = (outdir: string) =>
  readCloudAssembly('cdk.out', (path) => readFileSync(join(outdir, path), 'utf8'));

interface Statement {
  Principal: Record<string, unknown>;
}
const statements = (role: IacRole) => (role.document as { Statement: Statement[] }).Statement;

describe("readCloudAssembly: this project's own CDK app", () => {
  let roles: IacRole[];
  let outdir: string;

  beforeAll(() => {
    const built = cliApp();
    outdir = built.outdir;
    trustwatchStacks(built.app, appSettings(FULL_CONTEXT));
    built.app.synth();
    roles = readAssembly(outdir);
  }, 120_000);

  it('reads every role of every stack template the manifest names', () => {
    // Independently: every AWS::IAM::Role of every template file in the directory.
    const expected = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .flatMap((f) => {
        const resources = JSON.parse(readFileSync(join(outdir, f), 'utf8')).Resources as Record<
          string,
          { Type: string }
        >;
        return Object.entries(resources)
          .filter(([, r]) => r.Type === 'AWS::IAM::Role')
          .map(([id]) => `cdk.out/${f}#${id}`);
      });
    expect(expected.length).toBeGreaterThan(5);
    expect(roles.map((r) => `${r.file}#${r.id}`).sort()).toEqual(expected.sort());
  });

  it('of the files cdk synth writes, only the templates look like CloudFormation', () => {
    const claimed = readdirSync(outdir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, looksLikeCloudFormation(readFileSync(join(outdir, f), 'utf8'))]);
    expect(claimed.length).toBeGreaterThan(3);
    for (const [f, yes] of claimed) expect(yes, String(f)).toBe(String(f).endsWith('.template.json'));
  });

  it('the monitor trusts AWS services only: no role is federated', () => {
    for (const role of roles) {
      for (const s of statements(role)) expect(Object.keys(s.Principal), role.id).toEqual(['Service']);
      expect(role.variant).toBeUndefined();
    }
  });

  it("the only unknown is the stack's account in a scheduler's aws:SourceAccount", () => {
    const unknowns = roles.flatMap((r) => r.unknowns);
    expect(unknowns.length).toBeGreaterThan(0);
    for (const u of unknowns)
      expect(u).toEqual({
        pointer: '/Statement/0/Condition/StringEquals/aws:SourceAccount',
        description: '`{ "Ref": "AWS::AccountId" }` (the stack\'s account, known at deploy time)',
      });
  });

  it('gives construct paths and the line of each logical id', () => {
    for (const role of roles) {
      const stack = role.file.slice('cdk.out/'.length).replace('.template.json', '');
      expect(role.constructPath, role.id).toMatch(new RegExp(`^${stack}/.+`));
      const lines = readFileSync(join(outdir, role.file.slice('cdk.out/'.length)), 'utf8').split('\n');
      const at = role.position ?? { line: 0, column: 0 };
      expect(lines[at.line - 1]?.slice(at.column - 1)).toBe(`"${role.id}": {`);
    }
  });
});

describe('readCloudAssembly: GitHub roles, a nested stack and a stage', () => {
  let roles: IacRole[];

  beforeAll(() => {
    const { app, outdir } = cliApp();
    const ci = new Stack(app, 'Ci');
    const provider = new iam.OpenIdConnectProvider(ci, 'GitHub', {
      url: 'https://token.actions.githubusercontent.com',
      clientIds: ['sts.amazonaws.com'],
    });
    new iam.Role(ci, 'Deploy', {
      roleName: 'deploy',
      assumedBy: new iam.OpenIdConnectPrincipal(provider, {
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/app:ref:refs/heads/main' },
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      }),
    });
    const inner = new NestedStack(ci, 'Inner');
    const native = new iam.OidcProviderNative(inner, 'Native', {
      url: 'https://token.actions.githubusercontent.com',
      clientIds: ['sts.amazonaws.com'],
    });
    new iam.Role(inner, 'Nested', {
      assumedBy: new iam.OpenIdConnectPrincipal(native).withConditions({
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/*' },
      }),
    });
    const svc = new Stack(new Stage(app, 'Prod'), 'Svc');
    new iam.Role(svc, 'Fn', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    app.synth();
    roles = readAssembly(outdir);
  }, 120_000);

  it('finds the roles of stacks, nested stack templates and stage assemblies', () => {
    // In the manifest's order: the stage's assembly comes first there.
    expect(roles.map((r) => [r.file, r.id, r.constructPath, r.roleName ?? null])).toEqual([
      ['cdk.out/assembly-Prod/ProdSvc66695059.template.json', 'Fn9270CBC0', 'Prod/Svc/Fn/Resource', null],
      [
        'cdk.out/Ci.template.json',
        'CustomAWSCDKOpenIdConnectProviderCustomResourceProviderRole517FED65',
        'Ci/Custom::AWSCDKOpenIdConnectProviderCustomResourceProvider/Role',
        null,
      ],
      ['cdk.out/Ci.template.json', 'Deploy7B206E61', 'Ci/Deploy/Resource', 'deploy'],
      ['cdk.out/CiInner7917A12F.nested.template.json', 'Nested0E007A7E', 'Ci/Inner/Nested/Resource', null],
    ]);
  });

  it('a principal of the CDK provider (custom resource) or the native one is the GitHub provider', () => {
    const provider = 'arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com';
    expect(roles.find((r) => r.id === 'Deploy7B206E61')?.document).toEqual({
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringLike: {
              'token.actions.githubusercontent.com:sub': 'repo:octo-org/app:ref:refs/heads/main',
            },
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          },
          Effect: 'Allow',
          Principal: { Federated: provider },
        },
      ],
      Version: '2012-10-17',
    });
    expect(roles.find((r) => r.id === 'Nested0E007A7E')?.document).toEqual({
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/*' } },
          Effect: 'Allow',
          Principal: { Federated: provider },
        },
      ],
      Version: '2012-10-17',
    });
    expect(roles.flatMap((r) => r.unknowns)).toEqual([]);
  });
});

describe('readCloudAssembly: bad input', () => {
  const files = (map: Record<string, string>) => (path: string) => {
    const text = map[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };

  it('names the manifest that is not JSON or not a manifest', () => {
    expect(() => readCloudAssembly('out', files({ 'manifest.json': '{' }))).toThrow(
      /^out\/manifest\.json: not JSON: /,
    );
    expect(() =>
      readCloudAssembly('out/', files({ 'manifest.json': '{"artifacts": {"A": {"type": 3}}}' })),
    ).toThrow(
      new IacParseError(
        'out/manifest.json: artifacts.A.type: Invalid input: expected string, received number',
      ),
    );
  });

  it('names a file the manifest names that cannot be read', () => {
    const manifest = JSON.stringify({
      artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } },
    });
    expect(() => readCloudAssembly('out', files({ 'manifest.json': manifest }))).toThrow(
      new IacParseError('out/S.template.json: cannot be read: ENOENT: S.template.json'),
    );
  });

  it('reads a hand-written assembly; other artifacts and files are left alone', () => {
    const template = JSON.stringify({
      Resources: {
        R: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
      },
    });
    const manifest = (artifacts: object) => JSON.stringify({ version: '55.0.0', artifacts });
    const roles = readCloudAssembly(
      'out',
      files({
        'manifest.json': manifest({
          S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } },
          A: { type: 'cdk:asset-manifest', properties: { file: 'S.assets.json' } },
          St: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-St' } },
        }),
        'S.template.json': template,
        'assembly-St/manifest.json': manifest({
          T: { type: 'aws:cloudformation:stack', properties: { templateFile: 'T.template.json' } },
        }),
        'assembly-St/T.template.json': template,
      }),
    );
    expect(roles.map((r) => `${r.file}#${r.id}`)).toEqual([
      'out/S.template.json#R',
      'out/assembly-St/T.template.json#R',
    ]);
  });
});
