import type { ServerResponse } from 'node:http';
import { FaultConfigError, NO_FAULTS, parseFaultConfigText } from './config.js';
import type { FaultInjector } from './injector.js';

/**
 * The admin route of the fault layer, on the endpoint's own port: GET shows the configuration
 * and the counts, PUT replaces the configuration (JSON body), DELETE turns every fault off.
 * Only the account root's key pair may call it (the server checks the SigV4 signature and
 * refuses role sessions): a job's role must not be able to switch faults off, or on.
 * Its path cannot be an S3 path-style address (bucket names never start with `_`).
 */
export const FAULTS_PATH = '/_aws-exec/faults';

/** Largest configuration accepted, in bytes. */
export const MAX_FAULTS_BODY_BYTES = 256 * 1024;

/** Serves one authenticated request to the admin route. */
export function serveFaultAdmin(injector: FaultInjector, method: string, body: Buffer, res: ServerResponse): void {
  switch (method) {
    case 'GET':
      break;
    case 'PUT':
      try {
        injector.set(parseFaultConfigText(body.toString('utf8'), 'the body of PUT /_aws-exec/faults'));
      } catch (error) {
        if (!(error instanceof FaultConfigError)) throw error;
        sendAdminJson(res, 400, { message: error.message });
        return;
      }
      break;
    case 'DELETE':
      injector.set(NO_FAULTS);
      break;
    default:
      res.setHeader('allow', 'GET, PUT, DELETE');
      sendAdminJson(res, 405, { message: `Expected GET, PUT or DELETE on ${FAULTS_PATH}, got ${method}` });
      return;
  }
  sendAdminJson(res, 200, { config: injector.get(), stats: injector.stats() });
}

/** Sends a JSON answer of the admin route. */
export function sendAdminJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
