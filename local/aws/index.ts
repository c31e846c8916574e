import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOrCreateCredentials } from './credentials.js';
import { createDynamoDbService } from './dynamodb/index.js';
import { createLocalIam, LOCAL_ACCOUNT_ID, type LocalIam } from './iam/index.js';
import { createLambdaService, type LambdaService } from './lambda/index.js';
import { createS3Service } from './s3/index.js';
import { FaultInjector, NO_FAULTS, parseFaultConfig, type FaultConfig, type FaultStats } from './faults/index.js';
import { createSnsService, type SnsService } from './sns/index.js';
import { createSqsService, type SqsService } from './sqs/index.js';
import { startEndpoint } from './server.js';
import type { Credentials } from './sigv4.js';

export type { Credentials } from './sigv4.js';
export {
  FAULTS_ENV,
  FAULTS_PATH,
  FaultConfigError,
  createFaultClient,
  type FaultClient,
  type FaultState,
  loadFaultConfigFile,
  parseFaultConfig,
  parseFaultConfigText,
  type FaultConfig,
  type FaultCounts,
  type FaultRule,
  type FaultStats,
} from './faults/index.js';
export type { LambdaService, FunctionConfig, InvokeResult } from './lambda/index.js';
export type { SqsService, Delivery, Delivered } from './sqs/index.js';
export type { SnsService } from './sns/index.js';
export {
  LOCAL_ACCOUNT_ID,
  managedPolicy,
  policyFromAllowLine,
  type LocalIam,
  type PolicyDocument,
  type PolicyStatement,
  type RoleSpec,
  type TemporaryCredentials,
} from './iam/index.js';

export interface LocalAwsOptions {
  /** Where every object, item and key lives; created when missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  region?: string;
  /** Key pairs accepted besides the one generated in the data directory. */
  extraCredentials?: readonly Credentials[];
  /** The account's Lambda concurrency quota (default 1,000, as on AWS). */
  accountConcurrency?: number;
  logError?: (message: string, error: unknown) => void;
  /** Faults to inject from the start (off by default; see local/aws/faults/README.md). */
  faults?: FaultConfig;
  /** How long an idle kept-alive connection stays open (default 65 s; tests shorten it). */
  keepAliveTimeoutMs?: number;
}

/** The fault layer of a running endpoint (also reachable over HTTP at FAULTS_PATH, signed with the root key pair). */
export interface LocalFaults {
  /** Replaces the configuration (checked: a bad one throws FaultConfigError and changes nothing). */
  set(config: FaultConfig): void;
  /** The configuration in force. */
  get(): FaultConfig;
  /** Turns every fault off. */
  clear(): void;
  /** What was injected since the endpoint started. */
  stats(): FaultStats;
}

export interface LocalAws {
  /** e.g. http://127.0.0.1:4566 — the value for AWS_ENDPOINT_URL. */
  endpoint: string;
  port: number;
  region: string;
  /** The data directory's own key pair: the account root, allowed to do anything. */
  credentials: Credentials;
  /** The account id of every local ARN (000000000000). */
  accountId: string;
  /** Roles and their temporary credentials; requests signed with those are evaluated against the role's policies. */
  iam: LocalIam;
  lambda: LambdaService;
  faults: LocalFaults;
  /** The local SQS; `sqs.deliver(queueArn, …)` stores a message for other local services (SNS). */
  sqs: SqsService;
  /** The local SNS (its topics fan out to the local SQS, Lambda and HTTP/S endpoints). */
  sns: SnsService;
  close(): Promise<void>;
}

export const DEFAULT_REGION = 'us-east-1';
export const LOCAL_HOST = '127.0.0.1';

/** Starts the local AWS endpoint (S3, DynamoDB, Lambda, SQS, SNS) on one port, persisted in `dataDir`. */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const region = options.region ?? DEFAULT_REGION;
  const injector = new FaultInjector(options.faults === undefined ? NO_FAULTS : parseFaultConfig(options.faults, 'the faults option'));
  const credentials = loadOrCreateCredentials(dataDir);
  const iam = createLocalIam({ dataDir: join(dataDir, 'iam') });
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
    iam,
    endpointUrl: () => endpointUrl,
    ...(options.accountConcurrency !== undefined ? { accountConcurrency: options.accountConcurrency } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
  });
  // SQS: queues and messages in DATA_DIR/sqs/sqs.sqlite; queue URLs on this endpoint's address.
  const sqs = createSqsService({
    dataDir: join(dataDir, 'sqs'),
    region,
    endpointUrl: () => endpointUrl,
    ...(options.logError ? { logError: options.logError } : {}),
  });
  // SNS: topics, subscriptions and undelivered messages in DATA_DIR/sns/sns.sqlite; delivers to the local SQS and Lambda.
  const sns = createSnsService({
    dataDir: join(dataDir, 'sns'),
    region,
    endpointUrl: () => endpointUrl,
    sqs: () => sqs,
    lambda: () => lambda,
    ...(options.logError ? { logError: options.logError } : {}),
  });
  const endpoint = await startEndpoint({
    host: LOCAL_HOST,
    port: options.port ?? 4566,
    credentials: [credentials, ...(options.extraCredentials ?? [])],
    sessions: iam,
    services: [s3, dynamodb, lambda, sqs, sns],
    faults: injector,
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
  });
  endpointUrl = endpoint.url;
  return {
    endpoint: endpoint.url,
    port: endpoint.port,
    region,
    credentials,
    accountId: LOCAL_ACCOUNT_ID,
    iam,
    lambda,
    faults: {
      set: (config) => injector.set(parseFaultConfig(config, 'the fault configuration')),
      get: () => injector.get(),
      clear: () => injector.set(NO_FAULTS),
      stats: () => injector.stats(),
    },
    sqs,
    sns,
    close: () => endpoint.close(),
  };
}
