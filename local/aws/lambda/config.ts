import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';

/** Environment variables Lambda sets itself; like AWS, a function may not override them. */
export const RESERVED_ENV_KEYS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_REGION',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
]);

/** The shape of a function registration, with AWS's limits and defaults. */
export const FunctionConfigSchema = z.strictObject({
  /** The function's name (1 to 64 letters, digits, `-`, `_`). */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, {
    error: (issue) => `Expected 1 to 64 letters, digits, hyphens or underscores, got ${JSON.stringify(issue.input)}`,
  }),
  /** Absolute path of the JavaScript module (ESM or CommonJS) that exports the handler. */
  module: z
    .string()
    .refine((path) => isAbsolute(path), {
      error: (issue) => `Expected an absolute path of a JavaScript module, got ${JSON.stringify(issue.input)}`,
      abort: true,
    })
    .refine((path) => isFile(path), {
      error: (issue) => `Expected an existing JavaScript module file, got ${JSON.stringify(issue.input)} (not a file)`,
    }),
  /** Name of the exported handler function (default `handler`). */
  handlerExport: z
    .string()
    .regex(/^[A-Za-z_$][\w$]*$/, {
      error: (issue) => `Expected the name of an exported function, got ${JSON.stringify(issue.input)}`,
    })
    .default('handler'),
  /** Extra environment variables for the execution environment (Lambda's own names are reserved). */
  env: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Expected an environment variable name (letters, digits, underscores)'),
      z.string(),
    )
    .refine((env) => Object.keys(env).every((key) => !RESERVED_ENV_KEYS.has(key)), {
      error: (issue) =>
        `Expected no variables Lambda reserves for itself, got ${Object.keys(issue.input as Record<string, string>)
          .filter((key) => RESERVED_ENV_KEYS.has(key))
          .join(', ')}`,
    })
    .default({}),
  /** Function timeout in seconds (default 3, at most 900). */
  timeoutSeconds: z.number().int().min(1).max(900).default(3),
  /** Memory size in MB (default 128): reported to the handler and the worker's V8 heap limit. */
  memoryMb: z.number().int().min(128).max(10240).default(128),
  /**
   * Reserved concurrency (PutFunctionConcurrency; libaws's `concurrency=N`): at most N
   * invocations at once, taken out of the account's pool. 0 or absent: none, the function
   * shares the unreserved pool (libaws's `concurrency=0`, its default). See concurrency.ts.
   */
  reservedConcurrency: z.number().int().min(0).max(10_000).default(0),
  /**
   * Most invocations one execution environment runs at once (default 1, as classic Lambda;
   * more, as Lambda Managed Instances' multi-concurrent environments): for async handlers
   * that keep no per-invocation state in globals. Fewer worker processes, no cold start
   * while one is busy; the invocations share the worker's CPU and its fate on a timeout.
   */
  environmentConcurrency: z.number().int().min(1).max(1000).default(1),
  /**
   * Most execution environments of the function at once (default: no limit but its
   * concurrency). Once that many run, an invocation joins the least loaded one even past
   * `environmentConcurrency`: a local machine gains nothing from more worker processes than
   * it has cores, and each costs about 100 MB.
   */
  maxEnvironments: z.number().int().min(1).max(10_000).optional(),
  /**
   * The name of the execution role (put with the local IAM's putRole): each execution
   * environment gets temporary credentials of a session of it, named after the function, and
   * every call it makes is evaluated against the role's policies. Without one, environments
   * get the account's own key pair, which may do anything.
   */
  role: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, { error: (issue) => `Expected an IAM role name (1 to 64 letters, digits or +=,.@_-), got ${JSON.stringify(issue.input)}` })
    .optional(),
  /** How many times a failed asynchronous (Event) invocation is retried, 0 to 2 (default 2). */
  maxRetryAttempts: z.number().int().min(0).max(2).default(2),
});

/** A registration with every default filled in. */
export type ResolvedFunctionConfig = z.output<typeof FunctionConfigSchema>;

/** A function registration that failed validation; `cause` holds the zod error. */
export class InvalidFunctionConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidFunctionConfigError';
  }
}

/** Validates a registration and fills in AWS's defaults, or throws InvalidFunctionConfigError saying what was wrong. */
export function resolveFunctionConfig(input: unknown): ResolvedFunctionConfig {
  const parsed = FunctionConfigSchema.safeParse(input);
  if (!parsed.success) {
    const name = typeof input === 'object' && input !== null && 'name' in input ? String(input.name) : '?';
    throw new InvalidFunctionConfigError(
      `Expected a valid Lambda function registration for \`${name}\`:\n${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Timings of the service itself (tests shorten them). */
export const ServiceTimingsSchema = z.strictObject({
  /** How long an idle execution environment is kept warm before it is stopped. */
  idleTimeoutMs: z.number().int().min(1).default(10 * 60 * 1000),
  /**
   * How long an idle environment stays warm while another of its function is alive
   * (default 30 s): a burst's extra environments go soon after it, the last one waits
   * `idleTimeoutMs`.
   */
  surplusIdleTimeoutMs: z.number().int().min(1).default(30_000),
  /** How long loading the handler module may take (AWS: 10 s). */
  initTimeoutMs: z.number().int().min(1).default(10_000),
  /** Delay before each retry of a failed Event invocation (AWS: about 1 then 2 minutes). */
  retryDelaysMs: z.array(z.number().int().min(0)).min(1).default([60_000, 120_000]),
  /** How long the role credentials of an execution environment last (STS's range; default 1 hour, STS's default). */
  roleSessionSeconds: z.number().int().min(900).max(43_200).default(3600),
  /**
   * How long before its role credentials end an environment stops taking invocations (default
   * 20 minutes: the longest function timeout, 15 minutes, and a margin, so that no invocation
   * outlives the credentials it started with).
   */
  retireBeforeExpiryMs: z.number().int().min(0).default(20 * 60 * 1000),
});

/** The service's timings with defaults filled in. */
export type ServiceTimings = z.output<typeof ServiceTimingsSchema>;

/** Validates the service's timing options, throwing a clear error when one is wrong. */
export function resolveServiceTimings(input: unknown): ServiceTimings {
  const parsed = ServiceTimingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidFunctionConfigError(`Expected valid Lambda service timings:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
