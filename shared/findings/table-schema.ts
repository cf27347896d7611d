import type { AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement } from '@aws-sdk/client-dynamodb';

/**
 * The state table of the deployed monitor: one table, every kind of item told apart by its keys
 * (see dynamodb-store.ts). The CDK stack and the tests create the table from these, so that the
 * table and the code that reads it cannot disagree.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';

/** Epoch seconds: DynamoDB deletes claimed events and old activity counters after this. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Findings by status. Only finding items carry `status`, so the index holds nothing else; listing
 * the open findings reads those and not every event claim or resolved finding in the table.
 */
export const STATUS_INDEX = { name: 'byStatus', partitionKey: 'status', sortKey: 'id' } as const;

export const TABLE_KEY_SCHEMA: KeySchemaElement[] = [
  { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
  { AttributeName: SORT_KEY, KeyType: 'RANGE' },
];

export const TABLE_ATTRIBUTE_DEFINITIONS: AttributeDefinition[] = [
  { AttributeName: PARTITION_KEY, AttributeType: 'S' },
  { AttributeName: SORT_KEY, AttributeType: 'S' },
  { AttributeName: STATUS_INDEX.partitionKey, AttributeType: 'S' },
  { AttributeName: STATUS_INDEX.sortKey, AttributeType: 'S' },
];

export const TABLE_GLOBAL_SECONDARY_INDEXES: GlobalSecondaryIndex[] = [
  {
    IndexName: STATUS_INDEX.name,
    KeySchema: [
      { AttributeName: STATUS_INDEX.partitionKey, KeyType: 'HASH' },
      { AttributeName: STATUS_INDEX.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  },
];
