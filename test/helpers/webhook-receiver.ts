import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived, epoch ms. */
  at: number;
  /** The status it was answered with. */
  status: number;
}

/** A webhook receiver on 127.0.0.1: each path answers with its script of statuses (the last repeats). */
export interface Receiver {
  url: string;
  received: Received[];
  /** Sets the statuses a path answers with, in order (e.g. [500, 500, 200]). */
  script(path: string, statuses: number[]): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free port of 127.0.0.1; unscripted paths answer 200. */
export async function startReceiver(): Promise<Receiver> {
  const scripts = new Map<string, number[]>();
  const counts = new Map<string, number>();
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const index = counts.get(path) ?? 0;
      counts.set(path, index + 1);
      const script = scripts.get(path) ?? [200];
      const status = script[Math.min(index, script.length - 1)] ?? 200;
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script: (path, statuses) => scripts.set(path, statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Whether a request carries a valid Standard Webhooks signature, checked with the
 * specification's own algorithm, written out here rather than taken from a package
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#verifying-webhook-authenticity):
 * the key is the base64 after `whsec_`; the signed content is `${id}.${timestamp}.${body}`;
 * the signature is base64 HMAC-SHA256, sent as `v1,<sig>` (several separated by spaces).
 */
export function verifyStandardSignature(secret: string, request: Pick<Received, 'headers' | 'body'>): boolean {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures || !secret.startsWith('whsec_')) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || signature === undefined) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
