import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError } from './error-shape.js';
import type { FunctionErrorBody, InvokeMessage } from './ipc.js';

/** A Lambda handler: async (returns a promise) or callback-style. */
export type Handler = (event: unknown, context: LambdaContext, callback: HandlerCallback) => unknown;

/** The callback a callback-style handler calls once. */
export type HandlerCallback = (error?: unknown, result?: unknown) => void;

/** The context object Lambda passes to a handler. */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as in the Node.js runtime. */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  clientContext?: unknown;
  identity?: unknown;
  getRemainingTimeInMillis(): number;
  done(error?: unknown, result?: unknown): void;
  succeed(result?: unknown): void;
  fail(error?: unknown): void;
}

/** How an invocation ended: the result's JSON text, or a function error. */
export type HandlerOutcome = { ok: true; payload: string } | { ok: false; error: FunctionErrorBody };

/** Loading the handler failed; `body` is what the invocation returns. */
export class InitError extends Error {
  constructor(
    readonly body: FunctionErrorBody,
    options?: { cause?: unknown },
  ) {
    super(body.errorMessage, options);
    this.name = 'InitError';
  }
}

/** Imports the handler module (ESM or CommonJS) and returns its handler export. */
export async function loadHandler(modulePath: string, exportName: string): Promise<Handler> {
  const handlerName = `${basename(modulePath, extname(modulePath))}.${exportName}`;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InitError(describeImportError(error, modulePath), { cause: error });
  }
  const fromDefault = loaded.default as Record<string, unknown> | undefined;
  const handler = loaded[exportName] ?? (typeof fromDefault === 'object' || typeof fromDefault === 'function' ? fromDefault?.[exportName] : undefined);
  if (typeof handler !== 'function') {
    throw new InitError({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${handlerName} is undefined or not exported (expected a function exported as \`${exportName}\` from ${modulePath}, got ${typeof handler})`,
      trace: [],
    });
  }
  return handler as Handler;
}

function describeImportError(error: unknown, modulePath: string): FunctionErrorBody {
  const described = describeError(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return { ...described, errorType: 'Runtime.ImportModuleError', errorMessage: `Error: Cannot load ${modulePath}: ${described.errorMessage}` };
  }
  if (error instanceof SyntaxError) return { ...described, errorType: 'Runtime.UserCodeSyntaxError' };
  return described;
}

/** What a single run needs besides the handler. */
export interface RunSpec {
  message: InvokeMessage;
  env: NodeJS.ProcessEnv;
  /** Number of event-loop resources alive while idle: the loop counts as empty at or below it. */
  idleResourceCount: number;
}

/**
 * Runs one invocation. Like the Node.js runtime: a returned promise settles it; otherwise
 * the callback (or context.done/succeed/fail) does, and with `callbackWaitsForEmptyEventLoop`
 * (the default) the response waits until the handler's timers and sockets are done. A
 * handler that neither returns a promise nor calls back finishes when its event loop empties.
 */
export function runHandler(handler: Handler, event: unknown, spec: RunSpec): Promise<HandlerOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: HandlerOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let calledBack = false;
    const callback: HandlerCallback = (error, result) => {
      if (settled || calledBack) return;
      calledBack = true;
      const outcome = error === undefined || error === null ? serialize(result) : fail(error);
      if (!context.callbackWaitsForEmptyEventLoop) settle(outcome);
      else void waitForEmptyEventLoop(spec.idleResourceCount).then(() => settle(outcome));
    };
    const context = buildContext(spec, callback);
    let returned: unknown;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      settle(fail(error));
      return;
    }
    if (isThenable(returned)) {
      returned.then(
        (value) => settle(serialize(value)),
        (error: unknown) => settle(fail(error)),
      );
    } else {
      // Once the loop is empty nothing can call back any more; a callback that was called settles itself.
      void waitForEmptyEventLoop(spec.idleResourceCount).then(() => {
        if (!calledBack) settle(serialize(returned));
      });
    }
  });
}

function buildContext(spec: RunSpec, callback: HandlerCallback): LambdaContext {
  const { message, env } = spec;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    clientContext: message.clientContext,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    done: (error, result) => callback(error, result),
    succeed: (result) => callback(null, result),
    fail: (error) => callback(error ?? new Error('handled')),
  };
}

function serialize(value: unknown): HandlerOutcome {
  try {
    return { ok: true, payload: JSON.stringify(value === undefined ? null : value) ?? 'null' };
  } catch (error) {
    return fail(error);
  }
}

function fail(error: unknown): HandlerOutcome {
  return { ok: false, error: describeError(error) };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Counts what keeps this process's event loop alive (ref'd handles, requests and timers). */
export function countActiveResources(): number {
  return process.getActiveResourcesInfo().length;
}

// Polls with an unref'd timer, which is not itself counted as keeping the loop alive.
function waitForEmptyEventLoop(idleCount: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (delayMs: number): void => {
      if (countActiveResources() <= idleCount) {
        resolve();
        return;
      }
      setTimeout(() => check(Math.min(delayMs * 2, 20)), delayMs).unref();
    };
    setImmediate(() => check(1));
  });
}
