import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { MAX_FUNCTION_TIMEOUT_SECONDS } from '../protocol/index.js';
import { startLocalAws, LOCAL_HOST, type LocalAws } from './aws/index.js';
import { startGateway, type Gateway } from './gateway.js';
import { readLocalJson, writeLocalJson, type LocalJson } from './local-json.js';
import { provisionInChild } from './provision-child.js';

export interface RuntimeOptions {
  /** Where all state lives (default `.aws-exec` in the working directory). */
  dataDir?: string;
  /** The API gateway's port (default 8080; 0 picks a free one). */
  port?: number;
  /** The local AWS endpoint's port (default 4566; 0 picks a free one). */
  awsPort?: number;
  /** Most jobs and requests running at once (the function's concurrency, default 64). */
  concurrency?: number;
  /**
   * Most jobs and requests one worker process runs at once (default 16): the backend's
   * handler is async and keeps no per-invocation state in globals, so a worker serves many
   * invocations, as Lambda Managed Instances do. 50 jobs at once then need 4 workers, not 50
   * (each is a Node process of about 80 MB that takes 100+ ms of CPU to start).
   */
  environmentConcurrency?: number;
  /** Extra environment for the backend function (e.g. LOG_CAP_BYTES). */
  functionEnv?: Record<string, string>;
  /** Where the runtime says what it does (default: stdout). */
  log?: (line: string) => void;
}

export interface Runtime {
  url: string;
  dataDir: string;
  config: LocalJson;
  aws: LocalAws;
  close(): Promise<void>;
}

/** The names of the local deployment: function, bucket and table. */
export const LOCAL_PROJECT = 'aws-exec';
export const DEFAULT_PORT = 8080;
export const DEFAULT_AWS_PORT = 4566;
export const DEFAULT_DATA_DIR = '.aws-exec';
const DEFAULT_ENVIRONMENT_CONCURRENCY = 16;

/** Finds the backend's Lambda module: compiled JavaScript, or the TypeScript source under tsx. */
function resolveBackendModule(): string {
  for (const candidate of ['../backend/lambda.js', '../backend/lambda.ts']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('Expected the backend module next to the runtime (backend/lambda.js); run `npm run build`');
}

/**
 * Starts aws-exec on one machine: the local AWS endpoint, the backend registered as a
 * Lambda function, and the API gateway in front of it. Creates the bucket, table and a
 * first auth key on first start, finishes jobs lost by a previous run, writes
 * `DIR/local.json` and prints the URL and the key.
 */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const startedAt = Date.now();
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const log = options.log ?? ((line: string) => console.log(line));
  const aws = await startLocalAws({ dataDir, port: options.awsPort ?? DEFAULT_AWS_PORT });
  let gateway: Gateway | undefined;
  try {
    aws.lambda.registerFunction({
      name: LOCAL_PROJECT,
      module: resolveBackendModule(),
      timeoutSeconds: MAX_FUNCTION_TIMEOUT_SECONDS,
      memoryMb: 1024,
      environmentConcurrency: options.environmentConcurrency ?? DEFAULT_ENVIRONMENT_CONCURRENCY,
      maxRetryAttempts: 2,
      env: {
        PROJECT_NAME: LOCAL_PROJECT,
        PROJECT_BUCKET: LOCAL_PROJECT,
        PROJECT_TABLE: LOCAL_PROJECT,
        // We run on Node 20 with a locked SDK; its notice about future releases is noise in every worker.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...options.functionEnv,
      },
    });
    const recordedAuth = readLocalJson(dataDir)?.auth;
    const { auth } = await provisionInChild({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: aws.credentials,
      bucket: LOCAL_PROJECT,
      table: LOCAL_PROJECT,
      ...(recordedAuth !== undefined ? { recordedAuth } : {}),
    });
    await sweepLostJobs(aws, startedAt, log);
    gateway = await startGateway({
      host: LOCAL_HOST,
      port: options.port ?? DEFAULT_PORT,
      invoke: async (event) => {
        const result = await aws.lambda.invoke(LOCAL_PROJECT, event, 'RequestResponse');
        return { payload: result.payload, ...(result.functionError ? { functionError: result.functionError } : {}) };
      },
    });
    const config: LocalJson = {
      url: gateway.url,
      auth,
      awsEndpoint: aws.endpoint,
      region: aws.region,
      accessKeyId: aws.credentials.accessKeyId,
      secretAccessKey: aws.credentials.secretAccessKey,
      bucket: LOCAL_PROJECT,
      table: LOCAL_PROJECT,
      functionName: LOCAL_PROJECT,
      pid: process.pid,
    };
    writeLocalJson(dataDir, config);
    printBanner(log, config, dataDir);
    const openGateway = gateway;
    return {
      url: gateway.url,
      dataDir,
      config,
      aws,
      async close() {
        await openGateway.close();
        await aws.close();
      },
    };
  } catch (error) {
    await gateway?.close();
    await aws.close();
    throw error;
  }
}

/** Asks the backend to finish the jobs whose runner died with a previous run of the runtime. */
async function sweepLostJobs(aws: LocalAws, startedAt: number, log: (line: string) => void): Promise<void> {
  const event = Buffer.from(JSON.stringify({ 'event-type': 'sweep', 'lost-before': startedAt }));
  const result = await aws.lambda.invoke(LOCAL_PROJECT, event, 'RequestResponse');
  if (result.functionError !== undefined) {
    log(`warning: finishing the jobs of the previous run failed: ${result.payload.toString('utf8').slice(0, 500)}`);
  }
}

function printBanner(log: (line: string) => void, config: LocalJson, dataDir: string): void {
  log('aws-exec is running locally');
  log(`  url:       ${config.url}`);
  log(`  auth:      ${config.auth}`);
  log(`  aws:       ${config.awsEndpoint} (region ${config.region})`);
  log(`  data dir:  ${dataDir}`);
  log('try: npx aws-exec exec -- whoami');
}
