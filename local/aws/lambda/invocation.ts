import type { FunctionErrorBody } from './ipc.js';
import { LATEST } from './names.js';
import { InvocationLog } from './output.js';
import type { FunctionPool, InvocationRequest } from './pool.js';
import { MAX_SYNC_PAYLOAD_BYTES } from './errors.js';

/** The result of a finished synchronous invocation. */
export interface FinishedInvocation {
  /** The handler's result, or the function error, as JSON text. */
  payload: Buffer;
  /** The function error when the handler failed (threw, timed out, crashed). */
  error?: FunctionErrorBody;
  /** The last 4 KB of the invocation's log, when asked for. */
  logTail?: Buffer;
}

/**
 * Runs one invocation through a function's pool and shapes its result as Lambda does:
 * the payload or `{errorType, errorMessage, trace}`, and a log framed by START, END and
 * REPORT lines.
 */
export async function runInvocation(pool: FunctionPool, request: InvocationRequest, wantLogTail: boolean): Promise<FinishedInvocation> {
  const log = new InvocationLog();
  log.append(`START RequestId: ${request.requestId} Version: ${LATEST}\n`);
  const startedAt = performance.now();
  const outcome = await pool.run(request, log);
  const durationMs = performance.now() - startedAt;
  let payload: Buffer;
  let error: FunctionErrorBody | undefined;
  if (outcome.ok) {
    payload = Buffer.from(outcome.payload);
    if (payload.length > MAX_SYNC_PAYLOAD_BYTES) {
      error = {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
      };
      payload = Buffer.from(JSON.stringify(error));
    }
  } else {
    error = outcome.error;
    payload = Buffer.from(JSON.stringify(outcome.error));
  }
  if (!wantLogTail) return error ? { payload, error } : { payload };
  log.endLine();
  if (error) log.append(`${new Date().toISOString()}\t${request.requestId}\tERROR\t${error.errorType}: ${error.errorMessage}\n`);
  const config = pool.currentConfig;
  log.append(`END RequestId: ${request.requestId}\n`);
  log.append(
    `REPORT RequestId: ${request.requestId}\tDuration: ${durationMs.toFixed(2)} ms\t` +
      `Billed Duration: ${Math.max(1, Math.ceil(durationMs))} ms\tMemory Size: ${config.memoryMb} MB\t\n`,
  );
  return error ? { payload, error, logTail: log.tail() } : { payload, logTail: log.tail() };
}
