import { join } from 'node:path';
import type { LocalIamService } from './iam/index.js';
import type { LambdaService } from './lambda/index.js';
import type { SqsService } from './sqs/index.js';
import type { LocalService, ServiceName, ServiceTraits } from './service.js';
import type { Credentials } from './sigv4.js';
import { DYNAMODB_TRAITS } from './dynamodb/traits.js';
import { LAMBDA_TRAITS } from './lambda/traits.js';
import { S3_TRAITS } from './s3/traits.js';
import { SNS_TRAITS } from './sns/traits.js';
import { SQS_TRAITS } from './sqs/traits.js';
import { setStartMarker } from './start-marker.js';

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
  /** Loads another service of the endpoint (once), for a service that hands work to it (SNS to SQS). */
  loadService(name: ServiceName): Promise<LocalService>;
  /** The account's Lambda concurrency quota, when not AWS's default. */
  accountConcurrency?: number;
  /** The wait before an async invoke's handler starts (the latency profile's). */
  eventStartDelayMs?: () => number;
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

/**
 * Every service the endpoint speaks. To add one: its name in ServiceName (./service.ts), its
 * traits (a small `traits.ts`), and an entry here whose loader imports it; the fault layer
 * lists its operations in faults/operations.ts.
 */
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
        ...(context.eventStartDelayMs !== undefined ? { eventStartDelayMs: context.eventStartDelayMs } : {}),
        ...logErrorOf(context),
      });
    },
  },
  {
    traits: SQS_TRAITS,
    // Queues and messages in DATA_DIR/sqs/sqs.sqlite; queue URLs on this endpoint's address.
    load: async (context) => {
      const { createSqsService } = await import('./sqs/index.js');
      return createSqsService({ dataDir: join(context.dataDir, 'sqs'), region: context.region, endpointUrl: context.endpointUrl, ...logErrorOf(context) });
    },
  },
  {
    traits: SNS_TRAITS,
    // Topics, subscriptions and undelivered messages in DATA_DIR/sns/sns.sqlite; delivers to the
    // local SQS and Lambda (loaded with it). Once used, SNS loads at every start: its outbox may
    // hold deliveries due (retries of HTTP endpoints, SNS's delivery policy) without any request.
    load: async (context) => {
      const [{ createSnsService }, sqs, lambda] = await Promise.all([import('./sns/index.js'), context.loadService('sqs'), context.loadService('lambda')]);
      const sns = createSnsService({
        dataDir: join(context.dataDir, 'sns'),
        region: context.region,
        endpointUrl: context.endpointUrl,
        sqs: () => sqs as SqsService,
        lambda: () => lambda as LambdaService,
        ...logErrorOf(context),
      });
      setStartMarker(join(context.dataDir, 'sns'), true);
      return sns;
    },
  },
];
