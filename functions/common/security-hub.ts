import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { appendAll } from '../../shared/arrays.js';
import type { Finding } from '../../shared/findings/finding.js';
import type { FindingStore } from '../../shared/findings/store.js';
import { type FailedImport, importFindings } from '../../shared/notify/security-hub.js';
import { asffFindings, asffTarget } from '../../shared/securityhub/asff.js';
import type { Settings } from './settings.js';

/**
 * Exports the findings a function opened, updated, suppressed or resolved, by id, as the store now
 * holds them (the first sighting's time, the merged evidence, resolved or not).
 */
export type ExportFindings = (ids: string[], account: string) => Promise<void>;

export interface SecurityHubExportDependencies {
  client: SecurityHubClient;
  store: Pick<FindingStore, 'get'>;
  /** The region the functions run in: findings go to that region's Security Hub. */
  region: string;
  /** Where what Security Hub would not take goes: the monitor's failures queue. */
  setAside: (failed: FailedImport[], account: string) => Promise<void>;
  logger: Pick<Logger, 'error'>;
  now: () => string;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The export to Security Hub: each finding once, imported under the account's default product ARN.
 * What fails after the retries is logged and set aside in the failures queue (an alarm watches it); a
 * failure to set it aside throws, so that the invocation fails and goes the way of every failure.
 */
export function securityHubExport(deps: SecurityHubExportDependencies): ExportFindings {
  return async (ids, account) => {
    const findings: Finding[] = [];
    for (const id of new Set(ids)) {
      const stored = await deps.store.get(id);
      if (stored) {
        const { alertedAt: _a, alertClaim: _c, resolvedAt: _r, ...finding } = stored;
        findings.push(finding);
      }
    }
    if (findings.length === 0) return;
    const asff = asffFindings(findings, asffTarget(deps.region, account), deps.now());
    // Security Hub takes a default-product finding only from the account it is about: a finding about
    // another account (a record it delivered here) cannot be imported from this one.
    const foreign: FailedImport[] = asff
      .filter((f) => f.AwsAccountId !== account)
      .map((finding) => ({
        finding,
        errorCode: 'OtherAccount',
        errorMessage: `about account ${finding.AwsAccountId}: only that account can import it`,
      }));
    const own = asff.filter((f) => f.AwsAccountId === account);
    const { failed } =
      own.length > 0 ? await importFindings(deps.client, own, { sleep: deps.sleep }) : { failed: [] };
    appendAll(failed, foreign);
    if (failed.length === 0) return;
    deps.logger.error('Security Hub did not take these findings: they go to the failures queue', {
      failed: failed.map(({ finding, errorCode, errorMessage }) => ({
        id: finding.Id,
        errorCode,
        errorMessage,
      })),
    });
    await deps.setAside(failed, account);
  };
}

/**
 * Sets findings Security Hub did not take aside in the failures queue, one message each (a finding is
 * at most 240 KB, a message 256 KB): the ASFF finding as it was sent, with Security Hub's last answer,
 * so that it can be read and imported again.
 */
export function queueFailedImports(queueUrl: string, sqs: () => SQSClient) {
  return async (failed: FailedImport[], account: string): Promise<void> => {
    const client = sqs();
    for (const { finding, errorCode, errorMessage } of failed) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify({
            kind: 'securityhub-finding',
            account,
            errorCode,
            errorMessage,
            finding,
          }),
          MessageAttributes: { findingId: { DataType: 'String', StringValue: finding.Id } },
        }),
      );
    }
  };
}

/** The export the settings ask for (built at cold start), or none when Security Hub is off. */
export function exportFromSettings(
  settings: Settings,
  store: Pick<FindingStore, 'get'>,
): ExportFindings | undefined {
  const hub = settings.securityHub;
  if (!hub) return undefined;
  return securityHubExport({
    client: new SecurityHubClient({ region: hub.region }),
    store,
    region: hub.region,
    setAside: queueFailedImports(hub.failuresQueueUrl, () => new SQSClient({})),
    logger: new Logger({ serviceName: 'trustwatch-security-hub' }),
    now: () => new Date().toISOString(),
    sleep,
  });
}
