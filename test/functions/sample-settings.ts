import { Logger } from '@aws-lambda-powertools/logger';
import type { Settings } from '../../functions/common/settings.js';
import { sampleAccount } from '../support/sample-account.js';

/** Function settings for the sample account; the table and topic are replaced by in-memory fakes. */
export function sampleSettings(): Settings {
  const { baseline, config } = sampleAccount();
  return {
    topicArn: 'unused',
    table: 'unused',
    baseline,
    config,
    regions: ['us-east-1'],
    monitorPrefix: 'trustwatch',
  };
}

export const silentLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });
