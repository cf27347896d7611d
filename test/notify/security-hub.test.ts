import {
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding.js';
import { importFindings } from '../../shared/notify/security-hub.js';
import { asffFindings, asffTarget } from '../../shared/securityhub/asff.js';

// The SDK mock stands only for what moto cannot answer: throttling and findings Security Hub refuses.
const client = new SecurityHubClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const mock = mockClient(client);
afterEach(() => mock.reset());

// Hand-written findings: only their ids matter here.
const findings = (n: number) =>
  asffFindings(
    Array.from(
      { length: n },
      (_, i): Finding => ({
        id: `finding-${i}`,
        ruleId: 'oidc.any-ref',
        severity: 'medium',
        title: 'Any branch, tag or environment of a repository can assume the role',
        resource: { type: 'role', arn: `arn:aws:iam::111122223333:role/r${i}`, name: `r${i}` },
        account: '111122223333',
        region: 'global',
        message: `r${i} admits any ref`,
        evidence: {},
        remediation: 'Name the refs.',
        firstSeen: '2026-11-02T09:00:00.000Z',
        lastSeen: '2026-11-02T09:00:00.000Z',
        status: 'open',
      }),
    ),
    asffTarget('eu-west-1', '111122223333'),
  );

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const sent = () =>
  mock
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings?.map((f) => f.Id));

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('BatchImportFindings with faults', () => {
  it('sends 100 findings a call', async () => {
    mock.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
      FailedCount: 0,
      SuccessCount: input.Findings?.length,
      FailedFindings: [],
    }));
    const { sleep } = recorder();
    const result = await importFindings(client, findings(230), { sleep });
    expect(result).toEqual({ imported: 230, failed: [] });
    expect(sent().map((ids) => ids?.length)).toEqual([100, 100, 30]);
  });

  it('backs off and retries a throttled call', async () => {
    mock
      .on(BatchImportFindingsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(Object.assign(new Error('Too many'), { name: 'TooManyRequestsException' }))
      .resolves({ FailedCount: 0, SuccessCount: 3, FailedFindings: [] });
    const { waits, sleep } = recorder();
    const result = await importFindings(client, findings(3), { sleep, backoffMs: 100 });
    expect(result).toEqual({ imported: 3, failed: [] });
    expect(sent()).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('sends again only the findings the response lists as failed', async () => {
    mock
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        FailedCount: 1,
        SuccessCount: 2,
        FailedFindings: [
          { Id: 'trustwatch/finding-1', ErrorCode: 'InternalException', ErrorMessage: 'try again' },
        ],
      })
      .resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });
    const { sleep } = recorder();
    const result = await importFindings(client, findings(3), { sleep });
    expect(result).toEqual({ imported: 3, failed: [] });
    expect(sent()).toEqual([
      ['trustwatch/finding-0', 'trustwatch/finding-1', 'trustwatch/finding-2'],
      ['trustwatch/finding-1'],
    ]);
  });

  it('returns what still fails after every attempt, with Security Hub’s last answer', async () => {
    mock.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
      FailedCount: 1,
      SuccessCount: (input.Findings?.length ?? 0) - 1,
      FailedFindings: [{ Id: 'trustwatch/finding-0', ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }],
    }));
    const { waits, sleep } = recorder();
    const result = await importFindings(client, findings(2), { sleep, attempts: 3, backoffMs: 10 });
    expect(result.imported).toBe(1);
    expect(result.failed.map((f) => [f.finding.Id, f.errorCode, f.errorMessage])).toEqual([
      ['trustwatch/finding-0', 'InvalidInput', 'bad field'],
    ]);
    expect(sent()).toHaveLength(3);
    expect(waits).toEqual([10, 20]);
  });

  it('gives up at once on an error that is not throttling, returning the whole batch', async () => {
    mock.on(BatchImportFindingsCommand).rejects(
      Object.assign(new Error('Account is not subscribed to AWS Security Hub'), {
        name: 'InvalidAccessException',
      }),
    );
    const { waits, sleep } = recorder();
    const result = await importFindings(client, findings(2), { sleep });
    expect(result.imported).toBe(0);
    expect(result.failed.map((f) => f.errorCode)).toEqual([
      'InvalidAccessException',
      'InvalidAccessException',
    ]);
    expect(sent()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('keeps throttled findings as failed when the throttling outlasts the attempts', async () => {
    mock.on(BatchImportFindingsCommand).rejects(throttled());
    const { sleep } = recorder();
    const result = await importFindings(client, findings(101), { sleep, attempts: 2 });
    expect(result.imported).toBe(0);
    expect(result.failed).toHaveLength(101);
    expect(result.failed.every((f) => f.errorCode === 'ThrottlingException')).toBe(true);
  });
});
