import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { readTable, type Store, type TableDescription } from './engine.js';
import type { TtlSettings } from './ttl-settings.js';

const TABLE_PREFIX = 'table~';

const StoredTable = z.looseObject({
  TableName: z.string(),
  TableStatus: z.enum(['CREATING', 'UPDATING', 'DELETING', 'ACTIVE']),
  GlobalSecondaryIndexes: z.array(z.looseObject({ IndexStatus: z.string().optional() })).optional(),
});

/**
 * Waits (briefly) until the engine has finished a table state change it runs on a
 * zero-delay timer after answering, so that our answer to CreateTable / UpdateTable /
 * DeleteTable is only sent once the table is usable (or gone, and its name free again).
 */
export async function waitForTable(
  store: Store,
  tableName: string,
  isSettled: (table: TableDescription | null) => boolean,
): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (isSettled(await readTable(store, tableName))) return;
    await sleep(attempt < 10 ? 0 : 2);
  }
}

/**
 * Finishes table state changes a killed process left half done: a table left CREATING or
 * UPDATING becomes ACTIVE, one left DELETING has its remaining data removed. Also drops
 * TTL settings of tables that no longer exist.
 */
export async function recoverTables(store: Store, ttl: TtlSettings, logError: (message: string) => void): Promise<void> {
  const unsettled: z.infer<typeof StoredTable>[] = [];
  for await (const [key, value] of store.db.iterator({ gte: TABLE_PREFIX, lt: `${TABLE_PREFIX}\xff` })) {
    const parsed = StoredTable.safeParse(value);
    if (!parsed.success) logError(`local dynamodb: ignoring the unreadable table record ${key}: ${parsed.error.message}`);
    else if (parsed.data.TableStatus !== 'ACTIVE') unsettled.push(parsed.data);
  }
  for (const table of unsettled) {
    if (table.TableStatus === 'DELETING') {
      await deleteTableData(store, table.TableName);
      continue;
    }
    table.TableStatus = 'ACTIVE';
    for (const index of table.GlobalSecondaryIndexes ?? []) index.IndexStatus = 'ACTIVE';
    await store.db.put(TABLE_PREFIX + table.TableName, table);
  }
  for (const [tableName] of ttl.entries()) {
    if (!(await readTable(store, tableName))) await ttl.disable(tableName);
  }
}

// The engine keeps a table's items, tags and indexes under these key prefixes (table names
// cannot contain `~`, so a prefix never matches another table's keys).
async function deleteTableData(store: Store, tableName: string): Promise<void> {
  const prefixes = [`item-${tableName}~`, `tag-${tableName}~`, `index-local~${tableName}~`, `index-global~${tableName}~`];
  for (const prefix of prefixes) {
    const keys: string[] = [];
    for await (const key of store.db.keys({ gte: prefix, lt: `${prefix}\xff` })) keys.push(key);
    if (keys.length > 0) await store.db.batch(keys.map((key) => ({ type: 'del' as const, key })));
  }
  await store.db.del(TABLE_PREFIX + tableName);
}
