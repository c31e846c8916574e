import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { generateCredentials } from '../../../../local/aws/credentials.js';
import { createDynamoDbService, type DynamoDbService } from '../../../../local/aws/dynamodb/index.js';
import { startEndpoint, type Endpoint } from '../../../../local/aws/server.js';
import type { Credentials } from '../../../../local/aws/sigv4.js';
import { listenPlainDynalite } from './dynalite.js';

export const REGION = 'us-east-1';

/** A running DynamoDB-compatible server and SDK clients pointed at it. */
export interface DynamoDbTarget {
  url: string;
  credentials: Credentials;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** A client with other settings (e.g. other credentials) for the same server. */
  clientWith(overrides: Partial<ConstructorParameters<typeof DynamoDBClient>[0]>): DynamoDBClient;
  close(): Promise<void>;
}

/** Our endpoint plus the handles the extras need. */
export interface OurDynamoDbTarget extends DynamoDbTarget {
  dataDir: string;
  service: DynamoDbService;
  endpoint: Endpoint;
}

/** Creates SDK clients for a server at `url`; one attempt only, so that errors surface as they are. */
export function connectClients(url: string, credentials: Credentials) {
  const clientWith = (overrides: Partial<ConstructorParameters<typeof DynamoDBClient>[0]> = {}) =>
    new DynamoDBClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1, ...overrides });
  const client = clientWith();
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc, clientWith };
}

/** Creates a fresh temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts our endpoint with only the DynamoDB service, on a free port, persisted in `dataDir`. */
export async function startOurDynamoDb(
  dataDir: string,
  options: { credentials?: Credentials; ttlSweepIntervalMs?: number } = {},
): Promise<OurDynamoDbTarget> {
  const credentials = options.credentials ?? generateCredentials();
  const service = await createDynamoDbService({
    dataDir,
    region: REGION,
    ...(options.ttlSweepIntervalMs !== undefined ? { ttlSweepIntervalMs: options.ttlSweepIntervalMs } : {}),
  });
  const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [service] });
  const clients = connectClients(endpoint.url, credentials);
  return {
    url: endpoint.url,
    credentials,
    dataDir,
    service,
    endpoint,
    ...clients,
    async close() {
      clients.client.destroy();
      await endpoint.close();
    },
  };
}

/** Starts plain dynalite as its own HTTP server (it ignores signatures), in memory unless given a path. */
export async function startPlainDynalite(path?: string): Promise<DynamoDbTarget> {
  const server = await listenPlainDynalite(path);
  const credentials = generateCredentials();
  const clients = connectClients(server.url, credentials);
  return {
    url: server.url,
    credentials,
    ...clients,
    async close() {
      clients.client.destroy();
      await server.close();
    },
  };
}
