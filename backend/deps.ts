import { registry as defaultRegistry } from '../cmd/index.js';
import type { CommandRegistry } from '../cmd/registry.js';
import type { VersionResponse } from '../protocol/index.js';
import { createAuthLookup } from './auth/lookup.js';
import { createDynamoRunningJobs, hasJobEnded } from './auth/running-jobs.js';
import { createDynamoShareStore } from './auth/shares.js';
import type { AwsClients } from './aws/clients.js';
import type { Config } from './config.js';
import { createEventDeliverer } from './events/deliver.js';
import { createKeyWebhooks } from './events/key-webhook.js';
import { createSqsEventQueue } from './events/queue.js';
import { createDynamoEventStore } from './events/store.js';
import type { AppDeps } from './http/env.js';
import { createDynamoJobStore } from './jobs/dynamo-store.js';
import { createLambdaInvoker } from './jobs/invoker.js';
import { createS3LogObjects } from './jobs/objects.js';
import { createConsoleLogger, type Logger } from './log.js';
import type { RunnerDeps } from './runner/run-job.js';
import type { SweepDeps } from './sweep/sweep.js';
import { readPackageVersion } from './version.js';

/** Everything the app, the runner and the sweep need: one object, built once per process. */
export type BackendDeps = AppDeps & RunnerDeps & SweepDeps;

export interface BackendDepsOptions {
  registry?: CommandRegistry;
  logger?: Logger;
  fetch?: typeof fetch;
  version?: VersionResponse;
}

/** Wires the AWS-backed parts (job store, objects, invoker, auth lookup) over the injected clients. */
export function createBackendDeps(config: Config, clients: AwsClients, options: BackendDepsOptions = {}): BackendDeps {
  const shares = createDynamoShareStore({ ddb: clients.ddb, table: config.jobsTable });
  const jobs = createDynamoJobStore({ ddb: clients.ddb, table: config.jobsTable });
  const logger = options.logger ?? createConsoleLogger();
  const fetchFn = options.fetch ?? globalThis.fetch;
  const queueUrl = config.events.queueUrl;
  const events = createEventDeliverer({
    config: config.events,
    store: createDynamoEventStore({ ddb: clients.ddb, table: config.jobsTable }),
    queue: queueUrl && clients.sqs ? createSqsEventQueue(clients.sqs, queueUrl) : undefined,
    fetch: fetchFn,
    logger,
  });
  return {
    config,
    auth: createAuthLookup({ ddb: clients.ddb, table: config.table, shares, cacheMs: config.authCacheMs }),
    shares,
    runningJobs: createDynamoRunningJobs({
      ddb: clients.ddb,
      table: config.jobsTable,
      hasEnded: async (uid) => hasJobEnded(await jobs.getJob(uid), uid, Date.now()),
    }),
    jobs,
    objects: createS3LogObjects({ s3: clients.s3, bucket: config.bucket }),
    invoker: createLambdaInvoker({ lambda: clients.lambda, functionName: config.jobFunctionName }),
    registry: options.registry ?? defaultRegistry,
    version: options.version ?? readPackageVersion(),
    fetch: fetchFn,
    logger,
    events,
    keyWebhooks: createKeyWebhooks({ ddb: clients.ddb, table: config.table, cacheMs: config.authCacheMs }),
  };
}
