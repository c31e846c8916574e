import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { AwsError, type LocalService, type ServiceRequest } from '../service.js';
import { setStartMarker } from '../start-marker.js';
import { authorizeDynamoDb } from './authorize.js';
import { completeUnprocessedKeys } from './batch-get.js';
import { isEngineError, isEngineOperation, openStore, runEngineOperation, type Store } from './engine.js';
import { validationError } from './errors.js';
import { isNestedTooDeeply, NESTING_MESSAGE } from './nesting.js';
import { recoverTables, waitForTable } from './tables.js';
import { describeTimeToLive, updateTimeToLive } from './ttl-actions.js';
import { loadTtlSettings, type TtlSettings } from './ttl-settings.js';
import { startTtlSweeper } from './ttl-sweep.js';
import { hideExpiredItems } from './ttl-view.js';
import { DYNAMODB_TRAITS } from './traits.js';
import { readCall, sendDynamoDbError, sendJson } from './wire.js';

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
  let closing: Promise<void> | undefined;

  return {
    ...DYNAMODB_TRAITS,
    async handle(request: ServiceRequest, res: ServerResponse) {
      const call = readCall(request.method, request.headers, request.body);
      const principal = request.caller?.principal;
      if (principal) authorizeDynamoDb(principal, options.region, call.operation, call.body);
      let result: Record<string, unknown>;
      try {
        result = await runOperation(store, ttl, call.operation, call.body);
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

async function runOperation(
  store: Store,
  ttl: TtlSettings,
  operation: string,
  body: Record<string, unknown>,
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
