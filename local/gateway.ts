import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildProxyEvent, ProxyResultV1 } from './gateway-event.js';
import { answerClientError, closeServer, listenOn } from './listen.js';

/** What invoking the backend returns: the function's payload, or that it failed. */
export interface GatewayInvokeResult {
  payload: Buffer;
  functionError?: string;
  /** Lambda throttled the invocation (its `Reason`): the function never ran. */
  throttled?: string;
}

export interface GatewayOptions {
  host: string;
  port: number;
  /** Invokes the backend function (RequestResponse) with a payload-1.0 event. */
  invoke: (event: Buffer) => Promise<GatewayInvokeResult>;
  /** API Gateway's limits: a 10 MB body and a 29 s integration timeout. */
  maxBodyBytes?: number;
  timeoutMs?: number;
  logError?: (message: string, error?: unknown) => void;
  /** Milliseconds added to each request before the function is invoked (a latency profile's API Gateway overhead; default none). */
  addedLatencyMs?: () => number;
}

export interface Gateway {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TIMEOUT_MS = 29_000;
const DRAIN_FACTOR = 4;
const DRAIN_IDLE_MS = 250;

/**
 * The methods an API Gateway route can name (`ANY` is these seven): a route key is a method
 * of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT or ANY, and a path
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html;
 * libaws deploys the API as an HTTP API with a `$default` route, lib/lambda.go). A request with
 * another method (TRACE) never reaches the function: it is answered here, 405 with `Allow`
 * (RFC 9110 §15.5.6), and never logged as an error. Methods Node's parser does not know
 * (TRACK) get 501 from `answerClientError`.
 */
const ROUTABLE_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

/**
 * Starts the local API gateway: each HTTP request becomes the payload-1.0 event AWS API
 * Gateway would send, the backend function is invoked with it, and its proxy result is
 * turned back into HTTP — so the page, the CLI and the SDK talk to it exactly as to AWS.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const logError = options.logError ?? ((message, error) => console.error(message, error ?? ''));

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      logError('gateway: request failed', error);
      if (!res.headersSent) sendGatewayError(res, 500, 'Internal server error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!ROUTABLE_METHODS.has(req.method ?? '')) {
      req.resume();
      res.setHeader('allow', [...ROUTABLE_METHODS].join(', '));
      sendGatewayError(res, 405, 'Method Not Allowed');
      return;
    }
    const body = await readLimitedBody(req, maxBodyBytes);
    if (body === null) {
      if (!req.complete) {
        res.setHeader('connection', 'close');
        res.once('finish', () => req.destroy());
      }
      sendGatewayError(res, 413, 'Request Too Long');
      return;
    }
    const addedMs = options.addedLatencyMs?.() ?? 0;
    if (addedMs > 0) await sleep(addedMs);
    const event = buildProxyEvent(req, body);
    const requestId = String(event.requestContext.requestId);
    const result = await withTimeout(options.invoke(Buffer.from(JSON.stringify(event))), timeoutMs);
    if (result === 'timeout') {
      sendGatewayError(res, 504, 'Endpoint request timed out', requestId);
      return;
    }
    if (result.throttled !== undefined) {
      // Lambda's 429 never reaches the client: API Gateway answers 500 "Internal Server Error"
      // (https://repost.aws/knowledge-center/api-gateway-internal-server-error, "Throttling issues").
      logError(`gateway: Lambda throttled the request (TooManyRequestsException, ${result.throttled}): no concurrency left for the API function`);
      sendGatewayError(res, 500, 'Internal Server Error', requestId);
      return;
    }
    if (result.functionError !== undefined) {
      logError(`gateway: the function failed (${result.functionError}): ${result.payload.toString('utf8').slice(0, 2000)}`);
      sendGatewayError(res, 502, 'Internal server error', requestId);
      return;
    }
    const parsed = ProxyResultV1.safeParse(parseJson(result.payload));
    if (!parsed.success) {
      logError(`gateway: malformed Lambda proxy response: ${result.payload.toString('utf8').slice(0, 500)}`);
      sendGatewayError(res, 502, 'Internal server error', requestId);
      return;
    }
    writeProxyResult(res, parsed.data, requestId);
  }

  const port = await listenOn(server, options.host, options.port, 'the API (--port)');
  return {
    server,
    port,
    url: `http://${options.host}:${port}`,
    close: () => closeServer(server),
  };
}

function writeProxyResult(res: ServerResponse, result: ProxyResultV1, requestId: string): void {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = [String(value)];
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String);
  }
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  headers['x-amzn-requestid'] = [requestId];
  headers['content-length'] = [String(body.length)];
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

function sendGatewayError(res: ServerResponse, status: number, message: string, requestId?: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...(errorTypeOf(status) === undefined ? {} : { 'x-amzn-errortype': errorTypeOf(status) }),
    ...(requestId ? { 'x-amzn-requestid': requestId } : {}),
  });
  res.end(body);
}

/** API Gateway's x-amzn-ErrorType of a status it answers itself (none for the 405, which it does not document). */
function errorTypeOf(status: number): string | undefined {
  if (status === 504) return 'IntegrationTimeout';
  if (status === 413) return 'RequestTooLarge';
  if (status === 405) return undefined;
  return 'InternalServerErrorException';
}

/**
 * Reads the whole body, or returns null once it passes `maxBytes`. An oversize body is
 * still read (and dropped) up to DRAIN_FACTOR times the limit, while it keeps coming,
 * before the 413 goes out: a client that is still sending when the answer comes often
 * sees only a reset connection instead of the 413. Past that, or once the client pauses
 * for DRAIN_IDLE_MS, the answer goes out and the connection is closed.
 */
function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  const drainLimit = maxBytes * DRAIN_FACTOR;
  if (Number(req.headers['content-length'] ?? 0) > drainLimit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    const finish = (body: Buffer | null) => {
      clearTimeout(idle);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(body);
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(null), DRAIN_IDLE_MS);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > drainLimit) finish(null);
      else armIdle();
    };
    const onEnd = () => finish(size > maxBytes ? null : Buffer.concat(chunks, size));
    const onError = (error: Error) => {
      clearTimeout(idle);
      reject(error);
    };
    req.on('data', onData).on('end', onEnd).on('error', onError);
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) armIdle();
  });
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
