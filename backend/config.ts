import { DEFAULT_LOG_CAP_BYTES, MAX_FUNCTION_TIMEOUT_SECONDS, truncationMarker } from '../protocol/index.js';
import { isWithheldEnvName, type ReachLimits } from '../cmd/reach.js';
import { ConfigError } from './errors.js';
import { DEFAULT_RETRY_SCHEDULE, MAX_RETRY_WINDOW_MS, parseRetrySchedule, parseDurationText } from './events/schedule.js';

/** How job end events are delivered (see backend/events/). */
export interface EventConfig {
  /** The project's queue that receives every job's end event (EVENT_QUEUE_URL); none when unset. */
  queueUrl: string | undefined;
  /** The pause before each webhook attempt after the first (EVENT_RETRY_SCHEDULE; Svix's schedule by default). */
  retryDelaysMs: number[];
  /** No attempt is made later than this after the job's end (EVENT_RETRY_WINDOW, 24 h at most). */
  retryWindowMs: number;
  /** The runner waits for retries due this soon itself; later ones are the sweep's (EVENT_INLINE_RETRY). */
  inlineRetryMs: number;
  /** How long one webhook call may take (WEBHOOK_TIMEOUT_MS). */
  webhookTimeoutMs: number;
  /** Whether webhook URLs may name loopback, link-local and private hosts (WEBHOOK_ALLOW_PRIVATE_HOSTS; the local runtime sets it). */
  allowPrivateHosts: boolean;
}

/** How the log shipper paces its uploads (see shipper/policy.ts). */
export interface ShipConfig {
  /** Shortest pause between two uploads of a small log. */
  minIntervalMs: number;
  /** Longest pause between two uploads of a large log. */
  maxIntervalMs: number;
  /** The interval grows as log size / this rate, so the upload rate stays under it. */
  bytesPerSecond: number;
}

/** Everything the backend reads from its environment, read once by `loadConfig`. */
export interface Config {
  projectName: string;
  bucket: string;
  /** The auth table: keys (`auth.<hash>`), where the Go aws-exec keeps them (PROJECT_TABLE, else PROJECT_NAME). */
  table: string;
  /**
   * The jobs table: job records, share links and the per-key sets of running jobs
   * (PROJECT_JOBS_TABLE, else the auth table). infra.yaml declares it apart, so that the
   * job function's role, which must update job records, cannot write keys.
   */
  jobsTable: string;
  /** The function's own name (Lambda sets it). */
  functionName: string;
  /**
   * The function that runs jobs (async invoke): `JOB_FUNCTION_NAME`, else this function
   * itself. infra.yaml deploys the runner as its own function, so that running jobs, which
   * have a reserved concurrency of their own, can never take the API's.
   */
  jobFunctionName: string;
  /** The function's timeout (Lambda does not expose it in the environment); per-job timeouts may not exceed it. */
  functionTimeoutSeconds: number;
  /** Largest log kept: head + marker + tail. */
  logCapBytes: number;
  ship: ShipConfig;
  /** Pause before every 401, so that guessing keys is slow and failures look alike. */
  authFailDelayMs: number;
  /** How long a warm process trusts a key it has looked up (a removed key works that long). */
  authCacheMs: number;
  /** At most this many jobs of one key queued or running at once (0: no cap); a key's own `max-running` wins. */
  keyMaxRunningJobs: number;
  /** What the registered commands of a key without `exec` may reach (RPC_READ_PATHS, RPC_ENV). */
  confinement: ReachLimits;
  /** Job records expire (DynamoDB TTL) this long after they start. */
  jobTtlSeconds: number;
  /** How often a running job reads its record for a cancel request. */
  cancelCheckMs: number;
  /** Between SIGTERM and SIGKILL of a job's process group. */
  killGraceMs: number;
  /** Time kept back from the function's remaining time for the kill grace and the final upload. */
  finalShipMarginMs: number;
  /** A job queued this long and never claimed is finished as lost by the sweep. */
  lostQueuedAfterMs: number;
  /**
   * The working directory of subprocess jobs and the base of RPC commands' relative paths.
   * Default /tmp: on Lambda the only writable place (the task root, /var/task, is read-only
   * and holds the code); the local runtime sets the directory `serve` was started in.
   */
  jobWorkingDirectory: string;
  /** One log line per HTTP request (job start and end lines are written either way). */
  logRequests: boolean;
  /**
   * Where jobs get no cgroup: also kill, at a job's end, this user's processes that started
   * while it ran (the runner is alone in its sandbox, as on AWS Lambda). See runner/containment.ts.
   */
  sweepOrphans: boolean;
  /** How often a running job's runner renews its lease on the record (its heartbeat). */
  heartbeatMs: number;
  /** How long one heartbeat vouches for the runner: a job whose lease ran out is closed as lost. */
  leaseMs: number;
  /** How long the runner retries the final log, exit and size before it writes what it can. */
  finalWriteWindowMs: number;
  events: EventConfig;
}

type Env = Record<string, string | undefined>;

/** Reads and checks the backend's configuration from the environment (once, at cold start). */
export function loadConfig(env: Env): Config {
  const projectName = readRequired(env, 'PROJECT_NAME');
  const table = readOptional(env, 'PROJECT_TABLE') ?? projectName;
  const config: Config = {
    projectName,
    bucket: readRequired(env, 'PROJECT_BUCKET'),
    table,
    jobsTable: readOptional(env, 'PROJECT_JOBS_TABLE') ?? table,
    functionName: readRequired(env, 'AWS_LAMBDA_FUNCTION_NAME'),
    jobFunctionName: readOptional(env, 'JOB_FUNCTION_NAME') ?? readRequired(env, 'AWS_LAMBDA_FUNCTION_NAME'),
    functionTimeoutSeconds: readInteger(env, 'FUNCTION_TIMEOUT_SECONDS', MAX_FUNCTION_TIMEOUT_SECONDS, 1, MAX_FUNCTION_TIMEOUT_SECONDS),
    logCapBytes: readInteger(env, 'LOG_CAP_BYTES', DEFAULT_LOG_CAP_BYTES, minimumLogCapBytes(), 1024 * 1024 * 1024),
    ship: {
      minIntervalMs: readInteger(env, 'LOG_SHIP_MIN_INTERVAL_MS', 25, 0, 60_000),
      maxIntervalMs: readInteger(env, 'LOG_SHIP_MAX_INTERVAL_MS', 5_000, 1, 600_000),
      bytesPerSecond: readInteger(env, 'LOG_SHIP_BYTES_PER_SECOND', 1024 * 1024, 1024, 2 ** 40),
    },
    authFailDelayMs: readInteger(env, 'AUTH_FAIL_DELAY_MS', 1_000, 0, 60_000),
    authCacheMs: readInteger(env, 'AUTH_CACHE_MS', 30_000, 0, 3_600_000),
    keyMaxRunningJobs: readInteger(env, 'KEY_MAX_RUNNING_JOBS', 0, 0, 100_000),
    confinement: { readPaths: readPathList(env, 'RPC_READ_PATHS'), envNames: readEnvNames(env, 'RPC_ENV') },
    jobTtlSeconds: readInteger(env, 'JOB_TTL_DAYS', 30, 1, 3650) * 86_400,
    cancelCheckMs: readInteger(env, 'CANCEL_CHECK_MS', 500, 10, 60_000),
    killGraceMs: readInteger(env, 'KILL_GRACE_MS', 2_000, 0, 60_000),
    finalShipMarginMs: readInteger(env, 'FINAL_SHIP_MARGIN_MS', 10_000, 100, 300_000),
    lostQueuedAfterMs: readInteger(env, 'LOST_QUEUED_AFTER_MS', 5 * 60_000, 1_000, 86_400_000),
    jobWorkingDirectory: readAbsolutePath(env, 'JOB_WORKING_DIRECTORY', DEFAULT_JOB_WORKING_DIRECTORY),
    logRequests: readBoolean(env, 'LOG_REQUESTS', true),
    sweepOrphans: readOrphanSweep(env),
    heartbeatMs: readInteger(env, 'HEARTBEAT_MS', 10_000, 100, 300_000),
    leaseMs: readInteger(env, 'HEARTBEAT_LEASE_MS', 30_000, 300, 900_000),
    finalWriteWindowMs: readInteger(env, 'FINAL_WRITE_WINDOW_MS', 20_000, 1_000, 900_000),
    events: readEventConfig(env),
  };
  if (config.ship.maxIntervalMs < config.ship.minIntervalMs) {
    throw new ConfigError(
      `Expected LOG_SHIP_MAX_INTERVAL_MS (${config.ship.maxIntervalMs}) to be at least LOG_SHIP_MIN_INTERVAL_MS (${config.ship.minIntervalMs})`,
    );
  }
  if (config.leaseMs < 2 * config.heartbeatMs) {
    // One late or failed heartbeat must not make a live runner look lost.
    throw new ConfigError(`Expected HEARTBEAT_LEASE_MS (${config.leaseMs}) to be at least twice HEARTBEAT_MS (${config.heartbeatMs})`);
  }
  return config;
}

function readEventConfig(env: Env): EventConfig {
  const queueUrl = readOptional(env, 'EVENT_QUEUE_URL');
  if (queueUrl !== undefined && !/^https?:\/\/[^/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/.test(queueUrl)) {
    throw new ConfigError(`Expected environment variable EVENT_QUEUE_URL to be an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), got \`${queueUrl}\``);
  }
  const read = (name: string, fallback: number, max: number) => {
    const raw = readOptional(env, name);
    if (raw === undefined) return fallback;
    const ms = parseDurationText(raw);
    if (ms === undefined || ms > max) throw new ConfigError(`Expected environment variable ${name} to be a duration of at most ${max / 1000} s such as 500ms, 5s, 5m or 2h, got \`${raw}\``);
    return ms;
  };
  const schedule = readOptional(env, 'EVENT_RETRY_SCHEDULE');
  const retryDelaysMs = schedule === undefined ? DEFAULT_RETRY_SCHEDULE : parseRetrySchedule(schedule);
  if (retryDelaysMs === undefined) {
    throw new ConfigError(`Expected environment variable EVENT_RETRY_SCHEDULE to be durations separated by commas such as 5s,5m,30m,2h, got \`${schedule ?? ''}\``);
  }
  return {
    queueUrl,
    retryDelaysMs,
    retryWindowMs: read('EVENT_RETRY_WINDOW', MAX_RETRY_WINDOW_MS, MAX_RETRY_WINDOW_MS),
    inlineRetryMs: read('EVENT_INLINE_RETRY', 10_000, 60_000),
    webhookTimeoutMs: readInteger(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 100, 60_000),
    allowPrivateHosts: readBoolean(env, 'WEBHOOK_ALLOW_PRIVATE_HOSTS', false),
  };
}

/** Where jobs run unless JOB_WORKING_DIRECTORY says otherwise: Lambda's only writable directory. */
export const DEFAULT_JOB_WORKING_DIRECTORY = '/tmp';

/** The smallest cap that still leaves room for a head, the marker and a tail. */
export function minimumLogCapBytes(): number {
  return 4 * truncationMarker(Number.MAX_SAFE_INTEGER).length;
}

function readOptional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readRequired(env: Env, name: string): string {
  const value = readOptional(env, name);
  if (value === undefined) throw new ConfigError(`Environment variable ${name} is required`);
  return value;
}

/** A colon-separated list of absolute directories (as PATH is written); empty when unset. */
function readPathList(env: Env, name: string): string[] {
  const paths = (readOptional(env, name) ?? '').split(':').filter((path) => path !== '');
  const relative = paths.find((path) => !path.startsWith('/'));
  if (relative !== undefined) throw new ConfigError(`Expected environment variable ${name} to list absolute directories separated by ':', got \`${relative}\``);
  return paths;
}

/** A comma-separated list of environment variable names, none of the function's own (AWS_*). */
function readEnvNames(env: Env, name: string): string[] {
  const names = (readOptional(env, name) ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry)) throw new ConfigError(`Expected environment variable ${name} to list variable names separated by ',', got \`${entry}\``);
    if (isWithheldEnvName(entry)) {
      throw new ConfigError(`Expected environment variable ${name} to name no variable of the function's own (AWS_*: its credentials), got \`${entry}\``);
    }
  }
  return names;
}

function readAbsolutePath(env: Env, name: string, fallback: string): string {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  if (!raw.startsWith('/')) throw new ConfigError(`Expected environment variable ${name} to be an absolute path, got \`${raw}\``);
  return raw;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readOptional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`Expected environment variable ${name} to be true or false (1/0, yes/no, on/off), got \`${raw}\``);
}

/**
 * `JOB_ORPHAN_SWEEP`: `on`, `off`, or `auto` (the default): on where AWS_LAMBDA_RUNTIME_API
 * is set, which only AWS Lambda's own runtime sets (the runtime API's host and port,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime);
 * the local runtime's workers talk to it over IPC and share the machine with other processes.
 */
function readOrphanSweep(env: Env): boolean {
  const raw = readOptional(env, 'JOB_ORPHAN_SWEEP') ?? 'auto';
  if (raw === 'auto') return readOptional(env, 'AWS_LAMBDA_RUNTIME_API') !== undefined;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`Expected environment variable JOB_ORPHAN_SWEEP to be auto, on or off, got \`${raw}\``);
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`Expected environment variable ${name} to be an integer from ${min} to ${max}, got \`${raw}\``);
  }
  return value;
}
