import {
  CredentialReportNotPresentException,
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { collectorAccount, shapeOf } from '../../bench/collector-account.js';
import { collectNaively, collectorCalls, naiveCalls } from '../../bench/naive-collector.js';
import { firstDifference } from '../../bench/snapshot-difference.js';
import { createClients } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { type FakeIamAccount, startFakeIamAccount } from '../support/fake-iam-account.js';

const clientsOf = (fake: FakeIamAccount) =>
  createClients({
    endpoint: fake.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

const planned = (calls: { operation: string; calls: number }[]) =>
  Object.fromEntries(calls.map((c) => [c.operation, c.calls]));

describe('the fake IAM account pages as AWS does', () => {
  let fake: FakeIamAccount | undefined;
  afterEach(() => fake?.close());

  it('gives GetAccountAuthorizationDetails in pages of MaxItems users, roles and policies together, with IsTruncated and Marker', async () => {
    // 1,200 roles, 300 users, 40 customer-managed policies: 1,540 items.
    const account = collectorAccount(1200, 40, 300, 10);
    fake = await startFakeIamAccount(account);
    const { iam } = clientsOf(fake);
    const pages = [];
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1000 },
      { Filter: ['Role', 'User', 'LocalManagedPolicy'] },
    )) {
      pages.push(page);
    }
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, false]);
    expect(pages[0]?.Marker).toBeTruthy();
    expect(pages[1]?.Marker).toBeUndefined();
    const items = pages.map(
      (p) => (p.UserDetailList?.length ?? 0) + (p.RoleDetailList?.length ?? 0) + (p.Policies?.length ?? 0),
    );
    expect(items).toEqual([1000, 540]);
    // Users first, then roles, then policies: the first page holds every user and 700 roles.
    expect(pages[0]?.UserDetailList).toHaveLength(300);
    expect(pages[0]?.RoleDetailList).toHaveLength(700);
    expect(pages.flatMap((p) => p.RoleDetailList ?? []).map((r) => r.RoleName)).toEqual(
      account.roles.map((r) => r.name),
    );
    expect(pages[1]?.Policies?.[0]?.PolicyVersionList?.[0]?.IsDefaultVersion).toBe(true);
  });

  it('pages at 100 items when no MaxItems is given and refuses more than 1,000', async () => {
    fake = await startFakeIamAccount(collectorAccount(150, 5, 0, 0));
    const { iam } = clientsOf(fake);
    const first = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(first.RoleDetailList).toHaveLength(100);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(
      new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'], Marker: first.Marker }),
    );
    expect(second.RoleDetailList).toHaveLength(50);
    expect(second.IsTruncated).toBe(false);
    await expect(iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: 1001 }))).rejects.toThrow(
      'between 1 and 1000',
    );
  });

  it('answers the credential report as AWS does: not present, started, in progress, then complete', async () => {
    fake = await startFakeIamAccount(collectorAccount(3, 1, 2, 1), { reportGenerationMs: 60_000 });
    const { iam } = clientsOf(fake);
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toBeInstanceOf(
      CredentialReportNotPresentException,
    );
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('INPROGRESS');
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toBeInstanceOf(
      CredentialReportNotReadyException,
    );
    await fake.close();

    fake = await startFakeIamAccount(collectorAccount(3, 1, 2, 1), { reportGenerationMs: 0 });
    const again = clientsOf(fake).iam;
    expect((await again.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
    expect((await again.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const report = await again.send(new GetCredentialReportCommand({}));
    const lines = new TextDecoder().decode(report.Content).split('\n');
    // The header, the account root, two users.
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^<root_account>,arn:aws:iam::111122223333:root,/);
  });
});

describe('the collectors of the benchmark against the fake IAM account', () => {
  let fake: FakeIamAccount | undefined;
  afterEach(() => fake?.close());

  it('collect the same snapshot, each with exactly the calls the benchmark describes', async () => {
    const account = collectorAccount(150, 12, 60, 15);
    const shape = shapeOf(account);
    expect(shape).toMatchObject({
      roles: 150,
      githubRoles: 12,
      githubCustomerPolicies: 12,
      inlinePolicies: 12,
      keys: 75,
    });
    fake = await startFakeIamAccount(account, { reportGenerationMs: 0 });
    const clients = clientsOf(fake);

    const collected = await collectSnapshot(clients, { credentialReport: { firstDelayMs: 1 } });
    // STARTED, then COMPLETE after one wait.
    expect(collected.calls).toEqual(planned(collectorCalls(shape, 2)));
    expect(collected.snapshot.gaps).toEqual([]);
    const reused = await collectSnapshot(clients);
    expect(reused.calls).toEqual(planned(collectorCalls(shape, 1)));

    const before = clients.calls.counts();
    const naive = await collectNaively(clients);
    expect(clients.calls.since(before)).toEqual(planned(naiveCalls(shape)));

    expect(firstDifference(collected.snapshot, naive)).toBeUndefined();
    expect(collected.snapshot.roles).toHaveLength(150);
    const deploy = collected.snapshot.roles.find((r) => r.name === 'gh-deploy-3');
    expect(deploy?.attachedPolicies?.map((p) => 'document' in p)).toEqual([true, false]);
    expect(deploy?.lastUsed?.region).toBe('us-east-1');
    expect(collected.snapshot.users.flatMap((u) => u.keys)).toHaveLength(75);
    expect(collected.snapshot.users.filter((u) => u.path === '/ci/')).toHaveLength(12);
  });

  it("count trustwatch's pages as the benchmark describes them past 1,000 items", async () => {
    const account = collectorAccount(1100, 3, 20, 0);
    fake = await startFakeIamAccount(account, { reportGenerationMs: 0 });
    const clients = clientsOf(fake);
    const collected = await collectSnapshot(clients, { credentialReport: { firstDelayMs: 1 } });
    // Two pages of ListRoles (1,100 roles) and two of details (20 users, 1,100 roles, 3 policies).
    expect(collected.calls).toMatchObject({ 'iam:ListRoles': 2, 'iam:GetAccountAuthorizationDetails': 2 });
    expect(collected.calls).toEqual(planned(collectorCalls(shapeOf(account), 2)));
    expect(collected.snapshot.roles).toHaveLength(1100);
    expect(collected.snapshot.gaps).toEqual([]);
  });

  it('find a difference when the snapshots disagree', async () => {
    fake = await startFakeIamAccount(collectorAccount(5, 2, 3, 1), { reportGenerationMs: 0 });
    const clients = clientsOf(fake);
    const { snapshot } = await collectSnapshot(clients, { credentialReport: { firstDelayMs: 1 } });
    const naive = await collectNaively(clients);
    const changed = structuredClone(naive);
    (changed.roles[0] as { tags: Record<string, string> }).tags = { other: 'tag' };
    expect(firstDifference(snapshot, changed)).toBe(changed.roles[0]?.arn);
  });
});
