import { z } from 'zod';
import { AwsError } from '../service.js';
import { dynaliteDb, getFrom, readTable, withKeyLock, type Item, type Store, type TableDescription } from './engine.js';
import { validationError } from './errors.js';

// UpdateTable's GlobalSecondaryIndexUpdates Create and Delete, which dynalite accepts and then
// ignores (its updateTable only changes throughput): an index added to an existing table is
// created and backfilled with the items already there, as DynamoDB does
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.OnlineOps.html), and a
// deleted one goes with its entries. `libaws infra-ensure` adds a `global-index` declared for
// an existing table this way (lib/dynamodb.go DynamoDBEnsure: GlobalSecondaryIndexUpdate
// Create with the table's AttributeDefinitions), and so does local/provision.ts.
// The index is ACTIVE when the answer goes out (the local runtime takes no time for state
// changes); DynamoDB answers CREATING and backfills in the background.

const UPDATE_TABLE_DOCS = 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html';

const KeyElement = z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) });
const Definition = z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) });
const Throughput = z.object({ ReadCapacityUnits: z.number(), WriteCapacityUnits: z.number() });
const CreateAction = z.object({
  IndexName: z.string(),
  KeySchema: z.array(KeyElement).min(1).max(2),
  Projection: z.object({ ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(), NonKeyAttributes: z.array(z.string()).optional() }),
  ProvisionedThroughput: Throughput.optional(),
});
const IndexUpdate = z.object({
  Create: CreateAction.optional(),
  Delete: z.object({ IndexName: z.string() }).optional(),
  Update: z.unknown().optional(),
});
const Request = z.looseObject({
  TableName: z.string(),
  AttributeDefinitions: z.array(Definition).optional(),
  GlobalSecondaryIndexUpdates: z.array(IndexUpdate).optional(),
});
type Request = z.infer<typeof Request>;

/** The stored table description, with the fields this file changes. */
type StoredTable = TableDescription & {
  AttributeDefinitions: z.infer<typeof Definition>[];
  BillingModeSummary?: { BillingMode?: string };
  TableArn?: string;
};

/** Waits until every engine operation that started before the call has ended. */
export type DrainOperations = () => Promise<void>;

/** Whether an UpdateTable body creates or deletes a global index (which the engine would ignore). */
export function changesGlobalIndexes(body: Record<string, unknown>): boolean {
  const updates = body.GlobalSecondaryIndexUpdates;
  return Array.isArray(updates) && updates.some((update) => isObject(update) && (update.Create !== undefined || update.Delete !== undefined));
}

/**
 * Applies the Create or Delete of an UpdateTable body that validated as the engine validates
 * it, and returns the body left for the engine (throughput and index throughput updates), or
 * undefined when nothing is left.
 */
export async function applyGlobalIndexChange(store: Store, body: Record<string, unknown>, drain: DrainOperations): Promise<Record<string, unknown> | undefined> {
  const request = Request.parse(body);
  const changes = (request.GlobalSecondaryIndexUpdates ?? []).filter((update) => update.Create ?? update.Delete);
  if (changes.length > 1) {
    throw new AwsError(400, 'LimitExceededException', 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  }
  const change = changes[0];
  if (change?.Create) await createIndex(store, request, change.Create, drain);
  else if (change?.Delete) await deleteIndex(store, request.TableName, change.Delete.IndexName, drain);
  const rest = (request.GlobalSecondaryIndexUpdates ?? []).filter((update) => !(update.Create ?? update.Delete));
  const { AttributeDefinitions: _definitions, GlobalSecondaryIndexUpdates: _updates, TableName, ...others } = body;
  const left = { ...others, ...(rest.length > 0 ? { GlobalSecondaryIndexUpdates: rest } : {}) };
  return Object.keys(left).length > 0 ? { TableName, ...left } : undefined;
}

async function createIndex(store: Store, request: Request, action: z.infer<typeof CreateAction>, drain: DrainOperations): Promise<void> {
  const index = await withKeyLock(store.tableDb, request.TableName, async () => {
    const table = await readActiveTable(store, request.TableName);
    const definitions = mergeDefinitions(table.AttributeDefinitions, request.AttributeDefinitions ?? []);
    checkCreate(table, action, definitions);
    const created = describeIndex(table, action);
    const updated: StoredTable = { ...table, AttributeDefinitions: definitions, GlobalSecondaryIndexes: [...(table.GlobalSecondaryIndexes ?? []), created] };
    await putTable(store, updated);
    return { table: updated, created };
  });
  // Writes that began before the new description was stored do not maintain the new index:
  // let them end, then index every item, each read under the lock its writers take.
  await drain();
  const itemCount = await backfill(store, index.table, index.created);
  await withKeyLock(store.tableDb, request.TableName, async () => {
    const table = await readActiveTable(store, request.TableName);
    const stored = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === index.created.IndexName);
    if (!stored) return;
    Object.assign(stored, { ItemCount: itemCount });
    await putTable(store, table);
  });
}

async function deleteIndex(store: Store, tableName: string, indexName: string, drain: DrainOperations): Promise<void> {
  await withKeyLock(store.tableDb, tableName, async () => {
    const table = await readActiveTable(store, tableName);
    const indexes = table.GlobalSecondaryIndexes ?? [];
    if (!indexes.some((index) => index.IndexName === indexName)) {
      throw new AwsError(400, 'ResourceNotFoundException', `Requested resource not found: Index: ${indexName} not found in table ${tableName}`);
    }
    const left = indexes.filter((index) => index.IndexName !== indexName);
    const { GlobalSecondaryIndexes: _indexes, ...rest } = table;
    const updated: StoredTable = left.length > 0 ? { ...rest, GlobalSecondaryIndexes: left } : rest;
    await putTable(store, updated);
  });
  // Writes that began with the old description may still add entries: let them end first.
  await drain();
  const prefix = `index-global~${tableName}~${indexName}~`;
  const keys: string[] = [];
  for await (const key of store.db.keys({ gte: prefix, lt: `${prefix}\xff` })) keys.push(key);
  for (let start = 0; start < keys.length; start += 1000) {
    await store.db.batch(keys.slice(start, start + 1000).map((key) => ({ type: 'del' as const, key })));
  }
}

async function readActiveTable(store: Store, tableName: string): Promise<StoredTable> {
  const table = (await readTable(store, tableName)) as StoredTable | null;
  if (!table) throw new AwsError(400, 'ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
  if (table.TableStatus !== 'ACTIVE') {
    throw new AwsError(400, 'ResourceInUseException', `Attempt to change a resource which is still in use: Table is being ${table.TableStatus.toLowerCase()}: ${tableName}`);
  }
  return table;
}

/** The table's attribute definitions with the request's added; a changed type is refused. */
function mergeDefinitions(existing: StoredTable['AttributeDefinitions'], given: StoredTable['AttributeDefinitions']): StoredTable['AttributeDefinitions'] {
  const merged = [...existing];
  for (const definition of given) {
    const known = merged.find((candidate) => candidate.AttributeName === definition.AttributeName);
    if (!known) merged.push(definition);
    else if (known.AttributeType !== definition.AttributeType) {
      throw validationError(
        `One or more parameter values were invalid: Cannot change the type of attribute ${definition.AttributeName} from ${known.AttributeType} to ${definition.AttributeType} (${UPDATE_TABLE_DOCS})`,
      );
    }
  }
  return merged;
}

/** CreateTable's rules for a global index, applied to one added later (dynalite's validations/createTable.js wording). */
function checkCreate(table: StoredTable, action: z.infer<typeof CreateAction>, definitions: StoredTable['AttributeDefinitions']): void {
  const name = action.IndexName;
  const all = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])];
  if (all.some((index) => index.IndexName === name)) throw validationError(`One or more parameter values were invalid: Index with name ${name} already exists`);
  if ((table.GlobalSecondaryIndexes?.length ?? 0) >= 20) {
    throw validationError('One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20');
  }
  const keys = action.KeySchema.map((key) => key.AttributeName);
  const defined = definitions.map((definition) => definition.AttributeName);
  if (keys.some((key) => !defined.includes(key))) {
    throw validationError(
      `One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`,
    );
  }
  if (keys.length === 2 && keys[0] === keys[1]) throw validationError('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  if (action.KeySchema[0]?.KeyType !== 'HASH') throw validationError('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (action.KeySchema[1] && action.KeySchema[1].KeyType !== 'RANGE') throw validationError('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  const projection = action.Projection.ProjectionType;
  if (projection === undefined) throw validationError('One or more parameter values were invalid: Unknown ProjectionType: null');
  if (action.Projection.NonKeyAttributes && projection !== 'INCLUDE') {
    throw validationError(`One or more parameter values were invalid: ProjectionType is ${projection}, but NonKeyAttributes is specified`);
  }
  const onDemand = table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
  if (onDemand && action.ProvisionedThroughput) {
    throw validationError(`One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: ${name} when BillingMode is PAY_PER_REQUEST`);
  }
  if (!onDemand && !action.ProvisionedThroughput) {
    throw validationError(`One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ${name}`);
  }
}

/** The new index as CreateTable stores one (dynalite's actions/createTable.js), already ACTIVE. */
function describeIndex(table: StoredTable, action: z.infer<typeof CreateAction>): NonNullable<StoredTable['GlobalSecondaryIndexes']>[number] & { ItemCount: number } {
  return {
    IndexName: action.IndexName,
    KeySchema: action.KeySchema,
    Projection: action.Projection as { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] },
    IndexStatus: 'ACTIVE',
    IndexArn: `${table.TableArn ?? ''}/index/${action.IndexName}`,
    IndexSizeBytes: 0,
    ItemCount: 0,
    ProvisionedThroughput: { ...(action.ProvisionedThroughput ?? { ReadCapacityUnits: 0, WriteCapacityUnits: 0 }), NumberOfDecreasesToday: 0 },
  } as NonNullable<StoredTable['GlobalSecondaryIndexes']>[number] & { ItemCount: number };
}

/**
 * Indexes every item of the table under the new index. Each item is read again under its
 * key's lock (the lock dynalite's writes hold while they write the item and its index
 * entries), so an entry never holds an older version than the item. Items whose key
 * attributes are missing stay out (a sparse index); ones of the wrong type too (DynamoDB
 * reports them as index key violations and leaves them out). Resolves with how many it indexed.
 */
async function backfill(store: Store, table: StoredTable, index: { IndexName: string; KeySchema: z.infer<typeof KeyElement>[] }): Promise<number> {
  const itemDb = store.getItemDb(table.TableName);
  const indexDb = store.getIndexDb('global', table.TableName, index.IndexName);
  const prefix = `item-${table.TableName}~`;
  const indexes = (table.GlobalSecondaryIndexes ?? []).filter((candidate) => candidate.IndexName === index.IndexName);
  let count = 0;
  for await (const key of store.db.keys({ gte: prefix, lt: `${prefix}\xff` })) {
    const itemKey = key.slice(prefix.length);
    count += await withKeyLock(itemDb, itemKey, async () => {
      const item = (await getFrom(itemDb, itemKey)) as Item | undefined;
      if (!item || !hasKeyTypes(item, index.KeySchema, table.AttributeDefinitions)) return 0;
      const { puts } = dynaliteDb.getIndexActions(indexes, null, item, table);
      for (const put of puts) await putInto(indexDb, put.key, put.item);
      return puts.length;
    });
  }
  return count;
}

function hasKeyTypes(item: Item, keys: z.infer<typeof KeyElement>[], definitions: StoredTable['AttributeDefinitions']): boolean {
  return keys.every((key) => {
    const type = definitions.find((definition) => definition.AttributeName === key.AttributeName)?.AttributeType;
    const value = item[key.AttributeName];
    return type !== undefined && value !== undefined && type in value;
  });
}

function putInto(db: ReturnType<Store['getIndexDb']>, key: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => db.put(key, value, (error) => (error ? reject(error) : resolve())));
}

function putTable(store: Store, table: StoredTable): Promise<void> {
  return new Promise((resolve, reject) => store.tableDb.put(table.TableName, table, (error) => (error ? reject(error) : resolve())));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
