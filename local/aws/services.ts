import { join } from 'node:path';
import type { LocalIamService } from './iam/index.js';
import type { LocalService, ServiceTraits } from './service.js';
import type { Credentials } from './sigv4.js';
import { DYNAMODB_TRAITS } from './dynamodb/traits.js';
import { LAMBDA_TRAITS } from './lambda/traits.js';
import { S3_TRAITS } from './s3/traits.js';

/** What a service's loader is given: where its data lives (`dataDir/<name>`) and what it may need of the endpoint. */
export interface ServiceContext {
  /** The endpoint's data directory; a service keeps its state in `join(dataDir, name)`. */
  dataDir: string;
  region: string;
  /** The account's own key pair (the root). */
  credentials: Credentials;
  /** The endpoint's URL (known once it listens). */
  endpointUrl(): string;
  /** Loads the local IAM (once). */
  loadIam(): Promise<LocalIamService>;
  /** The account's Lambda concurrency quota, when not AWS's default. */
  accountConcurrency?: number;
  logError?: (message: string, error: unknown) => void;
}

/**
 * A service of the local endpoint: its traits (cheap, needed to route and authenticate its
 * requests) and a loader that imports its code and opens its storage, run on its first request.
 * A service with background work that must run without requests (a lifecycle or TTL sweep)
 * leaves a start marker in its data directory (./start-marker.ts), and is then loaded at start.
 */
export interface ServiceEntry {
  traits: ServiceTraits;
  load(context: ServiceContext): Promise<LocalService>;
}

const logErrorOf = (context: ServiceContext) => (context.logError ? { logError: context.logError } : {});

/** Every service the endpoint speaks. To add one: its traits, and a loader that imports it. */
export const SERVICE_ENTRIES: readonly ServiceEntry[] = [
  {
    traits: S3_TRAITS,
    load: async (context) => {
      const { createS3Service } = await import('./s3/index.js');
      return createS3Service({ dataDir: join(context.dataDir, 's3'), region: context.region, ...logErrorOf(context) });
    },
  },
  {
    traits: DYNAMODB_TRAITS,
    load: async (context) => {
      const { createDynamoDbService } = await import('./dynamodb/index.js');
      return createDynamoDbService({ dataDir: join(context.dataDir, 'dynamodb'), region: context.region, ...logErrorOf(context) });
    },
  },
  {
    traits: LAMBDA_TRAITS,
    load: async (context) => {
      const [{ createLambdaService }, iam] = await Promise.all([import('./lambda/index.js'), context.loadIam()]);
      return createLambdaService({
        region: context.region,
        credentials: context.credentials,
        iam,
        endpointUrl: context.endpointUrl,
        ...(context.accountConcurrency !== undefined ? { accountConcurrency: context.accountConcurrency } : {}),
        ...logErrorOf(context),
      });
    },
  },
];
