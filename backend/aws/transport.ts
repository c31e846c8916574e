import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { retryAwsCall } from './retry.js';

/*
 * The backend's one transport: keep-alive agents shared by the SDK clients (their
 * NodeHttpHandler, given through the clients' public `requestHandler` option) and the PUTs to
 * presigned URLs. A running job rewrites its log object many times: through the SDK each upload
 * runs the whole middleware stack and hashes the body for its signature (measured by
 * bench/aws-calls.ts: about 1.9 ms of CPU for a 1 KiB PutObject), while a PUT to a URL
 * presigned once per job costs about 0.4 ms. node:http rather than fetch: fetch costs about
 * three times the CPU per request.
 */

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};
/** No answer (or no progress of one) for this long fails an SDK request, and it is retried. */
const REQUEST_TIMEOUT_MS = 30_000;
/** How much of an error answer is kept for the message. */
const ERROR_BODY_CHARS = 300;

/** The SDK clients' `requestHandler` option: NodeHttpHandler settings over the shared agents. */
export function sdkRequestHandler(): { httpAgent: HttpAgent; httpsAgent: HttpsAgent; requestTimeout: number } {
  return { httpAgent: agents.http, httpsAgent: agents.https, requestTimeout: REQUEST_TIMEOUT_MS };
}

/**
 * Puts `body` to a presigned PUT URL with these headers, retried as every AWS call is
 * (retry.ts). A refusal is thrown as the SDK would throw it: an S3ServiceException named by
 * S3's error code, with `$metadata.httpStatusCode`.
 */
export function putToPresignedUrl(url: string, body: Uint8Array | string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  return retryAwsCall(() => putOnce(url, body, headers, timeoutMs));
}

function putOnce(url: string, body: Uint8Array | string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      { method: 'PUT', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': String(length) }, timeout: timeoutMs },
      (response) => {
        void readAnswer(response).then((text) => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(describeRefusal(target, status, text, response.headers['x-amz-request-id']));
        }, reject);
      },
    );
    request.on('timeout', () => {
      const error = new Error(`A presigned PUT of ${target.pathname} got no answer within ${timeoutMs} ms`) as NodeJS.ErrnoException;
      error.code = 'ETIMEDOUT';
      request.destroy(error);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** S3's error answer (XML `<Code>` and `<Message>`) as the SDK's exception class. */
function describeRefusal(target: URL, status: number, text: string, requestId: string | string[] | undefined): S3ServiceException {
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP${status}`;
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.slice(0, ERROR_BODY_CHARS);
  return new S3ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, ...(typeof requestId === 'string' ? { requestId } : {}) },
    message: `Expected 2xx from a presigned PUT of ${target.pathname}, got ${status} ${code}: ${message}`,
  });
}

/** Reads an answer's body as text (error answers are small; a success's body is empty). */
function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}
