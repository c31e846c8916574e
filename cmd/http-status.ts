import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Reach } from './define.js';

/** The status line of the final answer to a GET. */
export interface HttpStatus {
  status: number;
  statusText: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** As fetch: at most 20 redirects (https://fetch.spec.whatwg.org/#http-redirect-fetch). */
const MAX_REDIRECTS = 20;

/**
 * GETs a URL, following redirects as fetch does, and answers the final status; the body is
 * discarded. Every connection, redirects included, goes through the caller's reach: the
 * host is checked as an address literal or resolved by `reach.lookup`, so a confined caller
 * connects only where it may, whatever the names resolve to by then.
 */
export async function getStatus(url: string, options: { reach: Reach; signal: AbortSignal }): Promise<HttpStatus> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const answer = await getOnce(current, options);
    const location = answer.headers.location;
    answer.resume();
    if (!REDIRECTS.has(answer.statusCode ?? 0) || location === undefined) {
      return { status: answer.statusCode ?? 0, statusText: answer.statusMessage ?? '' };
    }
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    current = new URL(location, current);
    if (current.protocol !== 'http:' && current.protocol !== 'https:') throw new Error(`a redirect to ${current.protocol} URL`);
  }
}

function getOnce(url: URL, options: { reach: Reach; signal: AbortSignal }): Promise<IncomingMessage> {
  options.reach.checkHost(url.hostname);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'GET', lookup: options.reach.lookup, signal: options.signal, headers: { 'user-agent': 'aws-exec http-check' } });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}
