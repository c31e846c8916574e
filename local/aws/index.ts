import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { closeServer, listenOn } from '../listen.js';
import { LOCAL_ACCOUNT_ID } from './account.js';
import { loadOrCreateCredentials } from './credentials.js';
import type { FaultConfig, FaultStats } from './faults/index.js';
import { createEndpointServer } from './http-server.js';
import type { LocalIam } from './iam/index.js';
import type { LambdaService } from './lambda/index.js';
import type { LocalLatency } from './latency/local.js';
import type { LatencyProfileName } from './latency/profile.js';
import { createLazyEndpoint } from './lazy-endpoint.js';
import type { ServiceName } from './service.js';
import type { Credentials } from './sigv4.js';
import type { SnsService } from './sns/index.js';
import type { SqsService } from './sqs/index.js';
import { listMarkedServices } from './start-marker.js';

// Only types and small modules are imported here: the endpoint starts with an HTTP server and
// its credentials, and loads the rest (SigV4, the fault layer, each service's code and storage)
// when first used. The services it knows are listed in ./services.ts. The fault layer's and
// IAM's functions are exported by ./faults/index.ts and ./iam/index.ts (not re-exported here:
// importing them would load them).

export type { Credentials } from './sigv4.js';
export type { FaultClient, FaultState, FaultConfig, FaultCounts, FaultRule, FaultStats } from './faults/index.js';
export type { LatencyProfile, LatencyProfileName } from './latency/profile.js';
export type { LocalLatency } from './latency/local.js';
export type { LambdaService, FunctionConfig, InvokeResult } from './lambda/index.js';
export type { SqsService, Delivery, Delivered } from './sqs/index.js';
export type { SnsService } from './sns/index.js';
export type { LocalIam, PolicyDocument, PolicyStatement, RoleSpec, TemporaryCredentials } from './iam/index.js';
export type { ServiceName } from './service.js';
export { LOCAL_ACCOUNT_ID } from './account.js';

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
  /** A latency profile in force from the start (`aws`: AWS's latencies per hop; see local/aws/latency/). */
  latencyProfile?: LatencyProfileName;
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
  /** Loads (once) the roles and their temporary credentials; requests signed with those are evaluated against the role's policies. */
  loadIam(): Promise<LocalIam>;
  /** Loads (once) the Lambda service, to register and invoke functions. */
  loadLambda(): Promise<LambdaService>;
  /** Loads (once) the local SQS; `deliver(queueArn, …)` stores a message for other local services (SNS). */
  loadSqs(): Promise<SqsService>;
  /** Loads (once) the local SNS (and with it SQS and Lambda, which it delivers to). */
  loadSns(): Promise<SnsService>;
  /** Loads (once) the fault layer (loaded at start when `faults` is given). */
  loadFaults(): Promise<LocalFaults>;
  /** Loads (once, with the fault layer it rides on) the latency profiles: AWS's latencies added to each hop. */
  loadLatency(): Promise<LocalLatency>;
  /** The services loaded so far; the others load on their first request. */
  loadedServices(): ServiceName[];
  close(): Promise<void>;
}

export const DEFAULT_REGION = 'us-east-1';
export const LOCAL_HOST = '127.0.0.1';

/**
 * Starts the local AWS endpoint (S3, DynamoDB, Lambda, SQS, SNS) on one port, persisted in `dataDir`.
 * It listens at once and loads each service on its first request; a service with background
 * work (a lifecycle or TTL sweep) left a start marker in its directory and is loaded now.
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const region = options.region ?? DEFAULT_REGION;
  const credentials = loadOrCreateCredentials(dataDir);
  const server = createEndpointServer(options.keepAliveTimeoutMs);
  const port = await listenOn(server, LOCAL_HOST, options.port ?? 4566, 'the local AWS endpoint (--aws-port)');
  const lazy = createLazyEndpoint({
    server,
    host: LOCAL_HOST,
    port,
    dataDir,
    region,
    credentials,
    extraCredentials: options.extraCredentials ?? [],
    ...(options.accountConcurrency !== undefined ? { accountConcurrency: options.accountConcurrency } : {}),
    logError: options.logError ?? ((message, error) => console.error(message, error)),
    // Until a profile is loaded, an async invoke starts its handler at once.
    eventStartDelayMs: () => latency?.drawEventStartMs() ?? 0,
  });
  let latency: LocalLatency | undefined;
  let latencyLoading: Promise<LocalLatency> | undefined;
  const loadLatency = (): Promise<LocalLatency> =>
    (latencyLoading ??= Promise.all([import('./latency/local.js'), lazy.loadFaultInjector()]).then(([{ createLocalLatency }, injector]) => (latency = createLocalLatency(injector))));
  try {
    if (options.faults !== undefined) (await lazy.loadFaults()).set(options.faults);
    if (options.latencyProfile !== undefined) (await loadLatency()).set(options.latencyProfile);
    for (const name of listMarkedServices(dataDir)) await lazy.loadService(name as ServiceName);
  } catch (error) {
    await lazy.close().catch(() => closeServer(server));
    throw error;
  }
  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    port,
    region,
    credentials,
    accountId: LOCAL_ACCOUNT_ID,
    loadIam: () => lazy.loadIam(),
    loadLambda: async () => (await lazy.loadService('lambda')) as LambdaService,
    loadSqs: async () => (await lazy.loadService('sqs')) as SqsService,
    loadSns: async () => (await lazy.loadService('sns')) as SnsService,
    loadFaults: () => lazy.loadFaults(),
    loadLatency,
    loadedServices: () => lazy.loadedServices(),
    close: () => lazy.close(),
  };
}
