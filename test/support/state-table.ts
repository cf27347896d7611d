import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  TABLE_ATTRIBUTE_DEFINITIONS,
  TABLE_GLOBAL_SECONDARY_INDEXES,
  TABLE_KEY_SCHEMA,
} from '../../shared/findings/table-schema.js';

/** The state table as the stack creates it (same keys and index), on moto. */
export async function createStateTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: TABLE_KEY_SCHEMA,
      AttributeDefinitions: TABLE_ATTRIBUTE_DEFINITIONS,
      GlobalSecondaryIndexes: TABLE_GLOBAL_SECONDARY_INDEXES,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
