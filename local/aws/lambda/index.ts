import { randomUUID } from 'node:crypto';
import { AwsError } from '../service.js';
import { AccountConcurrency, ThrottledError } from './concurrency.js';
import { resolveFunctionConfig, resolveServiceTimings, type ResolvedFunctionConfig } from './config.js';
import { ExecutionEnvironment } from './environment.js';
import {
  functionNotFound,
  invalidParameter,
  invalidRequestContent,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  requestTooLarge,
  sendLambdaError,
  validationError,
} from './errors.js';
import { EventQueue } from './event-queue.js';
import { describeFunction, describeFunctionConfiguration, readCodeFacts, type CodeFacts } from './function-view.js';
import { runInvocation } from './invocation.js';
import { createCredentialSource } from './role-credentials.js';
import { formatFunctionArn, LATEST, parseFunctionReference } from './names.js';
import { writeToProcessOutput } from './output.js';
import { FunctionPool, PoolClosedError, type InvocationRequest } from './pool.js';
import { sweepLeftoverCgroups } from './process-tree.js';
import { operationOfLambdaRequest, serveLambdaRequest, type LambdaApi } from './routes.js';
import { LAMBDA_TRAITS } from './traits.js';
import type { InvocationType, InvokeOptions, InvokeResult, LambdaService, LambdaServiceOptions } from './types.js';

export type { FunctionConfig, InvocationType, InvokeOptions, InvokeResult, LambdaService, LambdaServiceOptions, LogType } from './types.js';
export { InvalidFunctionConfigError, type ResolvedFunctionConfig } from './config.js';

interface FunctionEntry {
  pool: FunctionPool;
  facts: CodeFacts;
}

const INVOCATION_TYPES: ReadonlySet<string> = new Set(['RequestResponse', 'Event', 'DryRun']);

/** Creates the Lambda service: registered functions run in warm worker processes. */
export function createLambdaService(options: LambdaServiceOptions): LambdaService {
  const { region } = options;
  const timings = resolveServiceTimings({
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.surplusIdleTimeoutMs !== undefined ? { surplusIdleTimeoutMs: options.surplusIdleTimeoutMs } : {}),
    ...(options.initTimeoutMs !== undefined ? { initTimeoutMs: options.initTimeoutMs } : {}),
    ...(options.retryDelaysMs !== undefined ? { retryDelaysMs: options.retryDelaysMs } : {}),
    ...(options.roleSessionSeconds !== undefined ? { roleSessionSeconds: options.roleSessionSeconds } : {}),
    ...(options.retireBeforeExpiryMs !== undefined ? { retireBeforeExpiryMs: options.retireBeforeExpiryMs } : {}),
  });
  const credentialSource = createCredentialSource(options, timings);
  const output = options.writeOutput ?? writeToProcessOutput;
  const logError = options.logError ?? ((message: string, error: unknown) => console.error(message, error));
  const functions = new Map<string, FunctionEntry>();
  const concurrency = new AccountConcurrency(options.accountConcurrency);
  let closed = false;
  // What environments of a runtime that died with `kill -9` left running, if their watchdogs could not end it.
  void sweepLeftoverCgroups().catch((error: unknown) => logError('could not sweep leftover execution environment cgroups', error));

  /** Runs an invocation holding a slot of the function's share of the account's concurrency. */
  async function runHolding(release: () => void, entry: FunctionEntry, request: InvocationRequest, wantLogTail: boolean) {
    try {
      return await runInvocation(entry.pool, request, wantLogTail);
    } finally {
      release();
    }
  }

  // Each environment gets its own credentials: the account's key pair, or a fresh session of the function's role.
  const startEnvironment = async (config: ResolvedFunctionConfig, log: Parameters<typeof ExecutionEnvironment.start>[1]) => {
    const issued = credentialSource.issue(config);
    const environment = await ExecutionEnvironment.start(
      { config, region, credentials: issued.credentials, endpointUrl: options.endpointUrl(), initTimeoutMs: timings.initTimeoutMs, output },
      log,
    );
    if (issued.expiresAtMs !== undefined) {
      credentialSource.scheduleRetirement(environment, issued.expiresAtMs, () => {
        const pool = functions.get(config.name)?.pool;
        pool?.replaceConfig(pool.currentConfig);
      });
    }
    return environment;
  };

  /** Finds a function by name or ARN (only `$LATEST` exists) and says which qualifier the caller used. */
  function lookup(reference: string, qualifier: string | undefined): FunctionEntry & { qualifier?: string } {
    const parsed = parseFunctionReference(reference);
    if (qualifier !== undefined && parsed.qualifier !== undefined && qualifier !== parsed.qualifier) {
      throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
    }
    const wanted = qualifier ?? parsed.qualifier;
    const entry = functions.get(parsed.name);
    if (!entry || (wanted !== undefined && wanted !== LATEST) || (parsed.region !== undefined && parsed.region !== region)) {
      throw functionNotFound(formatFunctionArn(parsed.region ?? region, parsed.name, wanted));
    }
    return wanted === undefined ? entry : { ...entry, qualifier: wanted };
  }

  const events = new EventQueue({
    // A throttled event waits in the queue for a slot, as Lambda's internal queue retries it.
    run: async (name, request) => {
      const release = await concurrency.acquire(name);
      const entry = functions.get(name);
      if (!entry) {
        release();
        throw new Error(`Expected function ${name} to be registered`);
      }
      return runHolding(release, entry, request, false);
    },
    maxRetryAttempts: (name) => functions.get(name)?.pool.currentConfig.maxRetryAttempts ?? 0,
    retryDelaysMs: timings.retryDelaysMs,
    report: (name, line) => output('stderr', `[${name}] ${line}\n`),
    logError,
    ...(options.eventStartDelayMs ? { startDelayMs: options.eventStartDelayMs } : {}),
  });

  async function invoke(name: string, payload: Buffer, type: InvocationType, invokeOptions: InvokeOptions = {}): Promise<InvokeResult> {
    if (!INVOCATION_TYPES.has(type)) {
      throw validationError(`Expected the invocation type to be RequestResponse, Event or DryRun, got \`${String(type)}\``);
    }
    if (closed) throw new AwsError(503, 'ServiceException', 'The local Lambda service is shutting down');
    const entry = lookup(name, invokeOptions.qualifier);
    const config = entry.pool.currentConfig;
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    if (payload.length > limit) throw requestTooLarge(limit, 'InvokeFunction');
    const event = readEventText(payload);
    const requestId = randomUUID();
    const request: InvocationRequest = {
      requestId,
      payload: event,
      invokedFunctionArn: formatFunctionArn(region, config.name, entry.qualifier),
    };
    if (invokeOptions.clientContext !== undefined) request.clientContext = invokeOptions.clientContext;
    if (type === 'DryRun') return { statusCode: 204, payload: Buffer.alloc(0), requestId };
    if (type === 'Event') {
      events.enqueue(config.name, request);
      return { statusCode: 202, payload: Buffer.alloc(0), requestId };
    }
    let finished;
    try {
      const release = concurrency.take(config.name);
      finished = await runHolding(release, entry, request, invokeOptions.logType === 'Tail');
    } catch (error) {
      if (error instanceof ThrottledError) throw error;
      if (error instanceof PoolClosedError) throw new AwsError(503, 'ServiceException', error.message, { cause: error });
      throw error;
    }
    const result: InvokeResult = { statusCode: 200, payload: finished.payload, requestId, executedVersion: LATEST };
    if (finished.error) result.functionError = 'Unhandled';
    if (finished.logTail) result.logResult = finished.logTail.toString('base64');
    return result;
  }

  /** No new invocation, no retry, no waiting for a slot from now on. */
  function stopAccepting(): void {
    if (closed) return;
    closed = true;
    events.close();
    concurrency.close(new PoolClosedError('every function'));
    credentialSource.close();
  }

  const api: LambdaApi = {
    region,
    invoke,
    describeFunction: (name, qualifier) => {
      const entry = lookup(name, qualifier);
      return describeFunction(region, entry.pool.currentConfig, entry.facts);
    },
    describeConfiguration: (name, qualifier) => {
      const entry = lookup(name, qualifier);
      return describeFunctionConfiguration(region, entry.pool.currentConfig, entry.facts);
    },
    listConfigurations: () =>
      [...functions.values()]
        .map((entry) => ({ ...describeFunctionConfiguration(region, entry.pool.currentConfig, entry.facts), FunctionName: entry.pool.currentConfig.name }))
        .sort((a, b) => (a.FunctionName < b.FunctionName ? -1 : a.FunctionName > b.FunctionName ? 1 : 0)),
  };

  return {
    ...LAMBDA_TRAITS,
    operationOf: operationOfLambdaRequest,
    handle: (request, res) => serveLambdaRequest(api, request, res),
    sendError: (_request, res, error) => sendLambdaError(res, error),
    registerFunction(input) {
      if (closed) throw new Error('Expected an open Lambda service, but it was closed');
      const config = resolveFunctionConfig(input);
      credentialSource.checkRole(config);
      const facts = readCodeFacts(config);
      concurrency.setReserved(config.name, config.reservedConcurrency);
      const existing = functions.get(config.name);
      if (existing) {
        existing.pool.replaceConfig(config);
        existing.facts = facts;
        return;
      }
      functions.set(config.name, { pool: new FunctionPool(config, { startEnvironment, idleTimeoutMs: timings.idleTimeoutMs, surplusIdleTimeoutMs: timings.surplusIdleTimeoutMs }), facts });
    },
    invoke,
    getFunction: (name) => functions.get(name)?.pool.currentConfig,
    concurrencyOf: (name) => concurrency.loadOf(name),
    whenEventsIdle: () => events.whenIdle(),
    async shutdown(graceMs) {
      stopAccepting();
      await Promise.all([...functions.values()].map((entry) => entry.pool.drain(graceMs)));
    },
    killNow() {
      stopAccepting();
      for (const entry of functions.values()) entry.pool.killNow();
    },
    async close() {
      stopAccepting();
      await Promise.all([...functions.values()].map((entry) => entry.pool.close()));
    },
  };
}

/** Checks that a payload is JSON (an empty one is `{}`, as on AWS) and returns its text. */
function readEventText(payload: Buffer): string {
  const text = payload.toString('utf8');
  if (text.trim() === '') return '{}';
  try {
    JSON.parse(text);
  } catch (error) {
    const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw invalidRequestContent(
      `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message} (expected a JSON document, got \`${preview}\`)`,
      error,
    );
  }
  return text;
}
