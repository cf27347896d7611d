import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { cloudtrailFixture, cloudtrailJson } from './cloudtrail-fixtures.js';

// Every usable record of every sample, by file: the event names in file order.
const SAMPLES: Record<string, string[]> = {
  'arwwi_cognito-identity_from-github-token_aidansteele-blog.json': ['AssumeRoleWithWebIdentity'],
  'arwwi_eks-irsa_failed_AccessDenied_greenpau-argo-workflows-aws-plugin.json': ['AssumeRoleWithWebIdentity'],
  'arwwi_github_success_ccbrown-cloud-snitch.json': ['AssumeRoleWithWebIdentity'],
  'arwwi_github_success_vstoken-2021_aidansteele-blog.json': ['AssumeRoleWithWebIdentity'],
  'aws-docs-current_arwwi_generic-oidc_example.json': ['AssumeRoleWithWebIdentity'],
  'elastic-integrations_create-access-key_event-original.json': ['CreateAccessKey'],
  'elastic-integrations_delete-access-key_event-original.json': ['DeleteAccessKey'],
  'elastic-integrations_update-assume-role-policy.json': ['UpdateAssumeRolePolicy'],
  'eventbridge_envelope_sts_GetCallerIdentity_curbengh-splunk-scripts.json': ['GetCallerIdentity'],
  'stratus_aws.persistence.iam-backdoor-role.json': ['UpdateAssumeRolePolicy'],
  'stratus_aws.persistence.iam-backdoor-user.json': ['CreateAccessKey'],
  'stratus_aws.persistence.iam-create-admin-user.json': ['AttachUserPolicy', 'CreateAccessKey', 'CreateUser'],
  'stratus_aws.persistence.iam-create-backdoor-role.json': ['AttachRolePolicy', 'CreateRole'],
  'panther_aws_iam_user_key_created_tests.logs.json': Array(5).fill('CreateAccessKey'),
  'panther_aws_iam_backdoor_role_tests.logs.json': Array(3).fill('UpdateAssumeRolePolicy'),
  'panther_aws_iam_create_role_tests.logs.json': ['CreateRole', 'AttachUserPolicy'],
  'panther_aws_key_compromised_tests.logs.json': ['PutUserPolicy', 'PutUserPolicy'],
  'panther_aws_root_access_key_created_tests.logs.json': ['CreateAccessKey', 'CreateAccessKey'],
  'panther_test-scenario_compromised-root-creds_attacker_cloudtrail.logs.json': [
    ...Array(4).fill('ConsoleLogin'),
    'StopLogging',
    'CreateAccessKey',
    'CreateUser',
    ...Array(3).fill('AttachUserPolicy'),
    'CreateAccessKey',
    'RunInstances',
  ],
  'panther-fork-commit_gen00001_idp_provider_tests.logs.json': [
    'CreateOpenIDConnectProvider',
    'DeleteOpenIDConnectProvider',
    'CreateSAMLProvider',
    'CreateOpenIDConnectProvider',
  ],
};

// Samples that are not a complete record as they stand; each has its own test below.
const NOT_RECORDS = [
  'arwwi_github_success_trimmed-placeholders_datadog-securitylabs-blog.json',
  'eventbridge_envelope_iam_DeleteRolePermissionsBoundary_in-semper-finding.json',
];

const parse = (name: string) => parseRecords(cloudtrailFixture(name));
const only = (name: string) => {
  const { records, rejected } = parse(name);
  expect(rejected).toEqual([]);
  expect(records).toHaveLength(1);
  return records[0];
};

describe('parseRecords on the CloudTrail samples', () => {
  it('knows every JSON sample', () => {
    const files = readdirSync(new URL('../fixtures/cloudtrail/', import.meta.url)).filter((f) =>
      f.endsWith('.json'),
    );
    expect(files.sort()).toEqual([...Object.keys(SAMPLES), ...NOT_RECORDS].sort());
  });

  it.each(Object.entries(SAMPLES))('parses every record of %s', (name, eventNames) => {
    const { records, rejected } = parse(name);
    expect(rejected).toEqual([]);
    expect(records.map((r) => r.eventName)).toEqual(eventNames);
    for (const record of records)
      expect(record.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('reads a GitHub Actions assumption with its web identity caller', () => {
    const record = only('arwwi_github_success_ccbrown-cloud-snitch.json');
    expect(record).toMatchObject({
      eventId: 'ef0464cd-918e-4528-9ea3-1a081d39b393',
      eventSource: 'sts.amazonaws.com',
      eventTime: '2025-04-16T02:46:56.000Z',
      region: 'us-east-1',
      account: '774305579662',
      readOnly: true,
      sourceIp: '52.154.133.36',
      userAgent:
        'aws-sdk-nodejs/2.1112.0 linux/v20.19.0 configure-aws-credentials-for-github-actions promise',
      actor: {
        type: 'WebIdentityUser',
        userName: 'repo:ccbrown/cloud-snitch:ref:refs/heads/main',
        identityProvider: 'arn:aws:iam::774305579662:oidc-provider/token.actions.githubusercontent.com',
      },
      requestParameters: { roleSessionName: 'GitHubActions', durationSeconds: 3600 },
    });
    expect(record?.actor.arn).toBeUndefined();
    expect(record?.errorCode).toBeUndefined();
  });

  it('keeps the error of a refused call and has no responseElements for its null', () => {
    const record = only('arwwi_eks-irsa_failed_AccessDenied_greenpau-argo-workflows-aws-plugin.json');
    expect(record).toMatchObject({
      eventTime: '2023-11-08T15:09:08.000Z',
      errorCode: 'AccessDenied',
      errorMessage: 'An unknown error occurred',
      requestParameters: {
        roleArn: 'arn:aws:iam::100000000002:role/sm-pipelines-k8s-awf-aws-executor-plugin',
      },
    });
    expect(record?.responseElements).toBeUndefined();
    expect(record?.raw.responseElements).toBeNull();
  });

  it('reads an IAM user acting through the console, with the key it signed with', () => {
    const record = only('elastic-integrations_create-access-key_event-original.json');
    expect(record).toMatchObject({
      eventTime: '2020-01-08T20:43:06.000Z',
      account: '0123456789012',
      actor: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::0123456789012:user/Alice',
        principalId: 'EXAMPLE_ID',
        userName: 'Alice',
        accessKeyId: 'EXAMPLE_KEY',
        invokedBy: 'signin.amazonaws.com',
      },
      requestParameters: { userName: 'Bob' },
      responseElements: { accessKey: { accessKeyId: 'EXAMPLE_KEY_ID', status: 'Active' } },
    });
    // A 2020 record (eventVersion 1.05) has no readOnly.
    expect(record?.readOnly).toBeUndefined();
  });

  it('reads the trust policy document of a CreateRole from a Stratus detonation', () => {
    const { records } = parse('stratus_aws.persistence.iam-create-backdoor-role.json');
    const createRole = records.find((r) => r.eventName === 'CreateRole');
    expect(createRole).toMatchObject({
      eventId: 'd2905ac3-9898-433f-b10d-9302abe4e208',
      eventTime: '2024-08-01T13:37:41.000Z',
      region: 'sagov-west-2r',
      readOnly: false,
      actor: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::609418236337:user/christophe',
        accessKeyId: 'AKIA0W5KI69TY8X86BGT',
      },
    });
    expect(JSON.parse(String(createRole?.requestParameters?.assumeRolePolicyDocument))).toMatchObject({
      Version: '2012-10-17',
    });
  });

  it("turns Panther's rewritten event times back into ISO 8601", () => {
    const { records } = parse('panther_aws_iam_user_key_created_tests.logs.json');
    expect(records.map((r) => r.eventTime)).toEqual([
      ...Array(4).fill('2022-09-27T17:09:18.000Z'),
      '2023-01-03T01:52:07.000Z',
    ]);
    expect(records[4]).toMatchObject({
      errorCode: 'LimitExceededException',
      actor: { type: 'IAMUser', userName: 'some_iam_user' },
    });
  });

  it('reads the root user, and a failed StopLogging, in the compromised-root scenario', () => {
    const { records } = parse('panther_test-scenario_compromised-root-creds_attacker_cloudtrail.logs.json');
    const stop = records.find((r) => r.eventName === 'StopLogging');
    expect(stop).toMatchObject({
      eventSource: 'cloudtrail.amazonaws.com',
      errorCode: 'NotOrganizationMasterAccountException',
      actor: { type: 'Root', arn: 'arn:aws:iam::493859302102:root' },
      requestParameters: { name: 'acme-cloudtrail-us-east-1' },
    });
    // The scenario spells the key id `accesskeyid`: not the field CloudTrail writes, so not the actor's key.
    const run = records.find((r) => r.eventName === 'RunInstances');
    expect(run?.actor).toMatchObject({ type: 'IAMUser', userName: 'tracy_stone' });
    expect(run?.actor.accessKeyId).toBeUndefined();
  });

  it('reads the record under an EventBridge envelope', () => {
    const record = only('eventbridge_envelope_sts_GetCallerIdentity_curbengh-splunk-scripts.json');
    expect(record).toMatchObject({
      eventId: 'uuid',
      eventSource: 'sts.amazonaws.com',
      eventTime: '2024-01-02T12:34:56.000Z',
      account: '111111111111',
      actor: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AmazonS3ReadOnlyAccess_8jndlndseu21jqn5/example@example.com',
      },
    });
    expect(record?.requestParameters).toBeUndefined();
    expect(record?.raw).not.toHaveProperty('detail-type');
  });

  it('reads the EventBridge envelope a security tool kept under `raw`, and not the wrapper around it', () => {
    const finding = cloudtrailJson(
      'eventbridge_envelope_iam_DeleteRolePermissionsBoundary_in-semper-finding.json',
    ) as { raw: unknown };
    const { records, rejected } = parseRecords(finding.raw);
    expect(rejected).toEqual([]);
    expect(records).toMatchObject([
      {
        eventId: '38c92063-09e4-4397-a96a-6a506188965f',
        eventName: 'DeleteRolePermissionsBoundary',
        eventTime: '2023-02-10T13:38:29.000Z',
        actor: { type: 'AssumedRole', accessKeyId: 'ASIAZD2VZY6QWQZ4R4OJ' },
        requestParameters: { roleName: 'App_test2' },
      },
    ]);
    expect(parse('eventbridge_envelope_iam_DeleteRolePermissionsBoundary_in-semper-finding.json')).toEqual({
      records: [],
      rejected: [
        {
          index: 0,
          reason:
            'not a CloudTrail record or a known wrapper of records: an object with members "normalized", "extensions", "raw"',
        },
      ],
    });
  });

  it('sets aside the excerpt a blog trimmed to its identity fields', () => {
    expect(parse('arwwi_github_success_trimmed-placeholders_datadog-securitylabs-blog.json')).toEqual({
      records: [],
      rejected: [{ index: 0, reason: 'no eventID, no eventTime' }],
    });
  });
});
