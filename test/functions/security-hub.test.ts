import { randomUUID } from 'node:crypto';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, inject, it } from 'vitest';
import { auditHandler } from '../../functions/audit/handler.js';
import { queueFailedImports, securityHubExport } from '../../functions/common/security-hub.js';
import { loadSettings } from '../../functions/common/settings.js';
import type { Finding } from '../../shared/findings/finding.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { AsffDocumentSchema } from '../support/asff-schema.js';
import { MemoryStore } from '../support/memory-store.js';
import { describeMoto } from '../support/moto-suite.js';
import { sampleAccount } from '../support/sample-account.js';
import { sampleSettings, silentLogger } from './sample-settings.js';

const endpoint = inject('motoEndpoint');
const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A Security Hub client on moto in an account of its own (moto's x-moto-account-id header). */
function securityHub(account: string): SecurityHubClient {
  const client = new SecurityHubClient({ endpoint, region: REGION, credentials });
  client.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}
const sqs = () => new SQSClient({ endpoint, region: REGION, credentials });

async function allFindings(client: SecurityHubClient): Promise<AwsSecurityFinding[]> {
  const out: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new GetFindingsCommand({ MaxResults: 100, NextToken }));
    out.push(...(page.Findings ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

async function failuresQueue(): Promise<string> {
  const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: `failures-${randomUUID()}` }));
  if (!QueueUrl) throw new Error('moto created no queue');
  return QueueUrl;
}

/** A clock that moves a minute each time it is read: each export is later than the one before. */
function ticking(from: string) {
  let t = Date.parse(from);
  return () => {
    t += 60_000;
    return new Date(t).toISOString();
  };
}

describeMoto('the audit exports its findings to Security Hub', () => {
  it('a finding audited twice, then resolved, is in Security Hub once, ARCHIVED', async () => {
    const { snapshot: sample, baseline } = sampleAccount();
    // An account of its own in moto, so that no other test's findings are mixed in.
    const account = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
    const snapshot: Snapshot = JSON.parse(JSON.stringify(sample).replaceAll(sample.account, account));
    const client = securityHub(account);
    const store = new MemoryStore();
    const queueUrl = await failuresQueue();
    let current = snapshot;
    const handle = auditHandler({
      settings: sampleSettings(),
      store,
      logger: silentLogger(),
      publish: async () => undefined,
      collect: async () => current,
      exportFindings: securityHubExport({
        client,
        store,
        region: REGION,
        setAside: queueFailedImports(queueUrl, sqs),
        logger: silentLogger(),
        now: ticking('2026-11-02T10:00:00.000Z'),
        sleep: async () => undefined,
      }),
    });
    const context = { invokedFunctionArn: `arn:aws:lambda:${REGION}:${account}:function:trustwatch-audit` };

    const first = await handle({}, context);
    const afterFirst = await allFindings(client);
    expect(afterFirst).toHaveLength(first.findings.length);
    expect(AsffDocumentSchema.parse({ Findings: afterFirst.slice(0, 100) })).toBeTruthy();

    await handle({}, context);
    const afterSecond = await allFindings(client);
    // The same findings updated in place: no second copy of any.
    expect(afterSecond.map((f) => f.Id).sort()).toEqual(afterFirst.map((f) => f.Id).sort());

    // The widened role is put back as reviewed: its finding is resolved.
    const reviewed = baseline.ciRoles.find((r) => r.name === 'gh-deploy-web-prod')?.trustPolicy;
    current = {
      ...snapshot,
      roles: snapshot.roles.map((r) =>
        r.name === 'gh-deploy-web-prod' ? { ...r, trustPolicy: reviewed } : r,
      ),
    };
    const third = await handle({}, context);
    const widened = first.findings.find((f) => f.ruleId === 'drift.trust-wider');
    if (!widened) throw new Error('the sample account has a widened trust policy');
    expect(third.resolved).toContain(widened.id);

    const final = await allFindings(client);
    const exported = final.filter((f) => f.Id === `trustwatch/${widened.id}`);
    expect(exported).toHaveLength(1);
    const [archived] = exported;
    const before = afterFirst.find((f) => f.Id === `trustwatch/${widened.id}`);
    expect(archived).toMatchObject({
      RecordState: 'ARCHIVED',
      GeneratorId: 'drift.trust-wider',
      AwsAccountId: account,
      ProductArn: `arn:aws:securityhub:${REGION}:${account}:product/${account}/default`,
      CreatedAt: before?.CreatedAt,
    });
    expect(Date.parse(archived?.UpdatedAt ?? '')).toBeGreaterThan(Date.parse(before?.UpdatedAt ?? ''));
    // Every finding still once, and those still found still active.
    expect(new Set(final.map((f) => f.Id)).size).toBe(final.length);
    const stillOpen = new Set(third.findings.map((f) => `trustwatch/${f.id}`));
    expect(final.filter((f) => stillOpen.has(f.Id ?? '')).every((f) => f.RecordState === 'ACTIVE')).toBe(
      true,
    );
    // Nothing was set aside.
    const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(Messages).toEqual([]);
  });

  it('sets what Security Hub keeps refusing aside in the failures queue, and the invocation goes on', async () => {
    const { snapshot } = sampleAccount();
    const client = new SecurityHubClient({ region: REGION, credentials });
    const mock = mockClient(client);
    // The SDK mock: moto cannot refuse a finding.
    mock.on(BatchImportFindingsCommand).callsFake((input: { Findings?: { Id?: string }[] }) => ({
      FailedCount: 1,
      SuccessCount: (input.Findings?.length ?? 0) - 1,
      FailedFindings: [{ Id: input.Findings?.[0]?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'refused' }],
    }));
    const store = new MemoryStore();
    const queueUrl = await failuresQueue();
    const result = await auditHandler({
      settings: sampleSettings(),
      store,
      logger: silentLogger(),
      publish: async () => undefined,
      collect: async () => snapshot,
      exportFindings: securityHubExport({
        client,
        store,
        region: REGION,
        setAside: queueFailedImports(queueUrl, sqs),
        logger: silentLogger(),
        now: ticking('2026-11-02T10:00:00.000Z'),
        sleep: async () => undefined,
      }),
    })({}, { invokedFunctionArn: `arn:aws:lambda:${REGION}:${snapshot.account}:function:trustwatch-audit` });
    expect(result.findings.length).toBeGreaterThan(1);
    const { Messages = [] } = await sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(1);
    const body = JSON.parse(Messages[0]?.Body ?? '{}') as {
      kind: string;
      account: string;
      errorCode: string;
      finding: { Id: string; GeneratorId: string };
    };
    expect(body).toMatchObject({
      kind: 'securityhub-finding',
      account: snapshot.account,
      errorCode: 'InvalidInput',
    });
    expect(Messages[0]?.MessageAttributes?.findingId?.StringValue).toBe(body.finding.Id);
    expect(result.findings.map((f) => `trustwatch/${f.id}`)).toContain(body.finding.Id);
  });

  it('imports the account’s own findings and sets aside one about another account', async () => {
    const client = new SecurityHubClient({ region: REGION, credentials });
    const mock = mockClient(client);
    mock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const store = new MemoryStore();
    // Hand-written: the same finding about this account and about another one.
    const about = (account: string): Finding => ({
      id: `novel-${account}`,
      ruleId: 'activity.novel-subject',
      severity: 'high',
      title: 'Role assumed by a GitHub subject never seen before',
      resource: { type: 'role', arn: `arn:aws:iam::${account}:role/gh-deploy`, name: 'gh-deploy' },
      account,
      region: 'us-east-1',
      message: 'gh-deploy assumed by repo:acme-corp/app:ref:refs/heads/main, never seen before',
      evidence: { subject: 'repo:acme-corp/app:ref:refs/heads/main' },
      remediation: 'Check the run.',
      firstSeen: '2026-11-02T08:00:00.000Z',
      lastSeen: '2026-11-02T08:00:00.000Z',
      status: 'open',
    });
    await store.save(about('111122223333'));
    await store.save(about('444455556666'));
    const queueUrl = await failuresQueue();
    await securityHubExport({
      client,
      store,
      region: REGION,
      setAside: queueFailedImports(queueUrl, sqs),
      logger: silentLogger(),
      now: ticking('2026-11-02T10:00:00.000Z'),
      sleep: async () => undefined,
    })(['novel-111122223333', 'novel-444455556666'], '111122223333');
    const sent = mock.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);
    expect(sent.map((f) => f.Id)).toEqual(['trustwatch/novel-111122223333']);
    const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    expect(Messages.map((m) => JSON.parse(m.Body ?? '{}'))).toMatchObject([
      {
        errorCode: 'OtherAccount',
        finding: { Id: 'trustwatch/novel-444455556666', AwsAccountId: '444455556666' },
      },
    ]);
  });
});

it('reads the Security Hub switch from the function environment', () => {
  const base = { TRUSTWATCH_TABLE: 't', TRUSTWATCH_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:a' };
  expect(loadSettings(base).securityHub).toBeUndefined();
  expect(
    loadSettings({
      ...base,
      TRUSTWATCH_SECURITY_HUB: 'on',
      AWS_REGION: REGION,
      TRUSTWATCH_FAILURES_QUEUE: 'q',
    }).securityHub,
  ).toEqual({ region: REGION, failuresQueueUrl: 'q' });
  expect(() => loadSettings({ ...base, TRUSTWATCH_SECURITY_HUB: 'on' })).toThrow(/TRUSTWATCH_FAILURES_QUEUE/);
});
