import type { z } from 'zod';
import type { LocalService } from '../service.js';
import type { LocalIam } from '../iam/index.js';
import type { Credentials } from '../sigv4.js';
import type { FunctionConfigSchema, ResolvedFunctionConfig } from './config.js';
import type { OutputSink } from './output.js';

/** A function registered by the local runtime (see FunctionConfigSchema for each field). */
export type FunctionConfig = z.input<typeof FunctionConfigSchema>;

/** How Lambda runs an invocation: wait for the result, queue it, or only check it. */
export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

/** `Tail` returns the last 4 KB of a synchronous invocation's log. */
export type LogType = 'None' | 'Tail';

export interface LambdaServiceOptions {
  region: string;
  /** The key pair handed to execution environments of functions without a role, as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  credentials: Credentials;
  /** Issues the role credentials of functions registered with a `role` (the local IAM). */
  iam?: Pick<LocalIam, 'assumeRole'> & { hasRole(name: string): boolean };
  /** How long role credentials of an environment last, in seconds (default 3600). */
  roleSessionSeconds?: number;
  /** How long before its role credentials end an environment stops taking invocations (default 20 minutes). */
  retireBeforeExpiryMs?: number;
  /** The endpoint's URL, handed to execution environments as AWS_ENDPOINT_URL (known once it listens). */
  endpointUrl: () => string;
  logError?: (message: string, error: unknown) => void;
  /** Where workers' stdout and stderr go, each line prefixed with `[function-name] ` (default: this process's). */
  writeOutput?: OutputSink;
  /** How long an idle execution environment stays warm (default 10 minutes). */
  idleTimeoutMs?: number;
  /** How long an idle environment stays warm while another of its function is alive (default 30 s). */
  surplusIdleTimeoutMs?: number;
  /** How long loading a handler module may take (default 10 s, as on AWS). */
  initTimeoutMs?: number;
  /** Delays before the retries of a failed Event invocation (default 1 and 2 minutes, as on AWS). */
  retryDelaysMs?: number[];
  /** The account's concurrency quota (default 1,000 as on AWS; at least 100): see concurrency.ts. */
  accountConcurrency?: number;
  /** Milliseconds an Event waits in the queue before it starts (a latency profile's, asked per attempt; default none). */
  eventStartDelayMs?: () => number;
}

/** Options of one invocation beyond its payload and type. */
export interface InvokeOptions {
  /** Only `$LATEST` exists locally. */
  qualifier?: string;
  logType?: LogType;
  /** Handed to the handler as `context.clientContext`. */
  clientContext?: unknown;
}

export interface InvokeResult {
  /** 200 for RequestResponse, 202 for Event, 204 for DryRun. */
  statusCode: number;
  payload: Buffer;
  /** Set when the handler threw or the environment failed ('Unhandled'). */
  functionError?: 'Unhandled';
  /** The invocation's request id (`context.awsRequestId`); always set by this service. */
  requestId?: string;
  /** `$LATEST` for synchronous invocations. */
  executedVersion?: string;
  /** Base64 of the last 4 KB of the log, when `logType` was `Tail`. */
  logResult?: string;
}

export interface LambdaService extends LocalService {
  /** Registers a function (validated: throws InvalidFunctionConfigError); registering a name again replaces it. */
  registerFunction(config: FunctionConfig): void;
  /** Invokes a function in-process (no HTTP): by name, partial or full ARN. Throws AwsError like the REST API. */
  invoke(name: string, payload: Buffer, type: InvocationType, options?: InvokeOptions): Promise<InvokeResult>;
  /** The registered configuration with defaults filled in, or undefined. */
  getFunction(name: string): ResolvedFunctionConfig | undefined;
  /** Invocations running and waiting in the function's share of the account's concurrency. */
  concurrencyOf(name: string): { running: number; waiting: number; limit: number };
  /** Resolves once no Event invocation is running, queued or waiting for a retry. */
  whenEventsIdle(): Promise<void>;
  /**
   * Stops the service gently: no new invocations or retries; idle environments stop now;
   * busy ones get SIGTERM (Lambda's Shutdown phase) so their handlers can end their work,
   * and are killed with everything they started after `graceMs`. `close` then finishes.
   */
  shutdown(graceMs: number): Promise<void>;
  /** Kills every environment and what it started, at once (synchronously): the runtime is exiting. */
  killNow(): void;
}
