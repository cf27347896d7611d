import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ACCOUNT = '111122223333';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const ROLES = ['gh-deploy-web-prod', 'gh-deploy-api-prod', 'gh-terraform-plan', 'gh-release', 'gh-docs'];
const SUBJECTS = Array.from({ length: 40 }, (_, i) =>
  i % 4 === 0 ? `repo:acme-corp/app-${i}:pull_request` : `repo:acme-corp/app-${i}:ref:refs/heads/main`,
);
const CALLS: [string, string, boolean][] = [
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['s3.amazonaws.com', 'ListBuckets', true],
  ['sts.amazonaws.com', 'GetCallerIdentity', true],
  ['lambda.amazonaws.com', 'ListFunctions20150331', true],
  ['ssm.amazonaws.com', 'GetParameters', true],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['logs.amazonaws.com', 'CreateLogStream', false],
  ['ecr.amazonaws.com', 'GetAuthorizationToken', true],
];

const uuid = (n: number) => {
  const hex = n.toString(16).padStart(12, '0');
  return `5a3b0c1e-${hex.slice(0, 4)}-4000-8000-${hex}`;
};

/**
 * CloudTrail records as an account with GitHub Actions deployments makes them (about 1 KB each): mostly
 * API calls by role sessions, 8 in 100 GitHub web identity assumptions (one in ten refused), now and
 * then an IAM change. The same `n` gives the same records.
 */
export function record(n: number): Record<string, unknown> {
  const eventTime = new Date(Date.UTC(2026, 10, 1) + n * 250)
    .toISOString()
    .replace('.000', '')
    .replace(/\.\d+/, '');
  const base = {
    eventVersion: '1.09',
    eventTime,
    awsRegion: n % 7 === 0 ? 'eu-west-1' : 'us-east-1',
    eventID: uuid(n),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    requestID: uuid(n * 31 + 7),
  };
  const kind = n % 100;
  if (kind < 8) {
    const subject = SUBJECTS[n % SUBJECTS.length] as string;
    const role = ROLES[n % ROLES.length] as string;
    const refused = kind === 0;
    return {
      ...base,
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRoleWithWebIdentity',
      readOnly: true,
      userIdentity: {
        type: 'WebIdentityUser',
        principalId: `${PROVIDER}:sts.amazonaws.com:${subject}`,
        userName: subject,
        identityProvider: PROVIDER,
      },
      sourceIPAddress: `52.154.133.${n % 250}`,
      userAgent:
        'aws-sdk-nodejs/2.1112.0 linux/v20.19.0 configure-aws-credentials-for-github-actions promise',
      ...(refused
        ? {
            errorCode: 'AccessDenied',
            errorMessage: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
          }
        : {}),
      requestParameters: {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
        roleSessionName: 'GitHubActions',
      },
      responseElements: refused
        ? null
        : {
            subjectFromWebIdentityToken: subject,
            provider: PROVIDER,
            audience: 'sts.amazonaws.com',
            assumedRoleUser: {
              assumedRoleId: `AROAEXAMPLE${n % 97}:GitHubActions`,
              arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/GitHubActions`,
            },
          },
    };
  }
  if (kind === 50) {
    return {
      ...base,
      eventSource: 'iam.amazonaws.com',
      eventName: 'TagRole',
      readOnly: false,
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice' },
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.17.0 md/awscrt#0.20.11',
      requestParameters: { roleName: ROLES[n % ROLES.length], tags: [{ key: 'team', value: `t${n % 13}` }] },
      responseElements: null,
    };
  }
  const [eventSource, eventName, readOnly] = CALLS[n % CALLS.length] as [string, string, boolean];
  const role = ROLES[n % ROLES.length] as string;
  return {
    ...base,
    eventSource,
    eventName,
    readOnly,
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${n % 97}:GitHubActions`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/GitHubActions`,
      accountId: ACCOUNT,
      accessKeyId: `ASIAEXAMPLE${(n % 9973).toString().padStart(6, '0')}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROAEXAMPLE${n % 97}`,
          arn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
          accountId: ACCOUNT,
          userName: role,
        },
        webIdFederationData: { federatedProvider: PROVIDER, attributes: {} },
        attributes: { creationDate: eventTime, mfaAuthenticated: 'false' },
      },
    },
    sourceIPAddress: `52.154.133.${n % 250}`,
    userAgent: 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.173.0',
    requestParameters: { maxResults: 1000, filterSet: {} },
    responseElements: null,
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${eventSource.split('.')[0]}.us-east-1.amazonaws.com`,
    },
  };
}

/** `total` records as `files` gzipped log files (`{"Records": [...]}`, as CloudTrail writes them) in `dir`. */
export function writeLogFiles(dir: string, total: number, files: number): { bytes: number; gzipped: number } {
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  let gzipped = 0;
  const per = Math.ceil(total / files);
  for (let f = 0; f < files; f++) {
    const parts: string[] = [];
    for (let n = f * per; n < Math.min(total, (f + 1) * per); n++) parts.push(JSON.stringify(record(n)));
    const text = `{"Records":[${parts.join(',')}]}`;
    const gz = gzipSync(text);
    bytes += Buffer.byteLength(text);
    gzipped += gz.length;
    writeFileSync(
      join(dir, `${ACCOUNT}_CloudTrail_us-east-1_20261101T${String(f).padStart(4, '0')}Z_x.json.gz`),
      gz,
    );
  }
  return { bytes, gzipped };
}
