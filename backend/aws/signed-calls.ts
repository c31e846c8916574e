import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, ChecksumConstructor, HashConstructor, Provider } from '@smithy/types';

/*
 * The few AWS calls every job makes (its record's put, claim and end, the async invoke),
 * sent as signed HTTP requests over keep-alive node:http. Through the SDK each call runs
 * the client's whole middleware stack: about 2 ms of CPU here, against about 0.5 ms for
 * the same request signed with the SDK's own SigV4 signer. The SDK is still what knows
 * where a service lives: one request per client is run through its stack up to the point
 * where it would be signed, and its endpoint and headers are reused; retries (throttling,
 * 5xx, dropped connections) are kept small here: up to eight attempts with full-jitter
 * exponential backoff (ceilings 50 ms doubling to 2 s, about 5 s in all). Eight, not the SDK's
 * three: a job's claim that fails is retried by Lambda only a minute later (the async retry),
 * and under 50 % DynamoDB throttling (three failures in a row: one call in eight) each of two
 * runs of 20 jobs had a job that started a minute late (test/chaos/faults.test.ts with
 * DDB_RATE=0.5; eight failures in a row: one call in 256); AWS's own DynamoDB guidance is to retry
 * throttling with backoff until it passes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff).
 */

/** What the SDK client contributes: its stack (to learn the endpoint) and its resolved config. */
export interface SdkClientLike {
  config: {
    region: Provider<string> | string | (() => Promise<string>);
    credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
    sha256: ChecksumConstructor | HashConstructor;
  };
  middlewareStack: { clone(): unknown };
}

/** An SDK command, only to be serialized once (never sent). */
export interface SdkCommandLike {
  input: unknown;
  resolveMiddleware(stack: never, config: never, options: never): (args: never) => Promise<unknown>;
}

/** The answer of a signed call. */
export interface SignedAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

/** A service error answered by AWS, named as the SDK names it (e.g. ConditionalCheckFailedException). */
export class AwsCallError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = name;
  }
}

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };
const ATTEMPTS = 8;
const FIRST_DELAY_CEILING_MS = 50;
const MAX_DELAY_CEILING_MS = 2_000;
const TIMEOUT_MS = 30_000;
const RETRYABLE_NAMES = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException']);

/** Sends requests shaped like one the SDK serialized, with a new path, headers and body each time. */
export interface SignedSender {
  send(change: { path?: string; headers: Record<string, string>; body: string }): Promise<SignedAnswer>;
}

/**
 * Learns the endpoint (and base headers) of `client` by serializing `probe` through a copy
 * of its middleware stack, then signs each call with `service`'s SigV4 signing name.
 */
export function createSignedSender(client: SdkClientLike, probe: SdkCommandLike, service: string): SignedSender {
  let ready: Promise<{ template: HttpRequest; signer: SignatureV4 }> | undefined;
  const prepare = async () => {
    const template = await captureRequest(client, probe);
    const region = typeof client.config.region === 'string' ? client.config.region : await client.config.region();
    const signer = new SignatureV4({ service, region, credentials: client.config.credentials, sha256: client.config.sha256 });
    return { template, signer };
  };
  return {
    async send(change) {
      ready ??= prepare().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      const { template, signer } = await ready;
      for (let attempt = 1; ; attempt++) {
        const request = new HttpRequest({
          method: template.method,
          protocol: template.protocol,
          hostname: template.hostname,
          ...(template.port === undefined ? {} : { port: template.port }),
          path: change.path ?? template.path,
          headers: { ...template.headers, ...change.headers, 'content-length': String(Buffer.byteLength(change.body)) },
          body: change.body,
        });
        try {
          const answer = await sendOnce((await signer.sign(request)) as HttpRequest);
          if (!isWorthRetrying(answer) || attempt >= ATTEMPTS) return answer;
        } catch (error) {
          if (attempt >= ATTEMPTS) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
      }
    },
  };
}

/** The pause after failed attempt number `attempt` (1-based): full jitter under a doubling, capped ceiling. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(MAX_DELAY_CEILING_MS, FIRST_DELAY_CEILING_MS * 2 ** (attempt - 1));
}

/** Throws the service error an answer carries (JSON `__type`/`Type` and message), naming it as the SDK would. */
export function throwIfFailed(answer: SignedAnswer, what: string): void {
  if (answer.status >= 200 && answer.status < 300) return;
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    // not JSON: described below
  }
  const header = answer.headers['x-amzn-errortype'];
  // DynamoDB names the error in `__type`; Lambda in the x-amzn-ErrorType header (its body's `Type` is only "User" or "Service").
  const type = String(body.__type ?? (Array.isArray(header) ? header[0] : header) ?? body.code ?? `HTTP${answer.status}`);
  const name = type.split('#').pop()?.split(':')[0] ?? type;
  const message = String(body.message ?? body.Message ?? answer.text.slice(0, 300));
  throw new AwsCallError(name, `${what} failed: ${name}: ${message}`, answer.status);
}

/** A 5xx, or throttling: sent again after a short pause, as the SDK would. */
function isWorthRetrying(answer: SignedAnswer): boolean {
  if (answer.status >= 500) return true;
  if (answer.status !== 400 && answer.status !== 429) return false;
  try {
    throwIfFailed(answer, 'call');
  } catch (error) {
    return error instanceof AwsCallError && RETRYABLE_NAMES.has(error.name);
  }
  return false;
}

/** Runs the probe command through a copy of the client's stack and keeps the request it would sign. */
async function captureRequest(client: SdkClientLike, probe: SdkCommandLike): Promise<HttpRequest> {
  let captured: HttpRequest | undefined;
  const stack = client.middlewareStack.clone() as {
    add(middleware: unknown, options: { step: string; priority: string; name: string }): void;
  };
  stack.add(
    () => async (args: { request: unknown }) => {
      captured = args.request as HttpRequest;
      return { output: { $metadata: {} }, response: {} };
    },
    { step: 'build', priority: 'low', name: 'awsExecCaptureRequest' },
  );
  const handler = probe.resolveMiddleware(stack as never, client.config as never, {} as never) as (args: { input: unknown }) => Promise<unknown>;
  await handler({ input: probe.input });
  if (!captured || !HttpRequest.isInstance(captured)) throw new Error('Expected the SDK to serialize the probe request');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(captured.headers)) {
    // The SDK's per-call headers (invocation id, retry info, user agent) are not ours to repeat.
    if (!/^(amz-sdk-|x-amz-user-agent$|user-agent$|content-length$)/i.test(name)) headers[name] = value;
  }
  return new HttpRequest({ ...captured, headers, body: undefined });
}

function sendOnce(request: HttpRequest): Promise<SignedAnswer> {
  const secure = request.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      {
        method: request.method,
        hostname: request.hostname,
        ...(request.port === undefined ? {} : { port: request.port }),
        path: request.path,
        headers: request.headers,
        agent: secure ? agents.https : agents.http,
        timeout: TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`No answer from ${request.hostname} within ${TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body as string);
  });
}
