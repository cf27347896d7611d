import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { beforeAll, expect, inject, it } from 'vitest';
import { BaselineSchema } from '../../shared/baseline/baseline.js';
import { createClients } from '../../shared/inventory/clients.js';
import { SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { describeMoto } from '../support/moto-suite.js';
import { CLEAN_SUB, ensureBuilt, tempFiles, trustPolicy, trustwatch } from './run.js';

const endpoint = inject('motoEndpoint');
/** The CLI as a user runs it against an emulator: standard variables, moto's default account. */
const env = {
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
};

describeMoto('trustwatch against a live account (moto)', () => {
  let keyId = '';
  beforeAll(async () => {
    ensureBuilt();
    const { iam } = createClients({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }),
    );
    const role = (name: string, policy: object) =>
      iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(policy) }));
    await role('cli-gh-wide', trustPolicy('repo:acme/*', 'StringLike'));
    await role('cli-gh-pinned', trustPolicy(CLEAN_SUB));
    await iam.send(new CreateUserCommand({ UserName: 'cli-ci-deployer', Path: '/ci/' }));
    keyId =
      (await iam.send(new CreateAccessKeyCommand({ UserName: 'cli-ci-deployer' }))).AccessKey?.AccessKeyId ??
      '';
  });

  it('audits the account through the standard AWS variables, naming the key it reports', () => {
    const run = trustwatch(['audit', '--format', 'json', '--verbose'], { env });
    expect(run.status).toBe(1);
    const out = JSON.parse(run.stdout) as {
      findings: { ruleId: string; resource: { name: string }; evidence: Record<string, unknown> }[];
    };
    const on = (name: string) => out.findings.filter((f) => f.resource.name === name).map((f) => f.ruleId);
    expect(on('cli-gh-wide')).toEqual(expect.arrayContaining(['oidc.any-repo', 'oidc.pull-request']));
    expect(on('cli-gh-pinned')).toEqual([]);
    const ci = out.findings.find(
      (f) => f.ruleId === 'keys.ci-user-static-key' && f.resource.name === 'cli-ci-deployer',
    );
    expect(ci?.evidence.activeKeys).toEqual([{ slot: 1, keyId }]);
    expect(run.stderr).toMatch(/IAM and STS API calls \(\d+ in all\):[\s\S]*iam:ListRoles/);
    expect(run.stderr).toMatch(/iam:ListAccessKeys +1\n/);
  });

  it('writes a snapshot and a baseline that the account then matches', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const snapshotFile = join(dir, 'snapshot.json');
      expect(trustwatch(['snapshot', '--out', snapshotFile], { env }).status).toBe(0);
      const snapshot = SnapshotSchema.parse(JSON.parse(readFileSync(snapshotFile, 'utf8')));
      expect(snapshot.roles.map((r) => r.name)).toEqual(
        expect.arrayContaining(['cli-gh-wide', 'cli-gh-pinned']),
      );
      const baselineFile = join(dir, 'baseline.json');
      expect(trustwatch(['baseline', 'capture', '--out', baselineFile], { env }).status).toBe(0);
      const baseline = BaselineSchema.parse(JSON.parse(readFileSync(baselineFile, 'utf8')));
      expect(baseline.ciRoles.map((r) => r.name)).toEqual(
        expect.arrayContaining(['cli-gh-pinned', 'cli-gh-wide']),
      );
      const diff = trustwatch(['baseline', 'diff', '--baseline', baselineFile, '--format', 'json'], { env });
      expect(diff.status).toBe(0);
      expect((JSON.parse(diff.stdout) as { findings: unknown[] }).findings).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('says it cannot read the account, exit 2, when the endpoint does not answer', () => {
    const run = trustwatch(['audit'], {
      env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/trustwatch: cannot read the account/);
  });
});
