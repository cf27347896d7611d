import { readFileSync } from 'node:fs';
import {
  CredentialReportNotReadyException,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CredentialReportError, readCredentialReport } from '../../shared/inventory/credential-report.js';

const saved = JSON.parse(
  readFileSync(
    new URL('../fixtures/credential_report/cloudmapper_demo_iam-get-credential-report.json', import.meta.url),
    'utf8',
  ),
) as { Content: string; GeneratedTime: string };

const iam = new IAMClient({ region: 'us-east-1' });
const iamMock = mockClient(iam);
const FAST = { firstDelayMs: 1, maxDelayMs: 4 };

beforeEach(() => iamMock.reset());

describe('readCredentialReport', () => {
  it('generates, polls while IAM works on it, then reads and parses the report', async () => {
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    iamMock.on(GetCredentialReportCommand).resolves({
      Content: new TextEncoder().encode(saved.Content),
      GeneratedTime: new Date(saved.GeneratedTime),
      ReportFormat: 'text/csv',
    });
    const states: string[] = [];
    const report = await readCredentialReport(iam, { ...FAST, onWait: (s) => states.push(s) });
    expect(states).toEqual(['STARTED', 'INPROGRESS']);
    expect(iamMock).toHaveReceivedCommandTimes(GenerateCredentialReportCommand, 3);
    expect(iamMock).toHaveReceivedCommandTimes(GetCredentialReportCommand, 1);
    expect(report.generatedAt).toBe('2019-05-07T15:40:22.000Z');
    expect(report.users.map((u) => u.name)).toEqual(['auditor_tmp', 'user']);
  });

  it('generates again when the report is not ready after all', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .rejectsOnce(new CredentialReportNotReadyException({ message: 'in progress', $metadata: {} }))
      .resolves({ Content: new TextEncoder().encode(saved.Content) });
    const report = await readCredentialReport(iam, FAST);
    expect(iamMock).toHaveReceivedCommandTimes(GenerateCredentialReportCommand, 2);
    expect(report.users).toHaveLength(2);
  });

  it('gives up with a clear error when the report never completes', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const reading = readCredentialReport(iam, { ...FAST, timeoutMs: 30 });
    await expect(reading).rejects.toThrow(CredentialReportError);
    await expect(reading).rejects.toThrow(
      /^the IAM credential report was not ready after 0\.03 s \(last state: INPROGRESS\); IAM may still be generating it: try again in a few minutes$/,
    );
    expect(iamMock).not.toHaveReceivedCommand(GetCredentialReportCommand);
  });

  it('names the permission a denied call lacks', async () => {
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .rejects(Object.assign(new Error('User: x is not authorized'), { name: 'AccessDenied' }));
    const reading = readCredentialReport(iam, FAST);
    await expect(reading).rejects.toMatchObject({
      operation: 'iam:GetCredentialReport',
      message:
        'iam:GetCredentialReport denied on the credential report: grant iam:GetCredentialReport to the audit role (User: x is not authorized)',
    });
  });
});
