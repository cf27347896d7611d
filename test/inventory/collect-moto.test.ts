import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  type IAMClient,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { expect, it } from 'vitest';
import { assignKeyIds, nameKeys } from '../../shared/inventory/access-keys.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { readCredentialReport } from '../../shared/inventory/credential-report.js';
import { SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { githubTrust } from '../support/github-trust.js';
import { describeMoto, motoClients } from '../support/moto-suite.js';

const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const DEPLOY_V1 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
const DEPLOY_V2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }],
};
const CHAIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const FAST_REPORT = { firstDelayMs: 10 };

/** A small account: two GitHub-trusted roles, five others, CI users with keys. */
async function seed(iam: IAMClient, account: string): Promise<{ deactivatedKey: string; activeKey: string }> {
  await iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
    }),
  );
  const policy = await iam.send(
    new CreatePolicyCommand({ PolicyName: 'deploy', PolicyDocument: JSON.stringify(DEPLOY_V1) }),
  );
  const deployArn = policy.Policy?.Arn ?? '';
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: deployArn,
      PolicyDocument: JSON.stringify(DEPLOY_V2),
      SetAsDefault: true,
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'gh-deploy',
      Path: '/ci/',
      AssumeRolePolicyDocument: JSON.stringify(
        githubTrust('repo:acme/app:ref:refs/heads/main', { operator: 'StringLike', account }),
      ),
      MaxSessionDuration: 7200,
      Tags: [{ Key: 'team', Value: 'platform' }],
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'gh-deploy', PolicyArn: deployArn }));
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: 'gh-deploy',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'gh-deploy',
      PolicyName: 'chain',
      PolicyDocument: JSON.stringify(CHAIN),
    }),
  );
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'gh-preview',
      AssumeRolePolicyDocument: JSON.stringify(
        githubTrust('repo:acme/*', { operator: 'StringLike', account }),
      ),
    }),
  );
  for (const name of ['app-1', 'app-2', 'app-3', 'app-4', 'app-5']) {
    await iam.send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST) }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: deployArn }));
  }
  await iam.send(
    new CreateUserCommand({ UserName: 'ci-deploy', Path: '/ci/', Tags: [{ Key: 'purpose', Value: 'ci' }] }),
  );
  const first = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deploy' }));
  const second = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deploy' }));
  const deactivatedKey = first.AccessKey?.AccessKeyId ?? '';
  await iam.send(
    new UpdateAccessKeyCommand({ UserName: 'ci-deploy', AccessKeyId: deactivatedKey, Status: 'Inactive' }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  return { deactivatedKey, activeKey: second.AccessKey?.AccessKeyId ?? '' };
}

describeMoto('collectSnapshot against moto', () => {
  it('collects a valid snapshot in a fixed number of calls, paging through roles', async () => {
    const clients = motoClients();
    await seed(clients.iam, clients.account);
    const { snapshot, calls } = await collectSnapshot(clients, {
      pageSize: 2,
      credentialReport: FAST_REPORT,
    });

    expect(SnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.account).toBe(clients.account);
    expect(snapshot.gaps).toEqual([]);
    expect(snapshot.roles.map((r) => r.name)).toEqual([
      'app-1',
      'app-2',
      'app-3',
      'app-4',
      'app-5',
      'gh-deploy',
      'gh-preview',
    ]);
    const ghDeploy = snapshot.roles.find((r) => r.name === 'gh-deploy');
    expect(ghDeploy).toMatchObject({
      arn: `arn:aws:iam::${clients.account}:role/ci/gh-deploy`,
      path: '/ci/',
      // moto's ListRoles sends the trust policy decoded; its authorization details send documents encoded.
      trustPolicy: githubTrust('repo:acme/app:ref:refs/heads/main', {
        operator: 'StringLike',
        account: clients.account,
      }),
      maxSessionDuration: 7200,
      tags: { team: 'platform' },
      attachedPolicies: [
        { arn: `arn:aws:iam::${clients.account}:policy/deploy`, name: 'deploy', document: DEPLOY_V2 },
        { arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' },
      ],
      inlinePolicies: [{ name: 'chain', document: CHAIN }],
    });
    expect(snapshot.roles.find((r) => r.name === 'gh-preview')).toMatchObject({
      attachedPolicies: [],
      inlinePolicies: [],
    });
    // Policies are read only for GitHub-trusted roles.
    expect(snapshot.roles.find((r) => r.name === 'app-1')?.attachedPolicies).toBeUndefined();

    expect(snapshot.oidcProviders).toEqual([
      {
        arn: `arn:aws:iam::${clients.account}:oidc-provider/token.actions.githubusercontent.com`,
        url: 'token.actions.githubusercontent.com',
        audiences: ['sts.amazonaws.com'],
      },
    ]);

    expect(
      snapshot.users.map((u) => [u.name, u.path, u.tags, u.keys.map((k) => [k.slot, k.active])]),
    ).toEqual([
      ['alice', '/', {}, []],
      [
        'ci-deploy',
        '/ci/',
        { purpose: 'ci' },
        [
          [1, false],
          [2, true],
        ],
      ],
    ]);

    expect(calls).toEqual({
      'iam:GenerateCredentialReport': 2,
      'iam:GetAccountAuthorizationDetails': 1,
      'iam:GetCredentialReport': 1,
      'iam:GetOpenIDConnectProvider': 1,
      'iam:ListOpenIDConnectProviders': 1,
      // 7 roles, 2 a page.
      'iam:ListRoles': 4,
      'sts:GetCallerIdentity': 1,
    });
  });

  it('generates the credential report, polls until COMPLETE, then gets it', async () => {
    const clients = motoClients();
    await seed(clients.iam, clients.account);
    const waits: string[] = [];
    const report = await readCredentialReport(clients.iam, { ...FAST_REPORT, onWait: (s) => waits.push(s) });
    // moto answers STARTED first, COMPLETE on the next call, like IAM with no recent report.
    expect(waits).toEqual(['STARTED']);
    expect(clients.calls.counts()).toMatchObject({
      'iam:GenerateCredentialReport': 2,
      'iam:GetCredentialReport': 1,
    });
    expect(report.users.map((u) => u.name).sort()).toEqual(['alice', 'ci-deploy']);
  });

  it('names the keys of the users a finding needs, one ListAccessKeys each', async () => {
    const clients = motoClients();
    const { deactivatedKey, activeKey } = await seed(clients.iam, clients.account);
    const { snapshot } = await collectSnapshot(clients, { credentialReport: FAST_REPORT });
    const before = clients.calls.counts();
    const { keys, gaps } = await nameKeys(clients.iam, ['ci-deploy']);
    expect(gaps).toEqual([]);
    expect(clients.calls.since(before)).toEqual({ 'iam:ListAccessKeys': 1 });
    const user = snapshot.users.find((u) => u.name === 'ci-deploy');
    if (!user) throw new Error('ci-deploy was not collected');
    const named = assignKeyIds(user, keys.get('ci-deploy') ?? []);
    expect(named.keys.map((k) => [k.slot, k.active, k.id])).toEqual([
      [1, false, deactivatedKey],
      [2, true, activeKey],
    ]);
  });
});
