import { readFileSync } from 'node:fs';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  GetCredentialReportCommand,
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallCounter } from '../../shared/inventory/clients.js';
import { CollectionError, type CollectProgress, collectSnapshot } from '../../shared/inventory/collect.js';
import { SnapshotSchema } from '../../shared/inventory/snapshot.js';
import { githubTrust } from '../support/github-trust.js';

const ACCOUNT = '123456789012';
const GITHUB_TRUST = githubTrust('repo:acme/app:ref:refs/heads/main', {
  operator: 'StringLike',
  account: ACCOUNT,
});
const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const DEPLOY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }],
};
const CHAIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
/** IAM sends documents URL-encoded (RFC 3986). */
const encoded = (document: unknown) => encodeURIComponent(JSON.stringify(document));
const DEPLOY_ARN = `arn:aws:iam::${ACCOUNT}:policy/deploy`;
const GITHUB_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const CREATED = new Date('2024-01-02T03:04:05Z');

const cliProviders = JSON.parse(
  readFileSync(
    new URL(
      '../fixtures/iam_api_responses/awscli-example_iam_list-open-id-connect-providers_output1.json',
      import.meta.url,
    ),
    'utf8',
  ),
) as { OpenIDConnectProviderList: { Arn: string }[] };

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  `<root_account>,arn:aws:iam::${ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  `ci-deploy,arn:aws:iam::${ACCOUNT}:user/ci/ci-deploy,2024-01-02T03:04:05+00:00,false,N/A,N/A,N/A,false,true,2024-01-02T03:04:06+00:00,2024-06-01T10:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
].join('\n');

const iam = new IAMClient({ region: 'us-east-1' });
const sts = new STSClient({ region: 'us-east-1' });
const iamMock = mockClient(iam);
const stsMock = mockClient(sts);
const clients = { iam, sts, calls: new CallCounter() };
const FAST_REPORT = { credentialReport: { firstDelayMs: 1, maxDelayMs: 2, timeoutMs: 50 } };

const listed = (name: string, trust: unknown) => ({
  RoleName: name,
  RoleId: `AROA${name}`,
  Path: '/',
  Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  CreateDate: CREATED,
  AssumeRolePolicyDocument: encoded(trust),
  MaxSessionDuration: 3600,
});

const details: GetAccountAuthorizationDetailsCommandOutput = {
  $metadata: {},
  RoleDetailList: [
    {
      RoleName: 'gh-deploy',
      Arn: `arn:aws:iam::${ACCOUNT}:role/gh-deploy`,
      AssumeRolePolicyDocument: encoded(GITHUB_TRUST),
      Tags: [{ Key: 'team', Value: 'platform' }],
      RoleLastUsed: { LastUsedDate: new Date('2024-06-01T12:00:00Z'), Region: 'eu-west-1' },
      AttachedManagedPolicies: [
        { PolicyName: 'deploy', PolicyArn: DEPLOY_ARN },
        { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      ],
      RolePolicyList: [{ PolicyName: 'chain', PolicyDocument: encoded(CHAIN) }],
    },
    {
      RoleName: 'app',
      Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
      Tags: [{ Key: 'team', Value: 'web' }],
      AttachedManagedPolicies: [{ PolicyName: 'deploy', PolicyArn: DEPLOY_ARN }],
      RoleLastUsed: {},
    },
  ],
  UserDetailList: [
    {
      UserName: 'ci-deploy',
      Path: '/ci/',
      Arn: `arn:aws:iam::${ACCOUNT}:user/ci/ci-deploy`,
      CreateDate: CREATED,
      Tags: [{ Key: 'purpose', Value: 'ci' }],
    },
  ],
  Policies: [
    {
      PolicyName: 'deploy',
      Arn: DEPLOY_ARN,
      DefaultVersionId: 'v2',
      PolicyVersionList: [
        { VersionId: 'v1', Document: encoded(CHAIN), IsDefaultVersion: false },
        { VersionId: 'v2', Document: encoded(DEPLOY), IsDefaultVersion: true },
      ],
    },
  ],
  IsTruncated: false,
};

beforeEach(() => {
  iamMock.reset();
  stsMock.reset();
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  iamMock.on(ListRolesCommand).resolves({
    Roles: [listed('gh-deploy', GITHUB_TRUST), listed('app', EC2_TRUST), listed('gh-new', GITHUB_TRUST)],
  });
  iamMock.on(GetAccountAuthorizationDetailsCommand).resolves(details);
  iamMock.on(ListOpenIDConnectProvidersCommand).resolves({
    OpenIDConnectProviderList: [{ Arn: GITHUB_PROVIDER }, ...cliProviders.OpenIDConnectProviderList],
  });
  iamMock
    .on(GetOpenIDConnectProviderCommand, { OpenIDConnectProviderArn: GITHUB_PROVIDER })
    .resolves({ Url: 'token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'] })
    .on(GetOpenIDConnectProviderCommand, {
      OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/example.oidcprovider.com',
    })
    .resolves({ Url: 'https://example.oidcprovider.com', ClientIDList: ['my-app'] });
  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iamMock
    .on(GetCredentialReportCommand)
    .resolves({ Content: new TextEncoder().encode(REPORT), GeneratedTime: new Date('2024-06-02T00:00:00Z') });
});

const denied = (message: string) => Object.assign(new Error(message), { name: 'AccessDenied' });

describe('collectSnapshot (aws-sdk-client-mock)', () => {
  it('builds a valid snapshot from URL-encoded answers, with policies only for GitHub-trusted roles', async () => {
    const { snapshot } = await collectSnapshot(clients, FAST_REPORT);
    expect(SnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.account).toBe(ACCOUNT);
    const [app, ghDeploy, ghNew] = snapshot.roles;
    expect(ghDeploy).toEqual({
      name: 'gh-deploy',
      arn: `arn:aws:iam::${ACCOUNT}:role/gh-deploy`,
      path: '/',
      created: CREATED.toISOString(),
      trustPolicy: GITHUB_TRUST,
      maxSessionDuration: 3600,
      tags: { team: 'platform' },
      lastUsed: { date: '2024-06-01T12:00:00.000Z', region: 'eu-west-1' },
      attachedPolicies: [
        { arn: DEPLOY_ARN, name: 'deploy', document: DEPLOY },
        { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' },
      ],
      inlinePolicies: [{ name: 'chain', document: CHAIN }],
    });
    expect(app).toEqual({
      name: 'app',
      arn: `arn:aws:iam::${ACCOUNT}:role/app`,
      path: '/',
      created: CREATED.toISOString(),
      trustPolicy: EC2_TRUST,
      maxSessionDuration: 3600,
      tags: { team: 'web' },
    });
    expect(ghNew?.attachedPolicies).toBeUndefined();
    expect(snapshot.oidcProviders).toEqual([
      {
        arn: 'arn:aws:iam::123456789012:oidc-provider/example.oidcprovider.com',
        url: 'example.oidcprovider.com',
        audiences: ['my-app'],
      },
      { arn: GITHUB_PROVIDER, url: 'token.actions.githubusercontent.com', audiences: ['sts.amazonaws.com'] },
    ]);
    expect(snapshot.users).toEqual([
      {
        name: 'ci-deploy',
        arn: `arn:aws:iam::${ACCOUNT}:user/ci/ci-deploy`,
        path: '/ci/',
        created: CREATED.toISOString(),
        tags: { purpose: 'ci' },
        keys: [
          {
            slot: 1,
            active: true,
            created: '2024-01-02T03:04:06.000Z',
            lastUsed: { date: '2024-06-01T10:00:00.000Z', service: 's3', region: 'eu-west-1' },
          },
        ],
      },
    ]);
    expect(snapshot.gaps).toEqual([
      {
        resource: `arn:aws:iam::${ACCOUNT}:role/gh-new`,
        operation: 'iam:GetAccountAuthorizationDetails',
        reason:
          'gh-new is not in the authorization details (created during collection?): its policies, tags and last use were not read',
      },
    ]);
    // No per-role or per-user reads: the N+1 calls never happen.
    expect(iamMock.commandCalls(ListRolesCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
    expect(iamMock).toHaveReceivedCommandWith(GetAccountAuthorizationDetailsCommand, {
      Filter: ['Role', 'User', 'LocalManagedPolicy'],
      MaxItems: 1000,
    });
  });

  it('follows the markers of the authorization details', async () => {
    const [gh, app] = details.RoleDetailList ?? [];
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .callsFake((input: { Marker?: string }) =>
        input.Marker
          ? { ...details, RoleDetailList: [app], UserDetailList: [], IsTruncated: false }
          : { ...details, RoleDetailList: [gh], Policies: [], IsTruncated: true, Marker: 'next' },
      );
    const { snapshot } = await collectSnapshot(clients, { ...FAST_REPORT, pageSize: 1 });
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(2);
    expect(snapshot.roles.map((r) => r.tags)).toEqual([{ team: 'web' }, { team: 'platform' }, {}]);
    expect(snapshot.roles[1]?.attachedPolicies?.[0]?.document).toEqual(DEPLOY);
  });

  it('keeps the details of the pages read when a later page fails, naming the GitHub roles left without', async () => {
    const [gh, app] = details.RoleDetailList ?? [];
    iamMock.on(GetAccountAuthorizationDetailsCommand).callsFake((input: { Marker?: string }) => {
      if (input.Marker) throw Object.assign(new Error('internal error'), { name: 'ServiceFailure' });
      return { ...details, RoleDetailList: [app], IsTruncated: true, Marker: 'next' };
    });
    const { snapshot } = await collectSnapshot(clients, FAST_REPORT);
    expect(gh).toBeDefined();
    expect(snapshot.roles.find((r) => r.name === 'app')?.tags).toEqual({ team: 'web' });
    expect(snapshot.gaps.map((g) => [g.resource, g.operation])).toEqual([
      ['the roles, users and policies after page 1', 'iam:GetAccountAuthorizationDetails'],
      [`arn:aws:iam::${ACCOUNT}:role/gh-deploy`, 'iam:GetAccountAuthorizationDetails'],
      [`arn:aws:iam::${ACCOUNT}:role/gh-new`, 'iam:GetAccountAuthorizationDetails'],
    ]);
  });

  it('names a customer-managed policy whose document is missing, keeping the attachment', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ ...details, Policies: [] });
    const { snapshot } = await collectSnapshot(clients, FAST_REPORT);
    expect(snapshot.roles.find((r) => r.name === 'gh-deploy')?.attachedPolicies?.[0]).toEqual({
      arn: DEPLOY_ARN,
      name: 'deploy',
    });
    expect(snapshot.gaps).toContainEqual({
      resource: DEPLOY_ARN,
      operation: 'iam:GetAccountAuthorizationDetails',
      reason:
        'the default version of deploy, attached to gh-deploy, was not in the authorization details (created during collection?): its permissions were not read',
    });
  });

  it('turns a denied GetAccountAuthorizationDetails into gaps naming the permission, keeping roles and keys', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .rejects(denied('User: audit is not authorized to perform: iam:GetAccountAuthorizationDetails'));
    const { snapshot } = await collectSnapshot(clients, FAST_REPORT);
    expect(SnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot.roles).toHaveLength(3);
    expect(snapshot.gaps[0]).toEqual({
      resource: 'every role, user and policy',
      operation: 'iam:GetAccountAuthorizationDetails',
      reason:
        'iam:GetAccountAuthorizationDetails denied on every role, user and policy: grant iam:GetAccountAuthorizationDetails to the audit role (User: audit is not authorized to perform: iam:GetAccountAuthorizationDetails)',
    });
    expect(snapshot.gaps.slice(1).map((g) => [g.resource, g.reason])).toEqual([
      [
        `arn:aws:iam::${ACCOUNT}:role/gh-deploy`,
        'the authorization details stopped before gh-deploy: its policies, tags and last use were not read',
      ],
      [
        `arn:aws:iam::${ACCOUNT}:role/gh-new`,
        'the authorization details stopped before gh-new: its policies, tags and last use were not read',
      ],
    ]);
    // Users still come from the credential report, with the path their ARN spells.
    expect(snapshot.users).toEqual([expect.objectContaining({ name: 'ci-deploy', path: '/ci/', tags: {} })]);
    expect(snapshot.users[0]?.keys).toHaveLength(1);
  });

  it('reports a provider that cannot be read as a gap naming the provider and the permission', async () => {
    iamMock
      .on(GetOpenIDConnectProviderCommand, {
        OpenIDConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/example.oidcprovider.com',
      })
      .rejects(denied('not authorized'));
    const { snapshot } = await collectSnapshot(clients, FAST_REPORT);
    expect(snapshot.oidcProviders.map((p) => p.url)).toEqual(['token.actions.githubusercontent.com']);
    expect(snapshot.gaps).toContainEqual({
      resource: 'arn:aws:iam::123456789012:oidc-provider/example.oidcprovider.com',
      operation: 'iam:GetOpenIDConnectProvider',
      reason:
        'iam:GetOpenIDConnectProvider denied on arn:aws:iam::123456789012:oidc-provider/example.oidcprovider.com: grant iam:GetOpenIDConnectProvider to the audit role (not authorized)',
    });
  });

  it('reports a credential report that never completes as a gap and still returns roles and users', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'STARTED' });
    const progress: CollectProgress[] = [];
    const { snapshot } = await collectSnapshot(clients, {
      ...FAST_REPORT,
      onProgress: (p) => progress.push(p),
    });
    expect(snapshot.gaps).toContainEqual({
      resource: 'the IAM credential report',
      operation: 'iam:GenerateCredentialReport',
      reason:
        'the IAM credential report was not ready after 0.05 s (last state: STARTED); IAM may still be generating it: try again in a few minutes; no access key of any user was read',
    });
    expect(snapshot.users).toEqual([expect.objectContaining({ name: 'ci-deploy', keys: [] })]);
    expect(progress).toContainEqual({ stage: 'waiting for the credential report', done: 0, total: 1 });
  });

  it('names a user the credential report does not know yet', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      ...details,
      UserDetailList: [
        ...(details.UserDetailList ?? []),
        { UserName: 'fresh', Path: '/', Arn: `arn:aws:iam::${ACCOUNT}:user/fresh`, CreateDate: new Date() },
      ],
    });
    const { snapshot } = await collectSnapshot(clients, FAST_REPORT);
    expect(snapshot.gaps).toContainEqual({
      resource: `arn:aws:iam::${ACCOUNT}:user/fresh`,
      operation: 'iam:GetCredentialReport',
      reason:
        'fresh is not in the credential report generated 2024-06-02T00:00:00.000Z (IAM reuses a report for up to 4 hours): its keys were not read',
    });
  });

  it('reports roles listed and read as it goes', async () => {
    const progress: CollectProgress[] = [];
    await collectSnapshot(clients, { ...FAST_REPORT, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { stage: 'listing roles', done: 3 },
      { stage: 'reading role details', done: 2, total: 3 },
    ]);
  });

  it('stops when the account cannot be identified', async () => {
    stsMock
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('expired'), { name: 'ExpiredToken' }));
    await expect(collectSnapshot(clients, FAST_REPORT)).rejects.toThrow(CollectionError);
    await expect(collectSnapshot(clients, FAST_REPORT)).rejects.toThrow(
      'cannot tell which account these credentials belong to: sts:GetCallerIdentity on the caller failed: ExpiredToken: expired',
    );
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });
});
