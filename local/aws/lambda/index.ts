// STUB: replaced by the Lambda implementation.
import type { LocalService } from '../service.js';
import { AwsError } from '../service.js';
import type { AuthError, Credentials } from '../sigv4.js';

export interface LambdaServiceOptions {
  region: string;
  /** The key pair handed to execution environments as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. */
  credentials: Credentials;
  /** The endpoint's URL, handed to execution environments as AWS_ENDPOINT_URL (known once it listens). */
  endpointUrl: () => string;
  logError?: (message: string, error: unknown) => void;
}

/** A function registered by the local runtime. */
export interface FunctionConfig {
  name: string;
  /** Absolute path of the JavaScript module (ESM or CommonJS) that exports the handler. */
  module: string;
  /** Name of the exported handler function (default `handler`). */
  handlerExport?: string;
  /** Extra environment variables for the execution environment. */
  env?: Record<string, string>;
  /** Function timeout in seconds (default 3, at most 900). */
  timeoutSeconds?: number;
  /** Memory size in MB, reported to the handler (default 128). */
  memoryMb?: number;
  /** Most execution environments running at once; invocations beyond it queue (default 10). */
  concurrency?: number;
  /** How many times a failed asynchronous (Event) invocation is retried, 0 to 2 (default 2). */
  maxRetryAttempts?: number;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeResult {
  /** 200 for RequestResponse, 202 for Event, 204 for DryRun. */
  statusCode: number;
  payload: Buffer;
  /** Set when the handler threw or the environment failed ('Unhandled'). */
  functionError?: 'Unhandled';
}

export interface LambdaService extends LocalService {
  registerFunction(config: FunctionConfig): void;
  invoke(name: string, payload: Buffer, type: InvocationType): Promise<InvokeResult>;
}

/** Creates the Lambda service: registered functions run in warm worker processes. */
export function createLambdaService(_options: LambdaServiceOptions): LambdaService {
  return {
    name: 'lambda',
    bufferBody: true,
    maxBodyBytes: 6 * 1024 * 1024,
    claimsUnsigned: (req) => (req.url ?? '').startsWith('/2015-03-31/'),
    allowsAnonymous: () => false,
    authError: (error: AuthError) => new AwsError(403, 'InvalidSignatureException', error.message),
    async handle() {
      throw new AwsError(501, 'NotImplemented', 'Lambda is not implemented yet');
    },
    sendError(_req, res, error) {
      res.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code });
      res.end(JSON.stringify({ Type: 'User', message: error.message }));
    },
    registerFunction() {},
    async invoke() {
      throw new AwsError(501, 'NotImplemented', 'Lambda is not implemented yet');
    },
    async close() {},
  };
}
