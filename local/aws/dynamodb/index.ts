import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { AwsError, type LocalService, type ServiceRequest } from '../service.js';
import { setStartMarker } from '../start-marker.js';
import { authorizeDynamoDb } from './authorize.js';
import { completeUnprocessedKeys } from './batch-get.js';
import { isEngineError, isEngineOperation, openStore, runEngineOperation, validateEngineRequest, type Store } from './engine.js';
import { validationError } from './errors.js';
import { applyGlobalIndexChange, changesGlobalIndexes } from './global-index-updates.js';
import { isNestedTooDeeply, NESTING_MESSAGE } from './nesting.js';
import { recoverTables, waitForTable } from './tables.js';
import { describeTimeToLive, updateTimeToLive } from './ttl-actions.js';
import { loadTtlSettings, type TtlSettings } from './ttl-settings.js';
import { startTtlSweeper } from './ttl-sweep.js';
import { hideExpiredItems } from './ttl-view.js';
import { DYNAMODB_TRAITS } from './traits.js';
import { operationOfTarget, readCall, sendDynamoDbError, sendJson } from './wire.js';

export interface DynamoDbServiceOptions {
  dataDir: string;
  region: string;
  /** How often items past their TTL are deleted (they are hidden from reads at once). Default 30 s. */
  ttlSweepIntervalMs?: number;
  logError?: (message: string, error: unknown) => void;
}

/** The DynamoDB service, with a hook to run the TTL sweep on demand. */
export interface DynamoDbService extends LocalService {
  /** Deletes the items past their TTL now; resolves with how many. */
  sweepExpiredItems(): Promise<number>;
}

/** Creates the DynamoDB service (JSON 1.0 protocol), persisted under `dataDir`. */
export async function createDynamoDbService(options: DynamoDbServiceOptions): Promise<DynamoDbService> {
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore(join(options.dataDir, 'leveldb'), options.region);
  let ttl: TtlSettings;
  try {
    ttl = await loadTtlSettings(store.db, (message) => logError(message, undefined), (needed) => setStartMarker(options.dataDir, needed));
    await recoverTables(store, ttl, (message) => logError(message, undefined));
  } catch (error) {
    await store.db.close().catch(() => undefined);
    throw error;
  }
  const sweeper = startTtlSweeper(store, ttl, options.ttlSweepIntervalMs ?? 30_000, logError);
  const writes = new WritesInFlight();
  let closing: Promise<void> | undefined;

  return {
    ...DYNAMODB_TRAITS,
    operationOf: (request) => operationOfTarget(request.headers['x-amz-target']),
    async handle(request: ServiceRequest, res: ServerResponse) {
      const call = readCall(request.method, request.headers, request.body);
      const principal = request.caller?.principal;
      if (principal) authorizeDynamoDb(principal, options.region, call.operation, call.body);
      let result: Record<string, unknown>;
      try {
        result = await writes.track(call.operation, runOperation(store, ttl, call.operation, call.body, writes));
      } catch (error) {
        if (isEngineError(error)) {
          sendJson(res, error.statusCode, error.body);
          return;
        }
        if (error instanceof AwsError) throw error;
        throw new AwsError(500, 'InternalServerError', 'Internal server error', { cause: error });
      }
      sendJson(res, 200, result);
    },
    sendError: (_request, res, error) => sendDynamoDbError(res, error),
    sweepExpiredItems: () => sweeper.sweepNow(),
    close() {
      closing ??= (async () => {
        await sweeper.stop();
        await store.db.close();
      })();
      return closing;
    },
  };
}

/** The item writes under way, so that a change of a table's indexes can wait for those that began before it. */
class WritesInFlight {
  static readonly OPERATIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
  readonly #running = new Set<Promise<unknown>>();

  /** Returns `work`, remembered until it settles when `operation` writes items. */
  track<T>(operation: string, work: Promise<T>): Promise<T> {
    if (!WritesInFlight.OPERATIONS.has(operation)) return work;
    this.#running.add(work);
    const forget = () => this.#running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once every write under way now has ended. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}

async function runOperation(
  store: Store,
  ttl: TtlSettings,
  operation: string,
  body: Record<string, unknown>,
  writes: WritesInFlight,
): Promise<Record<string, unknown>> {
  switch (operation) {
    case 'UpdateTimeToLive':
      return updateTimeToLive(store, ttl, body);
    case 'DescribeTimeToLive':
      return describeTimeToLive(store, ttl, body);
  }
  if (!isEngineOperation(operation)) {
    throw new AwsError(400, 'UnknownOperationException', `Expected a DynamoDB operation, got \`${operation}\``);
  }
  if (isNestedTooDeeply(body)) throw validationError(NESTING_MESSAGE);
  if (operation === 'UpdateTable' && changesGlobalIndexes(body)) return updateGlobalIndexes(store, ttl, body, writes);
  const result = await runEngineOperation(hideExpiredItems(store, ttl, Date.now()), operation, body);
  if (operation === 'BatchGetItem') return completeUnprocessedKeys(body, result);
  const tableName = typeof body.TableName === 'string' ? body.TableName : '';
  switch (operation) {
    case 'CreateTable':
    case 'UpdateTable':
      await waitForTable(store, tableName, (table) => table?.TableStatus === 'ACTIVE');
      break;
    case 'DeleteTable':
      await waitForTable(store, tableName, (table) => table === null);
      if (ttl.attributeOf(tableName) !== undefined) await ttl.disable(tableName);
      break;
  }
  return result;
}

/** UpdateTable creating or deleting a global index (global-index-updates.ts), then whatever else it asks of the engine. */
async function updateGlobalIndexes(store: Store, ttl: TtlSettings, body: Record<string, unknown>, writes: WritesInFlight): Promise<Record<string, unknown>> {
  validateEngineRequest(store, 'UpdateTable', withCreateThroughput(body));
  const left = await applyGlobalIndexChange(store, body, () => writes.drain());
  if (left) return runOperation(store, ttl, 'UpdateTable', left, writes);
  const described = await runEngineOperation(store, 'DescribeTable', { TableName: body.TableName });
  return { TableDescription: described.Table };
}

/**
 * The body as the engine's validation expects it: it predates on-demand tables and requires
 * ProvisionedThroughput in every Create, which DynamoDB requires only on a provisioned table
 * (checked in global-index-updates.ts) and libaws leaves out on an on-demand one
 * (lib/dynamodb.go DynamoDBEnsureInput sets an index's ProvisionedThroughput to nil).
 */
function withCreateThroughput(body: Record<string, unknown>): Record<string, unknown> {
  const updates = body.GlobalSecondaryIndexUpdates;
  if (!Array.isArray(updates)) return body;
  const filled = updates.map((update: unknown) => {
    if (typeof update !== 'object' || update === null || !('Create' in update)) return update;
    const create = update.Create;
    if (typeof create !== 'object' || create === null || 'ProvisionedThroughput' in create) return update;
    return { ...update, Create: { ...create, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } };
  });
  return { ...body, GlobalSecondaryIndexUpdates: filled };
}
