import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';
import { webIdentityAssumption } from '../../shared/activity/web-identity.js';
import { cloudtrailFixture, cloudtrailJson } from './cloudtrail-fixtures.js';

type Raw = Record<string, unknown>;

function record(raw: unknown): CloudTrailRecord {
  const { records, rejected } = parseRecords(raw);
  expect(rejected).toEqual([]);
  return records[0] as CloudTrailRecord;
}
const assumption = (raw: unknown) => webIdentityAssumption(record(raw));

const github = cloudtrailJson('arwwi_github_success_ccbrown-cloud-snitch.json') as Raw;
const githubSubject = 'repo:ccbrown/cloud-snitch:ref:refs/heads/main';
const githubRole =
  'arn:aws:iam::774305579662:role/cloud-snitch-github-actio-GithubActionsRoleF5CC769F-MoeCHSu77MYt';

describe('webIdentityAssumption tells the providers apart', () => {
  it('GitHub Actions: provider, subject, audience and role of a successful call', () => {
    expect(assumption(github)).toMatchObject({
      provider: 'token.actions.githubusercontent.com',
      github: true,
      roleArn: githubRole,
      subject: githubSubject,
      audience: 'sts.amazonaws.com',
      succeeded: true,
    });
  });

  it('a Cognito identity pool: a bare-host provider, and an audience and subject that hold colons', () => {
    expect(
      assumption(cloudtrailFixture('arwwi_cognito-identity_from-github-token_aidansteele-blog.json')),
    ).toMatchObject({
      provider: 'cognito-identity.amazonaws.com',
      github: false,
      roleArn: 'arn:aws:iam::607481581596:role/gha-tags-test-Role-ZmTOykdCAhxs',
      subject: 'ap-southeast-2:f33550b0-d103-4ff1-9319-1745fea988da',
      audience: 'ap-southeast-2:14deebd0-19f8-4295-a55e-8b36e60b4926',
      succeeded: true,
    });
  });

  it('EKS IRSA, refused: no responseElements, so the audience comes from the principal id', () => {
    const eks = 'arwwi_eks-irsa_failed_AccessDenied_greenpau-argo-workflows-aws-plugin.json';
    expect(assumption(cloudtrailFixture(eks))).toMatchObject({
      provider: 'oidc.eks.us-west-2.amazonaws.com/id/A8242F25BFBB8F98F5321B2AE63C8B5C',
      github: false,
      roleArn: 'arn:aws:iam::100000000002:role/sm-pipelines-k8s-awf-aws-executor-plugin',
      subject: 'system:serviceaccount:argo:awf-aws-executor-plugin',
      audience: 'sts.amazonaws.com',
      succeeded: false,
    });
  });

  it('the pre-GA vstoken issuer of 2021 is not GitHub, as for the policy engine, and keeps its provider', () => {
    expect(
      assumption(cloudtrailFixture('arwwi_github_success_vstoken-2021_aidansteele-blog.json')),
    ).toMatchObject({
      provider: 'vstoken.actions.githubusercontent.com',
      github: false,
      roleArn: 'arn:aws:iam::0123456789012:role/ExampleGithubRole',
      subject: 'repo:aidansteele/aws-federation-github-actions:ref:refs/heads/main',
      audience: 'sigstore',
      succeeded: true,
    });
  });

  it("AWS's generic OIDC example, placeholders and all", () => {
    expect(assumption(cloudtrailFixture('aws-docs-current_arwwi_generic-oidc_example.json'))).toMatchObject({
      provider: '<issuer url of OIDC provider>',
      github: false,
      subject: '<id of user>',
      audience: '<id of application>',
    });
  });

  it('Google, a provider named by its host, from the userIdentity AWS documents', () => {
    // The user-guide fragment is one member of a record; wrapped in braces it is that member.
    const fragment = cloudtrailFixture(
      'aws-docs-cloudtrail-userguide_userIdentity_WebIdentityUser_google_fragment.txt',
    );
    const identity = JSON.parse(`{${fragment.toString('utf8')}}`) as Raw;
    const google = { ...github, ...identity, responseElements: null, errorCode: 'AccessDenied' };
    expect(assumption(google)).toMatchObject({
      provider: 'accounts.google.com',
      github: false,
      subject: 'user-id',
      audience: 'application-id.apps.googleusercontent.com',
      succeeded: false,
    });
  });

  it('a GitHub Enterprise custom issuer is GitHub, with its slug in the provider path', () => {
    const provider = 'arn:aws:iam::774305579662:oidc-provider/token.actions.githubusercontent.com/acme';
    const identity = {
      type: 'WebIdentityUser',
      principalId: `${provider}:sts.amazonaws.com:${githubSubject}`,
      userName: githubSubject,
      identityProvider: provider,
    };
    expect(assumption({ ...github, userIdentity: identity })).toMatchObject({
      provider: 'token.actions.githubusercontent.com/acme',
      github: true,
      subject: githubSubject,
    });
  });
});

describe('webIdentityAssumption on refused and sparse records', () => {
  it('a refused GitHub call with errorCode and null responseElements keeps who tried which role', () => {
    const refused = {
      ...github,
      errorCode: 'AccessDenied',
      errorMessage: 'Not authorized',
      responseElements: null,
    };
    expect(assumption(refused)).toMatchObject({
      provider: 'token.actions.githubusercontent.com',
      github: true,
      roleArn: githubRole,
      subject: githubSubject,
      audience: 'sts.amazonaws.com',
      succeeded: false,
    });
  });

  it('finds the role in resources[] when requestParameters.roleArn is null, and in the session a success returned', () => {
    const request = { ...(github.requestParameters as Raw), roleArn: null };
    expect(
      assumption({ ...github, requestParameters: request, errorCode: 'AccessDenied', responseElements: null })
        ?.roleArn,
    ).toBe(githubRole);
    expect(assumption({ ...github, requestParameters: request, resources: undefined })?.roleArn).toBe(
      githubRole,
    );
    expect(
      assumption({
        ...github,
        requestParameters: request,
        resources: [],
        errorCode: 'AccessDenied',
        responseElements: null,
      })?.roleArn,
    ).toBeUndefined();
  });

  it('with only a principal id, splits it without cutting the colons of the subject', () => {
    const identity = github.userIdentity as Raw;
    const sparse = { ...github, userIdentity: { principalId: identity.principalId }, responseElements: null };
    expect(assumption(sparse)).toMatchObject({
      provider: 'token.actions.githubusercontent.com',
      github: true,
      subject: githubSubject,
      audience: 'sts.amazonaws.com',
    });
  });

  it('with responseElements alone, reads provider, subject and audience from them', () => {
    const { userIdentity: _, ...noIdentity } = github;
    expect(assumption(noIdentity)).toMatchObject({
      provider: 'token.actions.githubusercontent.com',
      github: true,
      subject: githubSubject,
      audience: 'sts.amazonaws.com',
    });
  });

  it('with nothing naming the caller, still reports the attempt on the role', () => {
    const { userIdentity: _, ...noIdentity } = github;
    const bare = { ...noIdentity, errorCode: 'InvalidIdentityToken', responseElements: null };
    const result = assumption(bare);
    expect(result).toMatchObject({ provider: '', github: false, roleArn: githubRole, succeeded: false });
    expect(result?.subject).toBeUndefined();
    expect(result?.audience).toBeUndefined();
  });

  it('is undefined for any other call, and for the name on another service', () => {
    expect(
      assumption(
        cloudtrailFixture('eventbridge_envelope_sts_GetCallerIdentity_curbengh-splunk-scripts.json'),
      ),
    ).toBeUndefined();
    expect(
      assumption(cloudtrailFixture('elastic-integrations_create-access-key_event-original.json')),
    ).toBeUndefined();
    expect(assumption({ ...github, eventSource: 'iam.amazonaws.com' })).toBeUndefined();
  });
});
