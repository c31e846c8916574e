import { randomBytes } from 'node:crypto';
import { basename, dirname, extname } from 'node:path';
import type { ResolvedFunctionConfig } from './config.js';
import { LATEST } from './names.js';
import { SANDBOX_MARKER_VARIABLE } from './process-tree.js';

/** What the environment variables of an execution environment are built from. */
export interface WorkerEnvSpec {
  config: ResolvedFunctionConfig;
  region: string;
  /** The account's key pair, or a role session's temporary credentials (with their token). */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  endpointUrl: string;
  /** The marker every process of this environment inherits (see process-tree.ts). */
  marker: string;
  /** The runtime's own environment, of which only a few basics are passed on. */
  parentEnv?: NodeJS.ProcessEnv;
}

const INHERITED_KEYS = ['PATH', 'HOME', 'LANG', 'TMPDIR'] as const;

/**
 * Builds an execution environment's variables as Lambda sets them (with a role, its session's
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), plus AWS_ENDPOINT_URL
 * (pointing SDK clients at the local endpoint), the function's own variables and PATH,
 * HOME, LANG and TMPDIR from the runtime. Nothing else of the runtime's environment leaks in.
 */
export function buildWorkerEnv(spec: WorkerEnvSpec): Record<string, string> {
  const { config } = spec;
  const parentEnv = spec.parentEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const key of INHERITED_KEYS) {
    const value = parentEnv[key];
    if (value !== undefined) env[key] = value;
  }
  if (spec.endpointUrl !== '') env.AWS_ENDPOINT_URL = spec.endpointUrl;
  Object.assign(env, config.env);
  Object.assign(env, {
    AWS_LAMBDA_FUNCTION_NAME: config.name,
    AWS_LAMBDA_FUNCTION_VERSION: LATEST,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: formatLogStreamName(new Date()),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    AWS_ACCESS_KEY_ID: spec.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: spec.credentials.secretAccessKey,
    ...(spec.credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: spec.credentials.sessionToken }),
    LAMBDA_TASK_ROOT: dirname(config.module),
    _HANDLER: formatHandler(config),
    TZ: ':UTC',
    [SANDBOX_MARKER_VARIABLE]: spec.marker,
  });
  return env;
}

/** The `_HANDLER` / GetFunction `Handler` value: `file.export`. */
export function formatHandler(config: Pick<ResolvedFunctionConfig, 'module' | 'handlerExport'>): string {
  return `${basename(config.module, extname(config.module))}.${config.handlerExport}`;
}

/** A log stream name as Lambda makes them: `YYYY/MM/DD/[$LATEST]<32 hex digits>`. */
export function formatLogStreamName(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${LATEST}]${randomBytes(16).toString('hex')}`;
}
