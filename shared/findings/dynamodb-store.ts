import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Finding, FindingStatus } from './finding.js';
import {
  type AlertClaim,
  type AssumptionCount,
  type FindingStore,
  type SaveOutcome,
  type StoredFinding,
  storable,
} from './store.js';
import { PARTITION_KEY, SORT_KEY, STATUS_INDEX, TTL_ATTRIBUTE } from './table-schema.js';

type Item = Record<string, NativeAttributeValue>;

/** Spelled as a record so that a new status fails to compile here instead of going unlisted. */
const STATUSES = Object.keys({ open: 0, suppressed: 0, resolved: 0 } satisfies Record<FindingStatus, 0>);

/** A save retries only when another writer changed the finding between its conditional writes. */
const SAVE_ATTEMPTS = 5;

/** Thirteen months: a year of monthly reports, and the month being compiled. */
const ACTIVITY_RETENTION_SECONDS = 400 * 86_400;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

interface Condition {
  expression: string;
  names: Record<string, string>;
  values?: Item;
}

const NOT_RESOLVED: Condition = {
  expression: 'attribute_exists(#pk) AND #status <> :resolved',
  names: { '#pk': PARTITION_KEY, '#status': 'status' },
  values: { ':resolved': 'resolved' },
};
const RESOLVED: Condition = {
  expression: '#status = :resolved',
  names: { '#status': 'status' },
  values: { ':resolved': 'resolved' },
};
/** Not alerted yet, and no one holds an unexpired lease on sending the alert. */
const ALERT_FREE = (now: string): Condition => ({
  expression:
    'attribute_exists(#pk) AND attribute_not_exists(#alertedAt) AND (attribute_not_exists(#claim) OR #claim.#until < :now)',
  names: { '#pk': PARTITION_KEY, '#alertedAt': 'alertedAt', '#claim': 'alertClaim', '#until': 'until' },
  values: { ':now': now },
});
/** The lease taken at `at`: only its holder gives it back. */
const CLAIMED_AT = (at: string): Condition => ({
  expression: '#claim.#at = :at',
  names: { '#claim': 'alertClaim', '#at': 'at' },
  values: { ':at': at },
});

/**
 * The deployed monitor's state in one DynamoDB table. Items, by key:
 * - `FINDING#<id>` / `FINDING`: a finding, its attributes those of `StoredFinding` (indexed by status);
 * - `EVENT#<eventId>` / `EVENT`: a claimed CloudTrail event, deleted by TTL;
 * - `CHECKPOINT#<region>` / `CHECKPOINT`: how far LookupEvents was read;
 * - `FAILURE#<eventId>` / `FAILURE`: failed attempts at handling an event, deleted by TTL;
 * - `ASSUME#<YYYY-MM>` / `<day>#<roleArn>#<subject>`: assumption counters, one partition a month so
 *   that a report's date range is a few queries, deleted by TTL after ACTIVITY_RETENTION_SECONDS;
 * - `SUBJECTS#<roleArn>` / `<subject>`: a subject that assumed the role successfully, kept for good.
 * Every write that two invocations could race on is conditional: DynamoDB decides who was first.
 */
export class DynamoDbStore implements FindingStore {
  readonly #db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient | DynamoDBDocumentClient,
    readonly tableName: string,
  ) {
    this.#db = client instanceof DynamoDBDocumentClient ? client : DynamoDBDocumentClient.from(client);
  }

  async save(input: Finding): Promise<SaveOutcome> {
    const finding = storable(input);
    const { id: _id, firstSeen: _firstSeen, ...changing } = finding;
    const { evidence, ...repeated } = changing;
    const absent = finding.suppression ? [] : ['suppression'];
    // A repeat keeps the evidence only an earlier sighting had (who made the change, from the event).
    const repeat = assign(repeated, absent, { evidence });
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      // Most saves repeat a finding that is already open (every scan sees it again): try that first.
      if (await succeeds(this.#update(finding.id, repeat, NOT_RESOLVED))) return 'updated';
      const open = this.#db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...findingKey(finding.id), ...finding },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        }),
      );
      if (await succeeds(open)) return 'opened';
      // A new opening: the alert of the previous one must not stand for this one.
      const reopen = assign(changing, [...absent, 'resolvedAt', 'alertedAt', 'alertClaim']);
      if (await succeeds(this.#update(finding.id, reopen, RESOLVED))) return 'reopened';
    }
    throw new Error(`finding ${finding.id}: it kept changing during ${SAVE_ATTEMPTS} attempts to save it`);
  }

  resolve(id: string, at: string): Promise<boolean> {
    return succeeds(this.#update(id, assign({ status: 'resolved', resolvedAt: at }), NOT_RESOLVED));
  }

  async claimAlert(id: string, claim: AlertClaim): Promise<boolean> {
    // ISO 8601 in UTC compares as text; normalised, so that a caller's other spelling compares right.
    const lease = { at: isoTime(claim.at), until: isoTime(claim.until) };
    try {
      // ALL_OLD tells "already alerted or claimed" (the item comes back) from "no such finding" (nothing does).
      await this.#update(id, assign({ alertClaim: lease }), ALERT_FREE(lease.at), 'ALL_OLD');
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item) return false;
      throw new Error(`no finding ${id} to claim the alert of`);
    }
  }

  async confirmAlert(id: string, at: string): Promise<void> {
    const exists: Condition = { expression: 'attribute_exists(#pk)', names: { '#pk': PARTITION_KEY } };
    await this.#update(id, assign({ alertedAt: isoTime(at) }, ['alertClaim']), exists);
  }

  async releaseAlert(id: string, at: string): Promise<void> {
    // Only this caller's own lease: a later one taken by another invocation stays.
    await succeeds(this.#update(id, assign({}, ['alertClaim']), CLAIMED_AT(isoTime(at))));
  }

  async get(id: string): Promise<StoredFinding | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.tableName, Key: findingKey(id), ConsistentRead: true }),
    );
    return Item && storedFinding(Item);
  }

  async list(status?: FindingStatus): Promise<StoredFinding[]> {
    const lists = await Promise.all(
      (status ? [status] : STATUSES).map((s) =>
        this.#query({
          IndexName: STATUS_INDEX.name,
          KeyConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#status': STATUS_INDEX.partitionKey },
          ExpressionAttributeValues: { ':status': s },
        }),
      ),
    );
    return lists.flat().map(storedFinding);
  }

  async claimEvent(eventId: string, expiresAt: string): Promise<boolean> {
    return succeeds(
      this.#db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...eventKey(eventId), [TTL_ATTRIBUTE]: epochSeconds(expiresAt) },
          // TTL deletes within days, not on the second: a claim that has expired is free already.
          ConditionExpression: 'attribute_not_exists(#pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': nowSeconds() },
        }),
      ),
    );
  }

  async eventClaimed(eventId: string): Promise<boolean> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.tableName, Key: eventKey(eventId), ConsistentRead: true }),
    );
    return Item !== undefined && Item[TTL_ATTRIBUTE] >= nowSeconds();
  }

  async countFailure(eventId: string, expiresAt: string): Promise<number> {
    const { Attributes } = await this.#db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(`FAILURE#${eventId}`, 'FAILURE'),
        // ADD is atomic: two scans failing at once count two.
        UpdateExpression: 'SET #ttl = :ttl ADD #attempts :one',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#attempts': 'attempts' },
        ExpressionAttributeValues: { ':ttl': epochSeconds(expiresAt), ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.attempts as number;
  }

  async checkpoint(region: string): Promise<string | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.tableName, Key: checkpointKey(region), ConsistentRead: true }),
    );
    return Item?.time as string | undefined;
  }

  async setCheckpoint(region: string, time: string): Promise<void> {
    // Last writer wins: a slower poller moving it back only makes the next scan re-read events that
    // claimEvent then skips, while a forward-only condition would need comparable time strings.
    await this.#db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...checkpointKey(region), time } }),
    );
  }

  async addAssumption(count: AssumptionCount): Promise<void> {
    const { roleArn, subject, day, succeeded, denied } = count;
    checkDay(day);
    const counter = this.#db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(`ASSUME#${day.slice(0, 7)}`, `${day}#${roleArn}#${subject}`),
        // ADD is atomic, so concurrent invocations never lose a count.
        UpdateExpression:
          'SET #role = :role, #subject = :subject, #day = :day, #ttl = :ttl ADD #ok :ok, #denied :denied',
        ExpressionAttributeNames: {
          '#role': 'roleArn',
          '#subject': 'subject',
          '#day': 'day',
          '#ttl': TTL_ATTRIBUTE,
          '#ok': 'succeeded',
          '#denied': 'denied',
        },
        ExpressionAttributeValues: {
          ':role': roleArn,
          ':subject': subject,
          ':day': day,
          ':ttl': epochSeconds(day) + ACTIVITY_RETENTION_SECONDS,
          ':ok': succeeded,
          ':denied': denied,
        },
      }),
    );
    // Only a successful assumption makes a subject known: one refused first must still be novel
    // when it gets in.
    const seen = new PutCommand({ TableName: this.tableName, Item: key(`SUBJECTS#${roleArn}`, subject) });
    await Promise.all([counter, ...(succeeded > 0 ? [this.#db.send(seen)] : [])]);
  }

  async assumptions(fromDay: string, toDay: string): Promise<AssumptionCount[]> {
    checkDay(fromDay);
    checkDay(toDay);
    const pages = await Promise.all(
      months(fromDay, toDay).map((month) =>
        this.#query({
          // `$` sorts right after `#`: the upper bound takes in every key of toDay.
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
          ExpressionAttributeValues: { ':pk': `ASSUME#${month}`, ':from': fromDay, ':to': `${toDay}$` },
          ConsistentRead: true,
        }),
      ),
    );
    return pages.flat().map((item) => ({
      roleArn: item.roleArn,
      subject: item.subject,
      day: item.day,
      succeeded: item.succeeded,
      denied: item.denied,
    }));
  }

  async subjectsSeen(roleArn: string): Promise<string[]> {
    const items = await this.#query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PARTITION_KEY, '#sk': SORT_KEY },
      ExpressionAttributeValues: { ':pk': `SUBJECTS#${roleArn}` },
      ProjectionExpression: '#sk',
      ConsistentRead: true,
    });
    return items.map((item) => item[SORT_KEY] as string);
  }

  #update(
    id: string,
    update: Assignment,
    condition: Condition,
    onConditionFailure?: 'ALL_OLD',
  ): Promise<unknown> {
    return this.#db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: findingKey(id),
        UpdateExpression: update.expression,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { ...update.names, ...condition.names },
        ExpressionAttributeValues: { ...update.values, ...condition.values },
        ReturnValuesOnConditionCheckFailure: onConditionFailure,
      }),
    );
  }

  async #query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    for await (const page of paginateQuery({ client: this.#db }, { TableName: this.tableName, ...input })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  }
}

interface Assignment {
  expression: string;
  names: Record<string, string>;
  values: Item;
}

/**
 * `SET` of every field given, `SET` of each field of the maps in `merge` inside the stored map of that
 * name (its other fields stay), and `REMOVE` of the attributes named, as one update expression.
 */
function assign(set: Item, remove: string[] = [], merge: Record<string, Item> = {}): Assignment {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets = Object.entries(set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  Object.entries(merge).forEach(([map, fields], m) => {
    // DynamoDB refuses names the expression does not use: an empty map sets nothing.
    if (Object.keys(fields).length > 0) names[`#m${m}`] = map;
    Object.entries(fields).forEach(([field, value], i) => {
      names[`#m${m}f${i}`] = field;
      values[`:m${m}f${i}`] = value;
      sets.push(`#m${m}.#m${m}f${i} = :m${m}f${i}`);
    });
  });
  const removes = remove.map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  const clauses = [
    ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
    ...(removes.length > 0 ? [`REMOVE ${removes.join(', ')}`] : []),
  ];
  const expression = clauses.join(' ');
  return { expression, names, values };
}

/** True when the write happened, false when its condition said another writer got there first. */
async function succeeds(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

function storedFinding(item: Item): StoredFinding {
  const { [PARTITION_KEY]: _pk, [SORT_KEY]: _sk, ...finding } = item;
  return finding as StoredFinding;
}

const key = (pk: string, sk: string) => ({ [PARTITION_KEY]: pk, [SORT_KEY]: sk });
const findingKey = (id: string) => key(`FINDING#${id}`, 'FINDING');
const eventKey = (eventId: string) => key(`EVENT#${eventId}`, 'EVENT');
const checkpointKey = (region: string) => key(`CHECKPOINT#${region}`, 'CHECKPOINT');

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The time as ISO 8601 in UTC, or an error naming what is not a time. */
function isoTime(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new Error(`not a time: "${time}"`);
  return new Date(ms).toISOString();
}

function epochSeconds(time: string): number {
  return Math.floor(Date.parse(isoTime(time)) / 1000);
}

function checkDay(day: string): void {
  // Date rolls 2026-02-30 over to March: only a day that comes back unchanged exists.
  const at = new Date(`${day}T00:00:00Z`);
  const valid = DAY.test(day) && !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
  if (!valid) throw new Error(`not a day as YYYY-MM-DD: "${day}"`);
}

/** The months (YYYY-MM) from one day to another, both included. */
function months(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  const at = new Date(`${fromDay.slice(0, 7)}-01T00:00:00Z`);
  while (at.toISOString().slice(0, 7) <= toDay.slice(0, 7)) {
    out.push(at.toISOString().slice(0, 7));
    at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return out;
}
