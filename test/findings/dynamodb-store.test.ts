import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../shared/findings/table-schema.js';
import { describeMoto } from '../support/moto-suite.js';
import { createStateTable } from '../support/state-table.js';
import { storeContract } from './store.contract.js';

describeMoto('DynamoDbStore on moto', () => {
  // A table of this file's own: test files running in parallel never see each other's items.
  const table = `trustwatch-state-${randomUUID()}`;
  let client: DynamoDBClient;
  let documents: DynamoDBDocumentClient;

  beforeAll(async () => {
    client = new DynamoDBClient({
      endpoint: inject('motoEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    documents = DynamoDBDocumentClient.from(client);
    await createStateTable(client, table);
  });
  afterAll(() => client?.destroy());

  storeContract(() => new DynamoDbStore(documents, table));

  it('works as well over a plain DynamoDBClient', async () => {
    const store = new DynamoDbStore(client, table);
    const eventId = randomUUID();
    expect(await store.claimEvent(eventId, '2099-01-01T00:00:00Z')).toBe(true);
    expect(await store.eventClaimed(eventId)).toBe(true);
  });

  it('gives claimed events and activity counters an expiry in epoch seconds for TTL', async () => {
    const store = new DynamoDbStore(documents, table);
    const eventId = randomUUID();
    await store.claimEvent(eventId, '2026-06-01T12:00:00.000Z');
    const role = `arn:aws:iam::123456789012:role/ci-${randomUUID()}`;
    await store.addAssumption({
      roleArn: role,
      subject: 'repo:o/r:pull_request',
      day: '2026-02-01',
      succeeded: 1,
      denied: 0,
    });

    const item = async (pk: string, sk: string) =>
      (
        await documents.send(
          new GetCommand({ TableName: table, Key: { [PARTITION_KEY]: pk, [SORT_KEY]: sk } }),
        )
      ).Item;
    expect((await item(`EVENT#${eventId}`, 'EVENT'))?.[TTL_ATTRIBUTE]).toBe(
      Date.parse('2026-06-01T12:00:00Z') / 1000,
    );
    // Kept 400 days past the day it counts.
    expect((await item('ASSUME#2026-02', `2026-02-01#${role}#repo:o/r:pull_request`))?.[TTL_ATTRIBUTE]).toBe(
      Date.parse('2026-02-01T00:00:00Z') / 1000 + 400 * 86_400,
    );
    // Subjects seen are kept for good: a subject forgotten would alert as novel again.
    expect(await item(`SUBJECTS#${role}`, 'repo:o/r:pull_request')).not.toHaveProperty(TTL_ATTRIBUTE);
  });
});
