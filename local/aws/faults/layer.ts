import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalService, ServiceRequest } from '../service.js';
import { runWithDiskFull } from './disk.js';
import { diskFullErrorOf, serverErrorOf, throttlingErrorOf } from './errors.js';
import type { FaultInjector } from './injector.js';
import { DYNAMODB_WRITES } from './operations.js';

/**
 * Serves a verified request through the fault layer: waits the added latency, then either
 * resets the connection, answers with the service's 5xx or throttling error, or lets the
 * service serve it (with the disk full, or with its answer replaced by a reset).
 * `handle` is the service's own handling of the request.
 */
export async function serveWithFaults(
  injector: FaultInjector,
  service: LocalService,
  request: ServiceRequest,
  res: ServerResponse,
  handle: () => Promise<void>,
): Promise<void> {
  const operation = service.operationOf(request);
  const decision = injector.decide(service.name, operation);
  if (decision === undefined) return handle();
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  switch (decision.kind) {
    case 'resetBefore':
      resetConnection(request);
      return;
    case 'throttle':
    case 'error':
      answerWith(service, request, res, decision.kind === 'error' ? serverErrorOf(service.name) : throttlingErrorOf(service.name, operation));
      return;
    case 'resetAfter':
      await serveThenReset(request, res, withDisk());
      return;
    case undefined:
      return withDisk()();
  }

  function withDisk(): () => Promise<void> {
    if (!decision?.diskFull) return handle;
    if (service.name === 's3') return () => runWithDiskFull(() => injector.countDiskFull('s3', operation), handle);
    if (service.name === 'dynamodb' && DYNAMODB_WRITES.has(operation)) {
      return async () => {
        injector.countDiskFull('dynamodb', operation);
        answerWith(service, request, res, diskFullErrorOf());
      };
    }
    return handle;
  }
}

/** Resets the connection (RST, not FIN): the client sees ECONNRESET and no answer. */
function resetConnection(request: ServiceRequest): void {
  request.incoming.socket.resetAndDestroy();
}

/**
 * Answers with a service error without reading the body: the rest of it is read and dropped
 * after the answer (Node's server does that for a finished response), so the connection
 * stays usable and the client sees the error, not a reset.
 */
function answerWith(service: LocalService, request: ServiceRequest, res: ServerResponse, error: Parameters<LocalService['sendError']>[2]): void {
  request.incoming.resume();
  service.sendError(request, res, error);
}

/**
 * Lets the service serve the request in full (a write is committed), but resets the
 * connection at the moment the answer would start, so the client never learns the outcome.
 * Every answer goes through writeHead (Node's implicit headers call it too).
 */
async function serveThenReset(request: ServiceRequest, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
  res.writeHead = function writeHeadThenReset(this: ServerResponse) {
    resetConnection(request);
    return this;
  } as ServerResponse['writeHead'];
  try {
    await handle();
  } catch {
    // The answer is dropped either way; an error after the reset is the reset's own doing.
  }
  if (!request.incoming.socket.destroyed) resetConnection(request);
}
