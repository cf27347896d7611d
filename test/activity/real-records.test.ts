import { describe, expect, it } from 'vitest';
import { eventCopyReader } from '../../shared/activity/event-copy-reader.js';
import { parseRecords } from '../../shared/activity/parse.js';
import { type ActivityContext, processRecord } from '../../shared/activity/process.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import { MemoryStore } from '../support/memory-store.js';
import { sampleAccount, sampleActivityContext } from '../support/sample-account.js';
import { cloudtrailFixture } from './cloudtrail-fixtures.js';

const records = (name: string) => parseRecords(cloudtrailFixture(name)).records;
const first = (name: string) => records(name)[0] as CloudTrailRecord;

/** How `events replay` runs without --snapshot: IAM as the record itself describes it. */
function withoutSnapshot(
  record: CloudTrailRecord,
  store = new MemoryStore(),
  config = DEFAULT_CONFIG,
): ActivityContext {
  const account = record.account ?? '000000000000';
  return { account, config, reader: eventCopyReader(record, account), store, monitorPrefix: 'trustwatch' };
}

const keyFindings = async (record: CloudTrailRecord, context: ActivityContext) =>
  (await processRecord(record, context))
    .filter((p) => p.finding.ruleId === 'keys.created')
    .map((p) => p.finding);

describe('CreateAccessKey on real records', () => {
  it('is reported without a snapshot, saying the user is unknown (Stratus backdoor user)', async () => {
    const record = first('stratus_aws.persistence.iam-backdoor-user.json');
    const [finding] = await keyFindings(record, withoutSnapshot(record));
    expect(finding).toMatchObject({
      severity: 'medium',
      resource: {
        type: 'user',
        name: 'stratus-red-team-backdoor-u-user',
        arn: 'arn:aws:iam::946986569305:user/stratus-red-team-backdoor-u-user',
      },
      evidence: { keyId: 'AKIAL80DWDVKKM0UXEER' },
    });
    expect(finding?.message).toMatch(/does not show: whether CI uses it cannot be told/);
    expect(finding?.message).toMatch(/by arn:aws:iam::946986569305:user\/christophe/);
  });

  it('is high without a snapshot when a name pattern says the user is CI', async () => {
    const record = first('stratus_aws.persistence.iam-backdoor-user.json');
    const config = { ...DEFAULT_CONFIG, ciUsers: { ...DEFAULT_CONFIG.ciUsers, namePatterns: ['^stratus-'] } };
    const [finding] = await keyFindings(record, withoutSnapshot(record, new MemoryStore(), config));
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toMatch(/CI user stratus-red-team-backdoor-u-user \(by name/);
  });

  it('reports every key of the Stratus admin-user detonation and each Panther key-creation sample', async () => {
    for (const name of [
      'stratus_aws.persistence.iam-create-admin-user.json',
      'panther_aws_iam_user_key_created_tests.logs.json',
    ]) {
      const created = records(name).filter((r) => r.eventName === 'CreateAccessKey' && !r.errorCode);
      expect(created.length, name).toBeGreaterThan(0);
      for (const record of created) {
        expect(await keyFindings(record, withoutSnapshot(record)), `${name} ${record.eventId}`).toHaveLength(
          1,
        );
      }
    }
  });

  it("names the root user's own key (Panther root key sample: no userName anywhere)", async () => {
    const [rootKey] = records('panther_aws_root_access_key_created_tests.logs.json');
    const [finding] = await keyFindings(
      rootKey as CloudTrailRecord,
      withoutSnapshot(rootKey as CloudTrailRecord),
    );
    expect(finding).toMatchObject({
      severity: 'high',
      resource: { type: 'account', arn: 'arn:aws:iam::123456789012:root', name: 'root' },
    });
    expect(finding?.message).toMatch(/root user/);
  });

  it('is low for a user the snapshot knows is not CI, high for one it knows is', async () => {
    const record = first('stratus_aws.persistence.iam-backdoor-user.json');
    const forUser = (userName: string) =>
      ({ ...record, requestParameters: { userName }, responseElements: undefined }) as CloudTrailRecord;
    const context = sampleActivityContext(new MemoryStore());
    expect((await keyFindings(forUser('bob'), context))[0]?.severity).toBe('low');
    expect((await keyFindings(forUser('ci-ecr-pusher'), context))[0]?.severity).toBe('high');
    expect((await keyFindings(forUser('nobody-knows'), context))[0]?.severity).toBe('medium');
  });

  it('reports nothing for a refused CreateAccessKey: no key exists', async () => {
    const record = { ...first('stratus_aws.persistence.iam-backdoor-user.json'), errorCode: 'AccessDenied' };
    expect(await keyFindings(record, withoutSnapshot(record))).toEqual([]);
  });
});

describe('refused GitHub AssumeRoleWithWebIdentity that names no role', () => {
  /** The captured cloud-snitch GitHub assumption, refused as AWS logs refusals: no responseElements. */
  const refused = (requestParameters: Record<string, unknown>, raw: Record<string, unknown> = {}) => {
    const record = first('arwwi_github_success_ccbrown-cloud-snitch.json');
    return {
      ...record,
      errorCode: 'AccessDenied',
      responseElements: undefined,
      requestParameters,
      raw: { ...record.raw, ...raw },
    } as CloudTrailRecord;
  };

  it('is reported and counted with what is known when roleArn is null', async () => {
    const store = new MemoryStore();
    const record = refused({ roleArn: null, roleSessionName: 'GitHubActions' }, { resources: [] });
    const processed = await processRecord(record, withoutSnapshot(record, store));
    expect(processed).toHaveLength(1);
    const finding = processed[0]?.finding;
    expect(finding?.ruleId).toBe('activity.assume-denied');
    expect(finding?.resource.name).toBe('(unknown role)');
    expect(finding?.message).toMatch(/a role the record does not name \(us-east-1\) refused "repo:/);
    expect(finding?.message).toMatch(/from token\.actions\.githubusercontent\.com \(AccessDenied\)/);
    expect(finding?.evidence).toMatchObject({
      provider: 'token.actions.githubusercontent.com',
      subject: expect.stringMatching(/^repo:/),
    });
    expect(finding?.evidence.diagnosis).toEqual([expect.stringMatching(/roleArn is null/)]);
    const day = record.eventTime.slice(0, 10);
    expect(await store.assumptions(day, day)).toEqual([expect.objectContaining({ denied: 1, succeeded: 0 })]);
  });

  it('takes the role from resources[] when only that names it', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/deploy';
    const record = refused(
      { roleSessionName: 'GitHubActions' },
      {
        resources: [{ accountId: '123456789012', type: 'AWS::IAM::Role', ARN: roleArn }],
      },
    );
    const [processed] = await processRecord(record, withoutSnapshot(record));
    expect(processed?.finding.resource).toMatchObject({ arn: roleArn, name: 'deploy' });
    expect(processed?.finding.message).toMatch(/^deploy refused/);
  });
});

describe('tamper on real records (Panther compromised-root scenario)', () => {
  const stop = records('panther_test-scenario_compromised-root-creds_attacker_cloudtrail.logs.json').find(
    (r) => r.eventName === 'StopLogging',
  ) as CloudTrailRecord;
  const tamper = async (record: CloudTrailRecord, store: MemoryStore) =>
    (await processRecord(record, withoutSnapshot(record, store)))[0];

  it("names the trail by its real ARN, from the record's region and account", async () => {
    const found = await tamper(stop, new MemoryStore());
    expect(found?.finding.resource.arn).toBe(
      'arn:aws:cloudtrail:us-east-1:493859302102:trail/acme-cloudtrail-us-east-1',
    );
  });

  it('groups repeated refused attempts by actor, call and target; a success is a critical of its own', async () => {
    const store = new MemoryStore();
    const attempts = await Promise.all(
      [1, 2, 3].map((n) => ({ ...stop, eventId: `retry-${n}` })).map(async (r) => r),
    );
    const outcomes = [];
    for (const attempt of attempts) outcomes.push((await tamper(attempt, store))?.outcome);
    expect(outcomes).toEqual(['opened', 'updated', 'updated']);
    const { errorCode: _refused, ...done } = stop;
    const success = await tamper({ ...done, eventId: 'done' } as CloudTrailRecord, store);
    expect(success).toMatchObject({ outcome: 'opened', finding: { severity: 'critical' } });
    expect(success?.finding.message).toMatch(/^StopLogging on acme-cloudtrail-us-east-1/);
    const other = await tamper(
      { ...stop, eventId: 'other', actor: { ...stop.actor, arn: 'arn:aws:iam::493859302102:user/mallory' } },
      store,
    );
    expect(other?.outcome).toBe('opened');
    const deleteTrail = await tamper({ ...stop, eventId: 'del', eventName: 'DeleteTrail' }, store);
    expect(deleteTrail).toMatchObject({ outcome: 'opened', finding: { severity: 'high' } });
  });

  it('keeps a trail ARN the request gives, and builds others in their partition', async () => {
    const arn = 'arn:aws:cloudtrail:eu-west-1:493859302102:trail/org-trail';
    expect(
      (await tamper({ ...stop, requestParameters: { name: arn } }, new MemoryStore()))?.finding.resource.arn,
    ).toBe(arn);
    const china = await tamper({ ...stop, region: 'cn-north-1' }, new MemoryStore());
    expect(china?.finding.resource.arn).toBe(
      'arn:aws-cn:cloudtrail:cn-north-1:493859302102:trail/acme-cloudtrail-us-east-1',
    );
  });

  it("names the monitor's own rule, function and table by real ARNs", async () => {
    const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) =>
      tamper({ ...stop, eventSource, eventName, requestParameters }, new MemoryStore());
    const arns = await Promise.all([
      call('events.amazonaws.com', 'DisableRule', { name: 'trustwatch-iam-events' }),
      call('events.amazonaws.com', 'DeleteRule', { name: 'trustwatch-x', eventBusName: 'audit' }),
      call('lambda.amazonaws.com', 'DeleteFunction', { functionName: 'trustwatch-audit' }),
      call('dynamodb.amazonaws.com', 'DeleteTable', { tableName: 'trustwatch-state' }),
      call('scheduler.amazonaws.com', 'DeleteSchedule', { name: 'trustwatch-daily' }),
    ]);
    expect(arns.map((a) => a?.finding.resource.arn)).toEqual([
      'arn:aws:events:us-east-1:493859302102:rule/trustwatch-iam-events',
      'arn:aws:events:us-east-1:493859302102:rule/audit/trustwatch-x',
      'arn:aws:lambda:us-east-1:493859302102:function:trustwatch-audit',
      'arn:aws:dynamodb:us-east-1:493859302102:table/trustwatch-state',
      'arn:aws:scheduler:us-east-1:493859302102:schedule/default/trustwatch-daily',
    ]);
  });
});

describe('a trust change judged with a snapshot', () => {
  const { snapshot } = sampleAccount();
  const current = snapshot.roles.find((r) => r.name === 'gh-deploy-web-prod')?.trustPolicy;
  /** The Elastic UpdateAssumeRolePolicy record, setting `policy` on a role of the sample account. */
  const update = (policy: unknown) =>
    ({
      ...first('elastic-integrations_update-assume-role-policy.json'),
      requestParameters: { roleName: 'gh-deploy-web-prod', policyDocument: JSON.stringify(policy) },
    }) as CloudTrailRecord;
  const withSubject = (sub: string) =>
    JSON.parse(JSON.stringify(current).replace('repo:acme-corp/*', sub)) as unknown;

  it('judges the policy the event set, and notes that the snapshot holds another', async () => {
    const processed = await processRecord(
      update(withSubject('repo:*')),
      sampleActivityContext(new MemoryStore()),
    );
    const wider = processed.find((p) => p.finding.ruleId === 'drift.trust-wider')?.finding;
    expect(wider?.evidence.after).toEqual(['repo:*']);
    expect(wider?.evidence.note).toMatch(/the account state read holds a different one now/);
    expect(processed.map((p) => p.finding.ruleId)).toContain('oidc.any-owner');
    expect(processed.every((p) => /judged on the trust policy this event set/.test(p.finding.message))).toBe(
      true,
    );
  });

  it('does not blame an event that set a narrow policy for the wide one the snapshot holds', async () => {
    const narrow = withSubject('repo:acme-corp/web:environment:production');
    const processed = await processRecord(update(narrow), sampleActivityContext(new MemoryStore()));
    expect(processed.map((p) => p.finding.ruleId)).not.toContain('drift.trust-wider');
  });

  it('adds no note when the event set what the snapshot holds', async () => {
    const processed = await processRecord(update(current), sampleActivityContext(new MemoryStore()));
    expect(processed.length).toBeGreaterThan(0);
    expect(processed.some((p) => 'note' in p.finding.evidence)).toBe(false);
  });
});
