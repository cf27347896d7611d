import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import type { Publish } from '../../shared/notify/lifecycle.js';
import { publishAlert } from '../../shared/notify/sns.js';
import { loadSettings, type Settings } from './settings.js';

/**
 * Publishes to the account's alert topic, then to the organization's central topic when there is one.
 * A failure throws (the caller's retry sends again): a duplicate alert rather than a lost one.
 */
export function publisher(topicArns: string[], client: (region: string) => SNSClient): Publish {
  // Built with the first publish, as most invocations alert nothing. A topic takes publishes only in its own region.
  let targets: { arn: string; sns: SNSClient }[] | undefined;
  return async (message) => {
    targets ??= topicArns.map((arn) => ({ arn, sns: client(arn.split(':')[3] ?? '') }));
    for (const { arn, sns } of targets) await publishAlert(sns, arn, message);
  };
}

/** What every deployed function builds once per cold start: settings, the state table, the alert topics. */
export function coldStart(): { settings: Settings; store: DynamoDbStore; publish: Publish } {
  const settings = loadSettings();
  const store = new DynamoDbStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), settings.table);
  const topics = [settings.topicArn, ...(settings.centralTopicArn ? [settings.centralTopicArn] : [])];
  return { settings, store, publish: publisher(topics, (region) => new SNSClient({ region })) };
}
