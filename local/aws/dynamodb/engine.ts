/**
 * The storage and query engine behind our DynamoDB service: dynalite's own modules
 * (LevelDB store, validations, actions), driven in-process.
 *
 * Why dynalite and not our own engine on SQLite: dynalite already implements the item,
 * query, scan, batch, conditional and expression semantics of DynamoDB together with its
 * validation messages, and its LevelDB store persists every acknowledged write (LevelDB
 * appends each write to its log with write(2) before answering, so a killed process loses
 * nothing the OS has seen). Reimplementing the expression language alone would be several
 * thousand lines of our own. What dynalite lacks — signature checks (done by our router),
 * TTL (ttl-*.ts), instant table state changes (recover.ts, service.ts) — is added around it.
 *
 * dynalite ships no types and no `exports` map; this file is the one typed facade over the
 * parts of it we call, so that the rest of our code never touches `any`.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { closeIteratorsOfStreams } from './level-streams.js';
import { cacheStoreReads } from './read-cache.js';
import { ENGINE_OPERATIONS, type EngineOperation } from './operations.js';

export { ENGINE_OPERATIONS, type EngineOperation } from './operations.js';

const require = createRequire(import.meta.url);

/** A DynamoDB attribute value as stored: `{S: "x"}`, `{N: "1"}`, `{M: {...}}`… */
export type AttributeValue = Record<string, unknown>;
/** One stored item or key. */
export type Item = Record<string, AttributeValue>;

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface IndexDescription {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
}

/** A table as dynalite stores it (the DescribeTable `Table` shape). */
export interface TableDescription {
  TableName: string;
  TableStatus: 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
  KeySchema: KeySchemaElement[];
  LocalSecondaryIndexes?: IndexDescription[];
  GlobalSecondaryIndexes?: (IndexDescription & { IndexStatus?: string })[];
}

/** The error dynalite produces for a request DynamoDB itself would refuse. */
export interface EngineError extends Error {
  statusCode: number;
  body: { __type: string; message?: string; Message?: string };
}

export type Callback<T> = (error: Error | null | undefined, value?: T) => void;

/** Options of a LevelDB range read (keys are relative to a sub-database's prefix). */
export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
}

/** One key-prefixed part of the LevelDB store (a table's items, an index, the table list). */
export interface SubDb {
  get(key: string, callback: Callback<unknown>): void;
  put(key: string, value: unknown, callback: Callback<void>): void;
  del(key: string, callback: Callback<void>): void;
  createValueStream(options?: RangeOptions): Readable;
  /** Runs `work` holding the lock on `key`; `release(cb)` wraps the callback that ends the critical section. */
  lock(key: string, work: (release: <F extends (...args: never[]) => void>(callback: F) => F) => void): void;
}

/** The raw LevelDB handle (classic-level) inside the store. */
export interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  batch(operations: { type: 'put' | 'del'; key: string; value?: unknown }[]): Promise<void>;
  keys(options?: RangeOptions): AsyncIterable<string>;
  iterator(options?: RangeOptions): AsyncIterable<[string, unknown]>;
}

/** dynalite's store: the LevelDB handle plus accessors for its sub-databases. */
export interface Store {
  options: { createTableMs: number; deleteTableMs: number; updateTableMs: number; maxItemSize: number };
  db: LevelDb;
  tableDb: SubDb & { awsRegion: string; awsAccountId: string };
  getItemDb(tableName: string): SubDb;
  getIndexDb(indexType: 'local' | 'global' | 'Local' | 'Global', tableName: string, indexName: string): SubDb;
  getTable(name: string, checkStatus: boolean, callback: Callback<TableDescription>): void;
}

interface DynaliteDb {
  create(options: {
    path?: string;
    createTableMs: number;
    deleteTableMs: number;
    updateTableMs: number;
  }): Store;
  createKey(item: Item, table: TableDescription, keySchema?: KeySchemaElement[]): string;
  getIndexActions(
    indexes: IndexDescription[],
    existingItem: Item | null | undefined,
    item: Item | null | undefined,
    table: TableDescription,
  ): { puts: { index: string; key: string; item: Item }[]; deletes: { index: string; key: string }[] };
  updateIndexes(
    store: Store,
    table: TableDescription,
    existingItem: Item | null,
    item: Item | null,
    callback: Callback<void>,
  ): void;
  validationError(message: string): EngineError;
}

interface ActionValidation {
  types: Record<string, unknown>;
  custom?: (data: Record<string, unknown>, store: Store) => string | undefined;
}

interface DynaliteValidations {
  checkTypes(data: Record<string, unknown>, types: Record<string, unknown>): Record<string, unknown>;
  checkValidations(
    data: Record<string, unknown>,
    types: Record<string, unknown>,
    custom: ActionValidation['custom'],
    store: Store,
  ): void;
}

type Action = (store: Store, data: Record<string, unknown>, callback: Callback<Record<string, unknown>>) => void;

/** The dynalite modules we use, loaded once. */
export const dynaliteDb = require('dynalite/db') as DynaliteDb;
const validations = require('dynalite/validations') as DynaliteValidations;


const actions = new Map<EngineOperation, { run: Action; validation: ActionValidation }>(
  ENGINE_OPERATIONS.map((operation) => {
    const file = operation.charAt(0).toLowerCase() + operation.slice(1);
    return [
      operation,
      {
        run: require(`dynalite/actions/${file}`) as Action,
        validation: require(`dynalite/validations/${file}`) as ActionValidation,
      },
    ];
  }),
);

/** Tells whether an operation name is one the engine runs. */
export function isEngineOperation(operation: string): operation is EngineOperation {
  return actions.has(operation as EngineOperation);
}

/** Tells whether a thrown or returned value is a DynamoDB error produced by the engine. */
export function isEngineError(error: unknown): error is EngineError {
  return (
    error instanceof Error &&
    typeof (error as Partial<EngineError>).statusCode === 'number' &&
    typeof (error as Partial<EngineError>).body?.__type === 'string'
  );
}

/**
 * Opens the LevelDB store at `path` with table state changes (CREATING → ACTIVE,
 * DELETING → gone) taking no simulated time.
 */
export async function openStore(path: string, region: string): Promise<Store> {
  const store = dynaliteDb.create({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Set here rather than read by dynalite from AWS_REGION / AWS_ACCOUNT_ID: config comes from our options.
  store.tableDb.awsRegion = region;
  store.tableDb.awsAccountId = '000000000000';
  closeIteratorsOfStreams(store.db);
  cacheStoreReads(store);
  try {
    await store.db.open();
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const locked = cause instanceof Error && (cause as NodeJS.ErrnoException).code === 'LEVEL_LOCKED';
    const reason = cause instanceof Error ? cause.message : String(error);
    throw new Error(
      locked
        ? `Expected to open the DynamoDB store at ${path}, but another process holds it (${reason})`
        : `Expected to open the DynamoDB store at ${path}: ${reason}`,
      { cause: error },
    );
  }
  return store;
}

/**
 * Validates a request body for an operation the way DynamoDB does (types, then
 * constraints) and runs it. Resolves with the response body; rejects with an
 * EngineError for requests DynamoDB would refuse, any other error for failures.
 */
export function runEngineOperation(
  store: Store,
  operation: EngineOperation,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const action = actions.get(operation);
  if (!action) return Promise.reject(new Error(`Expected an engine operation, got \`${operation}\``));
  let data: Record<string, unknown>;
  try {
    data = validateEngineRequest(store, operation, body);
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    try {
      action.run(store, data, (error, result) => (error ? reject(error) : resolve(result ?? {})));
    } catch (error) {
      reject(error);
    }
  });
}

/** Validates a request body for an engine operation the way DynamoDB does (types, then constraints); throws an EngineError. */
export function validateEngineRequest(store: Store, operation: EngineOperation, body: Record<string, unknown>): Record<string, unknown> {
  const action = actions.get(operation);
  if (!action) throw new Error(`Expected an engine operation, got \`${operation}\``);
  const data = validations.checkTypes(body, action.validation.types);
  validations.checkValidations(data, action.validation.types, action.validation.custom, store);
  return data;
}

/** Runs one of the engine's own validations (used for our operations, which the engine lacks). */
export function validateRequest(
  store: Store,
  body: Record<string, unknown>,
  types: Record<string, unknown>,
): Record<string, unknown> {
  const data = validations.checkTypes(body, types);
  validations.checkValidations(data, types, undefined, store);
  return data;
}

/** Reads a table's description, or null when it does not exist (any status). */
export function readTable(store: Store, name: string): Promise<TableDescription | null> {
  return new Promise((resolve, reject) => {
    store.getTable(name, false, (error, table) => {
      if (error) {
        if (isEngineError(error) && error.body.__type.endsWith('#ResourceNotFoundException')) resolve(null);
        else reject(error);
        return;
      }
      resolve(table ?? null);
    });
  });
}

/** Promise form of a sub-database read; undefined when the key is absent. */
export function getFrom(db: SubDb, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    db.get(key, (error, value) => {
      if (error && error.name !== 'NotFoundError') reject(error);
      else resolve(error ? undefined : value);
    });
  });
}

/** Promise form of a sub-database delete. */
export function deleteFrom(db: SubDb, key: string): Promise<void> {
  return new Promise((resolve, reject) => db.del(key, (error) => (error ? reject(error) : resolve())));
}

/** Removes an item's entries from the table's secondary indexes (before the item itself is deleted). */
export function deleteIndexEntries(store: Store, table: TableDescription, item: Item): Promise<void> {
  return new Promise((resolve, reject) =>
    dynaliteDb.updateIndexes(store, table, item, null, (error) => (error ? reject(error) : resolve())),
  );
}

/** Runs `work` while holding dynalite's per-key lock, the one its own writes take. */
export function withKeyLock<T>(db: SubDb, key: string, work: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    db.lock(key, (release) => {
      const done = release((error: unknown, value?: T) => (error ? reject(error) : resolve(value as T)));
      work().then(
        (value) => done(null, value),
        (error: unknown) => done(error),
      );
    });
  });
}
