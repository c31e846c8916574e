import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOrCreateCredentials } from './credentials.js';
import { createDynamoDbService } from './dynamodb/index.js';
import { createLambdaService, type LambdaService } from './lambda/index.js';
import { createS3Service } from './s3/index.js';
import { startEndpoint } from './server.js';
import type { Credentials } from './sigv4.js';

export type { Credentials } from './sigv4.js';
export type { LambdaService, FunctionConfig, InvokeResult } from './lambda/index.js';

export interface LocalAwsOptions {
  /** Where every object, item and key lives; created when missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  region?: string;
  /** Key pairs accepted besides the one generated in the data directory. */
  extraCredentials?: readonly Credentials[];
  logError?: (message: string, error: unknown) => void;
}

export interface LocalAws {
  /** e.g. http://127.0.0.1:4566 — the value for AWS_ENDPOINT_URL. */
  endpoint: string;
  port: number;
  region: string;
  /** The data directory's own key pair. */
  credentials: Credentials;
  lambda: LambdaService;
  close(): Promise<void>;
}

export const DEFAULT_REGION = 'us-east-1';
export const LOCAL_HOST = '127.0.0.1';

/** Starts the local AWS endpoint (S3, DynamoDB, Lambda) on one port, persisted in `dataDir`. */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const region = options.region ?? DEFAULT_REGION;
  const credentials = loadOrCreateCredentials(dataDir);
  let endpointUrl = '';
  const s3 = await createS3Service({ dataDir: join(dataDir, 's3'), region, ...(options.logError ? { logError: options.logError } : {}) });
  const dynamodb = await createDynamoDbService({
    dataDir: join(dataDir, 'dynamodb'),
    region,
    ...(options.logError ? { logError: options.logError } : {}),
  });
  const lambda = createLambdaService({
    region,
    credentials,
    endpointUrl: () => endpointUrl,
    ...(options.logError ? { logError: options.logError } : {}),
  });
  const endpoint = await startEndpoint({
    host: LOCAL_HOST,
    port: options.port ?? 4566,
    credentials: [credentials, ...(options.extraCredentials ?? [])],
    services: [s3, dynamodb, lambda],
    ...(options.logError ? { logError: options.logError } : {}),
  });
  endpointUrl = endpoint.url;
  return {
    endpoint: endpoint.url,
    port: endpoint.port,
    region,
    credentials,
    lambda,
    close: () => endpoint.close(),
  };
}
