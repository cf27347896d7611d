import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { type ActivityContext, processRecord } from '../../shared/activity/process.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';
import { MemoryStore } from '../support/memory-store.js';
import { sampleAccount, sampleActivityContext } from '../support/sample-account.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/cloudtrail', name));
const records = (name: string) => parseRecords(fixture(name)).records;
const first = (name: string) => records(name)[0] as CloudTrailRecord;

const { snapshot } = sampleAccount();
const context = (store = new MemoryStore()): ActivityContext => sampleActivityContext(store);

/** The real GitHub assumption from cloud-snitch, aimed at a role of the sample account. */
function assumption(subject: string, errorCode?: string): CloudTrailRecord {
  const record = first('arwwi_github_success_ccbrown-cloud-snitch.json');
  const roleArn = `arn:aws:iam::${snapshot.account}:role/gh-deploy-payments-prod`;
  return {
    ...record,
    eventId: `${record.eventId}-${subject}-${errorCode ?? ''}`,
    actor: {
      ...record.actor,
      userName: subject,
      principalId: `arn:aws:iam::${snapshot.account}:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:${subject}`,
    },
    requestParameters: { ...record.requestParameters, roleArn },
    ...(errorCode ? { errorCode, responseElements: undefined } : {}),
  } as CloudTrailRecord;
}

describe('GitHub role assumptions', () => {
  it('reports a subject the role never saw once, and counts every assumption', async () => {
    const store = new MemoryStore();
    const sub = 'repo:acme-corp@4410021/payments@88120031:environment:staging';
    const [novel] = await processRecord(assumption(sub), context(store));
    expect(novel?.finding.ruleId).toBe('activity.novel-subject');
    expect(novel?.outcome).toBe('opened');
    expect(novel?.finding.evidence.event).toMatchObject({
      sourceIp: '52.154.133.36',
      console: expect.stringMatching(/cloudtrail\/home\?region=us-east-1#\/events\//),
    });
    expect(await processRecord(assumption(sub), context(store))).toEqual([]);
    const counts = await store.assumptions('2025-04-16', '2025-04-16');
    expect(counts).toEqual([expect.objectContaining({ subject: sub, succeeded: 2, denied: 0 })]);
  });
  it('does not report a subject the baseline already knows', async () => {
    const reviewed = 'repo:acme-corp@4410021/payments@88120031:environment:production';
    expect(await processRecord(assumption(reviewed), context())).toEqual([]);
  });
  it('explains a refusal in words', async () => {
    const [denied] = await processRecord(
      assumption('repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main', 'AccessDenied'),
      context(),
    );
    expect(denied?.finding.ruleId).toBe('activity.assume-denied');
    expect(denied?.finding.message).toMatch(/refused/);
    expect(((denied?.finding.evidence.diagnosis ?? []) as string[]).join(' ')).toMatch(/environment/);
  });
  it('leaves Cognito and EKS web identities alone', async () => {
    for (const name of [
      'arwwi_cognito-identity_from-github-token_aidansteele-blog.json',
      'arwwi_eks-irsa_failed_AccessDenied_greenpau-argo-workflows-aws-plugin.json',
    ]) {
      expect(await processRecord(first(name), context()), name).toEqual([]);
    }
  });
});

describe('IAM changes', () => {
  it('re-evaluates a changed trust policy against the baseline, with who changed it', async () => {
    const record = {
      ...first('elastic-integrations_update-assume-role-policy.json'),
      requestParameters: { roleName: 'gh-deploy-web-prod', policyDocument: '{}' },
    } as CloudTrailRecord;
    const processed = await processRecord(record, context());
    const wider = processed.find((p) => p.finding.ruleId === 'drift.trust-wider');
    expect(wider?.finding.resource.name).toBe('gh-deploy-web-prod');
    // The role as the snapshot has it (re-read), not the event's empty copy.
    expect(wider?.finding.evidence.after).toEqual(['repo:acme-corp/*']);
    expect(wider?.finding.evidence.event).toMatchObject({
      eventName: 'UpdateAssumeRolePolicy',
      who: expect.any(String),
    });
    expect(processed.every((p) => p.finding.resource.name === 'gh-deploy-web-prod')).toBe(true);
  });
  it('reports a new key for a CI user as high, and for any other user of the account as low', async () => {
    const created = first('elastic-integrations_create-access-key_event-original.json');
    const keyFinding = async (userName: string) =>
      (
        await processRecord({ ...created, requestParameters: { userName } } as CloudTrailRecord, context())
      ).find((p) => p.finding.ruleId === 'keys.created')?.finding;
    expect(await keyFinding('ci-terraform')).toMatchObject({
      severity: 'high',
      message: expect.stringMatching(/for CI user ci-terraform/),
    });
    expect(await keyFinding('alice')).toMatchObject({
      severity: 'low',
      message: expect.stringMatching(/for IAM user alice \(not a CI user\)/),
    });
  });
});

describe('static keys used from GitHub Actions', () => {
  const call = (accessKeyId: string, userAgent: string) =>
    ({
      ...first('elastic-integrations_create-access-key_event-original.json'),
      eventSource: 's3.amazonaws.com',
      eventName: 'PutObject',
      actor: {
        type: 'IAMUser',
        arn: `arn:aws:iam::${snapshot.account}:user/ci/ci-terraform`,
        userName: 'ci-terraform',
        accessKeyId,
      },
      userAgent,
    }) as CloudTrailRecord;
  const actions =
    'aws-sdk-nodejs/2.1112.0 linux/v20.19.0 configure-aws-credentials-for-github-actions promise';
  it('reports a long-lived user key signing calls from configure-aws-credentials, once per key', async () => {
    const store = new MemoryStore();
    const [use] = await processRecord(call('AKIAEXAMPLECITERRA01', actions), context(store));
    expect(use?.finding.ruleId).toBe('activity.static-key-from-actions');
    expect(use?.finding.message).toMatch(/AKIAEXAMPLECITERRA01 of IAM user ci-terraform \(s3:PutObject\)/);
    const [again] = await processRecord(
      { ...call('AKIAEXAMPLECITERRA01', actions), eventId: 'later' },
      context(store),
    );
    expect(again?.outcome).toBe('updated');
  });
  it('ignores temporary credentials and other clients', async () => {
    expect(await processRecord(call('ASIAEXAMPLETEMPORARY', actions), context())).toEqual([]);
    expect(await processRecord(call('AKIAEXAMPLECITERRA01', 'aws-cli/2.17.0'), context())).toEqual([]);
  });
});

describe('tamper watch', () => {
  it('reports an attempt to stop a trail, from the recorded attack (refused, still the signal)', async () => {
    const stop = records('panther_test-scenario_compromised-root-creds_attacker_cloudtrail.logs.json').find(
      (r) => r.eventName === 'StopLogging',
    ) as CloudTrailRecord;
    const [finding] = await processRecord(stop, context());
    expect(finding?.finding.ruleId).toBe('monitor.tampered');
    // Refused: nothing was switched off, so high; one that succeeds is critical (real-records.test.ts).
    expect(finding?.finding.severity).toBe('high');
    expect(finding?.finding.message).toMatch(
      /attempted StopLogging \(refused: NotOrganizationMasterAccountException\) on acme-cloudtrail-us-east-1 by arn:aws:iam::493859302102:root/,
    );
  });
  it('reports changes to the monitor own resources only', async () => {
    const base = first('elastic-integrations_update-assume-role-policy.json');
    const disable = (name: string) =>
      ({
        ...base,
        eventSource: 'events.amazonaws.com',
        eventName: 'DisableRule',
        requestParameters: { name },
      }) as CloudTrailRecord;
    expect(
      (await processRecord(disable('trustwatch-iam-events'), context())).map((p) => p.finding.ruleId),
    ).toEqual(['monitor.tampered']);
    expect(await processRecord(disable('someone-elses-rule'), context())).toEqual([]);
  });
});

describe('events about what the account does not know', () => {
  it('a change to a role neither the account nor the baseline has yields nothing, and no error', async () => {
    const record = {
      ...first('elastic-integrations_update-assume-role-policy.json'),
      requestParameters: { roleName: 'no-such-role', policyDocument: '{}' },
    } as CloudTrailRecord;
    expect(await processRecord(record, context())).toEqual([]);
  });
  it('a refusal by a role that cannot be read says so instead of guessing', async () => {
    const refused = assumption('repo:acme-corp/x:ref:refs/heads/main', 'AccessDenied');
    const record = {
      ...refused,
      requestParameters: { roleArn: `arn:aws:iam::${snapshot.account}:role/gone` },
    } as CloudTrailRecord;
    const [denied] = await processRecord(record, context());
    expect(denied?.finding.evidence.diagnosis).toEqual(['the role could not be read to explain the refusal']);
  });
});
