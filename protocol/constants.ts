/** The header that carries the caller's auth key on every /api request. */
export const AUTH_HEADER = 'auth';

/** HTTP paths of the job API. */
export const PATHS = {
  exec: '/api/exec',
  jobs: '/api/jobs',
  job: '/api/job',
  commands: '/api/commands',
  key: '/api/key',
  keyRevoked: '/api/key/revoked',
  share: '/api/share',
  version: '/_version',
} as const;

/** Exit codes beyond the command's own. */
export const EXIT = {
  /** The job ran past its timeout (as GNU timeout). */
  timeout: 124,
  /** The job was cancelled (as a shell's Ctrl-C). */
  cancelled: 130,
  /** The job's process died with the runtime that ran it (as SIGKILL). */
  lost: 137,
  /** A signal n is reported as SIGNAL_BASE + n. */
  signalBase: 128,
  /** The command could not start or threw. */
  failure: 1,
} as const;

/** Default cap of a job's log: the head and the tail are kept, the middle replaced by a marker line. */
export const DEFAULT_LOG_CAP_BYTES = 32 * 1024 * 1024;

/** Largest request body the API accepts. */
export const MAX_REQUEST_BYTES = 256 * 1024;

/** How long the presigned log URLs handed to clients stay valid. */
export const PRESIGN_TTL_SECONDS = 15 * 60;

/** A Lambda function's maximum timeout, and the default for the backend. */
export const MAX_FUNCTION_TIMEOUT_SECONDS = 900;

/** The marker line written where a capped log dropped bytes. */
export function truncationMarker(droppedBytes: number): string {
  return `\n[... ${droppedBytes} bytes truncated ...]\n`;
}

/** The local runtime's defaults (`aws-exec serve`), where clients look for it when nothing else says. */
export const LOCAL_DEFAULTS = {
  /** The API (the local gateway) on 127.0.0.1. */
  apiPort: 8080,
  /** The local AWS endpoint (S3, DynamoDB, Lambda, SQS, SNS) on 127.0.0.1: LocalStack's port, which AWS tools expect. */
  awsPort: 4566,
  /** Where the runtime keeps its state and `local.json`, relative to the working directory. */
  dataDir: '.aws-exec',
} as const;
