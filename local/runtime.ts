import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { startLocalAws, LOCAL_HOST, type FaultConfig, type LambdaService, type LatencyProfileName, type LocalAws, type LocalIam } from './aws/index.js';
import { loadDeploymentPlan, type DeploymentPlan } from './deploy/plan.js';
import { defaultInfraFiles } from './deploy/files.js';
import { startGateway, type Gateway, type GatewayInvokeResult } from './gateway.js';
import { readLocalJson, writeLocalJson, type LocalJson } from './local-json.js';
import { provisionInChild } from './provision-child.js';
import { startScheduler, type Scheduler } from './scheduler.js';
import { LOCAL_DEFAULTS } from '../protocol/constants.js';

export interface RuntimeOptions {
  /** Where all state lives (default `.aws-exec` in the working directory). */
  dataDir?: string;
  /** The API gateway's port (default 8080; 0 picks a free one). */
  port?: number;
  /** The local AWS endpoint's port (default 4566; 0 picks a free one). */
  awsPort?: number;
  /** The infrastructure to run (default: the package's `infra.yaml`). */
  infraFile?: string;
  /** The file of `${VAR}` values (default: `env.sh.template` beside infra.yaml). */
  envTemplate?: string;
  /** The environment that overlays the template's values (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Fire every schedule trigger this often instead of at its declared rate (tests, demos). */
  scheduleEveryMs?: number;
  /** The account's concurrency quota (default 1,000, as on AWS). */
  accountConcurrency?: number;
  /**
   * Most invocations one worker process runs at once (default 16): the backend's
   * handler is async and keeps no per-invocation state in globals, so a worker serves many
   * invocations, as Lambda Managed Instances do. 50 jobs at once then need 4 workers, not 50
   * (each is a Node process of about 80 MB that takes 100+ ms of CPU to start).
   */
  environmentConcurrency?: number;
  /**
   * Most worker processes per function (default: the machine's cores, at least 4, and for a
   * function with reserved concurrency as many as it needs to run all of it). A burst beyond
   * `environmentConcurrency` times this waits for room in the workers there are instead of
   * starting more: 500 concurrent API requests once started 32 workers of about 110 MB each,
   * which kept 3.5 GB resident, and their start-up on 2 cores took past Lambda's 10 s init
   * limit.
   */
  maxEnvironments?: number;
  /** Extra environment for every function, over infra.yaml's `env` lines (tests, e.g. LOG_CAP_BYTES). */
  functionEnv?: Record<string, string>;
  /** Where the runtime says what it does (default: stdout). */
  log?: (line: string) => void;
  /** Faults for the local AWS endpoint (`serve --faults`), in force once the runtime is provisioned. */
  faults?: FaultConfig;
  /**
   * A latency profile (`serve --latency-profile aws`): each hop (S3, DynamoDB, Lambda's invoke
   * and queue, API Gateway) takes what it takes on AWS; in force once the runtime is provisioned.
   * See local/aws/latency/.
   */
  latencyProfile?: LatencyProfileName;
}

export interface Runtime {
  url: string;
  dataDir: string;
  config: LocalJson;
  aws: LocalAws;
  plan: DeploymentPlan;
  scheduler: Scheduler;
  /**
   * Stops the runtime: the API and the schedules stop at once; running jobs get SIGTERM in
   * their environments and end with their exit code and a closing line (their runners
   * still reach the local endpoint meanwhile); after `SHUTDOWN_GRACE_MS` whatever still runs
   * is killed; then the endpoint closes.
   */
  close(): Promise<void>;
  /** Kills every execution environment and what it started, at once: for a close that overran its deadline. */
  abort(): void;
}

const DEFAULT_ENVIRONMENT_CONCURRENCY = 16;
/**
 * How long running invocations get to end after SIGTERM before they are killed: the jobs'
 * kill grace (KILL_GRACE_MS, 2 s by default) plus their final uploads, within the 5 s in
 * which `aws-exec serve` must stop.
 */
export const SHUTDOWN_GRACE_MS = 3_000;

const DEFAULT_MAX_ENVIRONMENTS = Math.max(4, availableParallelism());

/**
 * Starts the deployment of `infra.yaml` on one machine: reads it with libaws's semantics
 * (nothing starts if it is invalid), starts the local AWS endpoint, gives each function its
 * role and registers it, creates the tables and buckets as `libaws infra-ensure` would and a
 * first auth key, finishes jobs lost by a previous run, serves the `api` trigger on the local
 * gateway and fires the `schedule` triggers; writes `DIR/local.json` and prints the URL and key.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const startedAt = Date.now();
  const dataDir = resolve(options.dataDir ?? LOCAL_DEFAULTS.dataDir);
  const log = options.log ?? ((line: string) => console.log(line));
  const files = defaultInfraFiles(options.infraFile, options.envTemplate);
  const plan = loadDeploymentPlan({ ...files, env: options.env ?? process.env });
  const aws = await startLocalAws({
    dataDir,
    port: options.awsPort ?? LOCAL_DEFAULTS.awsPort,
    region: plan.region,
    ...(options.accountConcurrency !== undefined ? { accountConcurrency: options.accountConcurrency } : {}),
  });
  let gateway: Gateway | undefined;
  let scheduler: Scheduler | undefined;
  try {
    const [iam, lambda] = await Promise.all([aws.loadIam(), aws.loadLambda()]);
    registerFunctions(iam, lambda, plan, options);
    const recordedAuth = readLocalJson(dataDir)?.auth;
    const provisioned = await provisionInChild({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: aws.credentials,
      tables: plan.tables,
      buckets: plan.buckets,
      queues: plan.queues,
      authTable: plan.table,
      ...(recordedAuth !== undefined ? { recordedAuth } : {}),
    });
    for (const line of provisioned.log) log(`infra: ${line}`);
    await sweepLostJobs(lambda, plan, startedAt, log);
    if (options.faults !== undefined) {
      (await aws.loadFaults()).set(options.faults);
      log(`faults: ${options.faults.rules.length} rule(s) in force on the local AWS endpoint (see local/aws/faults/README.md)`);
    }
    const latency = options.latencyProfile === undefined ? undefined : await aws.loadLatency();
    if (latency && options.latencyProfile !== undefined) {
      latency.set(options.latencyProfile);
      log(`latency profile: ${options.latencyProfile} (${latency.get()?.describe ?? ''}; see local/aws/latency/)`);
    }
    gateway = await startGateway({
      host: LOCAL_HOST,
      port: options.port ?? LOCAL_DEFAULTS.apiPort,
      invoke: (event) => invokeApi(lambda, plan, event),
      ...(latency ? { addedLatencyMs: () => latency.drawGatewayMs() } : {}),
    });
    scheduler = startScheduler({
      schedules: plan.schedules,
      account: plan.account,
      region: plan.region,
      invoke: async (name, payload) => void (await lambda.invoke(name, payload, 'Event')),
      ...(options.scheduleEveryMs !== undefined ? { everyMs: options.scheduleEveryMs } : {}),
      log,
    });
    const config: LocalJson = {
      url: gateway.url,
      auth: provisioned.auth,
      awsEndpoint: aws.endpoint,
      region: aws.region,
      accessKeyId: aws.credentials.accessKeyId,
      secretAccessKey: aws.credentials.secretAccessKey,
      bucket: plan.bucket,
      table: plan.table,
      jobsTable: plan.jobsTable,
      functionName: plan.api.functionName,
      pid: process.pid,
    };
    writeLocalJson(dataDir, config);
    printBanner(log, config, dataDir, plan);
    const openGateway = gateway;
    const openScheduler = scheduler;
    return {
      url: gateway.url,
      dataDir,
      config,
      aws,
      plan,
      scheduler,
      async close() {
        openScheduler.close();
        await openGateway.close();
        await lambda.shutdown(SHUTDOWN_GRACE_MS);
        await aws.close();
      },
      abort() {
        openScheduler.close();
        lambda.killNow();
      },
    };
  } catch (error) {
    scheduler?.close();
    await gateway?.close();
    await aws.close();
    throw error;
  }
}

/** Gives each function of infra.yaml its role (its `allow` and `policy` lines) and registers it. */
function registerFunctions(iam: LocalIam, lambda: LambdaService, plan: DeploymentPlan, options: RuntimeOptions): void {
  const environmentConcurrency = options.environmentConcurrency ?? DEFAULT_ENVIRONMENT_CONCURRENCY;
  for (const fn of plan.functions) {
    iam.putRole(fn.role);
    lambda.registerFunction({
      name: fn.name,
      module: plan.backendModule,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
      reservedConcurrency: fn.reservedConcurrency,
      environmentConcurrency,
      // A reservation is a promise of that many jobs at once: never make it wait for room.
      maxEnvironments: options.maxEnvironments ?? Math.max(DEFAULT_MAX_ENVIRONMENTS, Math.ceil(fn.reservedConcurrency / environmentConcurrency)),
      maxRetryAttempts: 2,
      role: fn.role.name,
      env: { ...fn.env, ...plan.localEnv, ...options.functionEnv },
    });
  }
}

/**
 * Invokes the function behind the `api` trigger for one gateway request. A throttled
 * invocation never reaches the function; API Gateway then answers 500 "Internal Server
 * Error" itself (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
 */
async function invokeApi(lambda: LambdaService, plan: DeploymentPlan, event: Buffer): Promise<GatewayInvokeResult> {
  try {
    const result = await lambda.invoke(plan.api.functionName, event, 'RequestResponse');
    return { payload: result.payload, ...(result.functionError ? { functionError: result.functionError } : {}) };
  } catch (error) {
    if (isThrottle(error)) return { payload: Buffer.alloc(0), throttled: error.reason };
    throw error;
  }
}

function isThrottle(error: unknown): error is { reason: string } {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === 429 && 'reason' in error && typeof error.reason === 'string';
}

/** Asks the API function to finish the jobs whose runner died with a previous run of the runtime. */
async function sweepLostJobs(lambda: LambdaService, plan: DeploymentPlan, startedAt: number, log: (line: string) => void): Promise<void> {
  const event = Buffer.from(JSON.stringify({ 'event-type': 'sweep', 'lost-before': startedAt }));
  const result = await lambda.invoke(plan.api.functionName, event, 'RequestResponse');
  if (result.functionError !== undefined) {
    log(`warning: finishing the jobs of the previous run failed: ${result.payload.toString('utf8').slice(0, 500)}`);
  }
}

function printBanner(log: (line: string) => void, config: LocalJson, dataDir: string, plan: DeploymentPlan): void {
  log('aws-exec is running locally');
  log(`  url:       ${config.url}`);
  log(`  auth:      ${config.auth}`);
  log(`  aws:       ${config.awsEndpoint} (region ${config.region}, account ${plan.account})`);
  log(`  infra:     ${plan.infraFile} (${plan.functions.map((fn) => fn.name).join(', ')})`);
  log(`  data dir:  ${dataDir}`);
  log('try: npx aws-exec exec -- whoami');
}
