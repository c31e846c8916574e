import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AwsError, ServiceRequest } from '../service.js';
import { snsError } from './errors.js';
import { paramsFromForm } from './query-params.js';
import { renderQueryError, renderQueryResult } from './query-xml.js';

/** An SNS request as read off the wire: the operation and its structured parameters. */
export interface SnsCall {
  operation: string;
  params: Record<string, unknown>;
}

/** Where the signing certificate is served: `/SimpleNotificationService-<hash>.pem`, as SNS names its SigningCertURL. */
export const CERTIFICATE_PATH = /^\/SimpleNotificationService-[0-9a-f]{32}\.pem$/;

/** The unsigned requests SNS serves: the signing certificate, and a GET of a SubscribeURL or an UnsubscribeURL. */
export type AnonymousRoute = 'certificate' | 'ConfirmSubscription' | 'Unsubscribe';

/**
 * Which anonymous route an unsigned request takes, if any: a GET of the certificate path, or a GET
 * of `/?Action=ConfirmSubscription&…` / `/?Action=Unsubscribe&…` (the URLs SNS sends to
 * endpoints, followed by any HTTP client: API_ConfirmSubscription "requires an AWS signature only
 * when the AuthenticateOnUnsubscribe flag is set"). Cheap: it reads the URL only.
 */
export function anonymousRouteOf(method: string | undefined, url: string): AnonymousRoute | undefined {
  if (method !== 'GET') return undefined;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (CERTIFICATE_PATH.test(path)) return 'certificate';
  if (path !== '/' || q === -1) return undefined;
  const action = new URLSearchParams(url.slice(q + 1)).get('Action');
  return action === 'ConfirmSubscription' || action === 'Unsubscribe' ? action : undefined;
}

/** Reads the operation and parameters of a query-protocol request (query string and form body). */
export function readCall(request: ServiceRequest): SnsCall {
  const form = new Map<string, string>(new URLSearchParams(request.rawQuery));
  if (request.method === 'POST' && request.body && request.body.length > 0) {
    const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw snsError('InvalidAction', `Expected a form-encoded (application/x-www-form-urlencoded) body, got \`${contentType || 'no content-type'}\``);
    }
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) form.set(name, value);
  }
  const action = form.get('Action');
  if (action === undefined || action === '') throw snsError('MissingAction', 'The request must contain the parameter Action.');
  return { operation: action, params: paramsFromForm(form) };
}

/** Sends an operation's result as the query protocol's XML. */
export function sendResult(res: ServerResponse, operation: string, result: Record<string, unknown>): void {
  const requestId = randomUUID();
  send(res, 200, 'text/xml', renderQueryResult(operation, result, requestId), requestId);
}

/** Sends an error as the query protocol's ErrorResponse (Receiver for 5xx, Sender otherwise). */
export function sendSnsError(res: ServerResponse, error: AwsError): void {
  const requestId = randomUUID();
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  send(res, error.status, 'text/xml', renderQueryError(type, error.code, error.message, requestId), requestId);
}

/** Sends the signing certificate (PEM). */
export function sendCertificate(res: ServerResponse, pem: string): void {
  send(res, 200, 'application/x-x509-ca-cert', pem, randomUUID());
}

function send(res: ServerResponse, status: number, contentType: string, text: string, requestId: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('x-amzn-requestid', requestId);
  res.end(text);
}
