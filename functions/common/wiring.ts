import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import type { Publish } from '../../shared/notify/lifecycle.js';
import { publishAlert } from '../../shared/notify/sns.js';
import { loadSettings, type Settings } from './settings.js';

/** What every deployed function builds once per cold start: settings, the state table, the alert topic. */
export function coldStart(): { settings: Settings; store: DynamoDbStore; publish: Publish } {
  const settings = loadSettings();
  const store = new DynamoDbStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), settings.table);
  const sns = new SNSClient({});
  return { settings, store, publish: (message) => publishAlert(sns, settings.topicArn, message) };
}
