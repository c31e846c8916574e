import type { CommandRegistry } from '../../cmd/registry.js';
import type { VersionResponse } from '../../protocol/index.js';
import type { AuthLookup } from '../auth/lookup.js';
import type { Principal } from '../auth/principal.js';
import type { RunningJobs } from '../auth/running-jobs.js';
import type { ShareStore } from '../auth/shares.js';
import type { Config } from '../config.js';
import type { EventDeliverer } from '../events/deliver.js';
import type { KeyWebhooks } from '../events/key-webhook.js';
import type { JobInvoker } from '../jobs/invoker.js';
import type { LogObjects } from '../jobs/objects.js';
import type { JobStore } from '../jobs/store.js';
import type { Logger } from '../log.js';

/** Everything the HTTP app needs, injected (real AWS-backed parts, or fakes in tests). */
export interface AppDeps {
  config: Config;
  auth: AuthLookup;
  /** Share links (the jobs table). */
  shares: ShareStore;
  /** The per-key sets of running jobs (the cap KEY_MAX_RUNNING_JOBS). */
  runningJobs: RunningJobs;
  jobs: JobStore;
  objects: LogObjects;
  invoker: JobInvoker;
  registry: CommandRegistry;
  version: VersionResponse;
  /** For the push-urls log PUT at job start. */
  fetch: typeof fetch;
  logger: Logger;
  /** Each key's webhook secret and default URL (job end webhooks); without it no job gets a webhook. */
  keyWebhooks?: KeyWebhooks;
  /** Job end events; without it no job records one. */
  events?: EventDeliverer;
  now?: () => number;
}

/** What hono's aws-lambda adapter passes in `c.env` that the app reads. */
export interface LambdaBindings {
  requestContext?: { requestId?: string };
  lambdaContext?: { awsRequestId?: string };
}

/** The hono environment of the app: adapter bindings and per-request variables. */
export type AppEnv = {
  Bindings: LambdaBindings | undefined;
  Variables: {
    /** The key or share link of the request (set by the auth middleware). */
    principal: Principal;
    authName: string;
    requestId: string;
    /** The job a request is about, once known (for the request log). */
    uid: string | undefined;
  };
};
