import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/*
 * Plain HTTP PUTs to presigned URLs, over keep-alive connections. A running job rewrites
 * its log object many times: through the SDK each upload runs the whole middleware stack
 * and hashes the body for its signature (measured here: 1.8 ms of CPU for a 5-byte PUT,
 * 14 ms for 8 MiB), while a PUT to a URL presigned once per job costs 0.4 ms and 2 ms.
 * node:http rather than fetch: fetch costs about three times the CPU per request.
 */

const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

/** How much of an error answer is kept for the message. */
const ERROR_BODY_CHARS = 300;

/**
 * Puts `body` to a presigned PUT URL with these headers; resolves on 2xx, rejects saying
 * what came otherwise. A connection that fails before any answer (a kept-alive socket the
 * server had just closed) is retried once at once: a PUT replaces the object whole.
 */
export async function putToPresignedUrl(url: string, body: Uint8Array | string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  try {
    await putOnce(url, body, headers, timeoutMs);
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    await putOnce(url, body, headers, timeoutMs);
  }
}

/** The request failed before an answer came. */
class ConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionError';
  }
}

function putOnce(url: string, body: Uint8Array | string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  return new Promise((resolve, reject) => {
    const request = send(target, { method: 'PUT', agent, headers: { ...headers, 'content-length': String(length) }, timeout: timeoutMs }, (response) => {
      void readAnswer(response).then((text) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`Expected 2xx from a presigned PUT of ${target.pathname}, got ${status}: ${text.slice(0, ERROR_BODY_CHARS)}`));
      }, reject);
    });
    request.on('timeout', () => request.destroy(new Error(`A presigned PUT of ${target.pathname} got no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      const beforeAnswer = code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNREFUSED';
      reject(beforeAnswer ? new ConnectionError(`A presigned PUT of ${target.pathname} failed: ${error.message}`, { cause: error }) : error);
    });
    request.end(body);
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
