import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AwsError, ServiceRequest } from '../service.js';
import { jsonTypeOf, NON_EXISTENT_QUEUE, sqsError } from './errors.js';
import { LOCAL_ACCOUNT_ID } from '../account.js';
import { isQueuePath } from './names.js';
import { paramsFromQuery } from './query-params.js';
import { renderQueryError, renderQueryResult } from './query-xml.js';

/** The two wire protocols SQS speaks: JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`, the current SDKs) and query (form posts, XML answers). */
export type Protocol = 'json' | 'query';

/** An SQS request as read off the wire: the operation and its parameters in the JSON protocol's shape. */
export interface SqsCall {
  protocol: Protocol;
  operation: string;
  params: Record<string, unknown>;
}

const TARGET_PREFIX = 'AmazonSQS.';
const JSON_TYPE = 'application/x-amz-json-1.0';

/**
 * Whether an unsigned request looks like an SQS one (to answer in SQS's format): the JSON
 * target, or a POST to a queue URL of the local account (a GET or OPTIONS there may be S3's, for
 * a bucket named like an account id).
 */
export function looksLikeSqs(method: string | undefined, headers: IncomingHttpHeaders, path: string): boolean {
  const target = headers['x-amz-target'];
  return (typeof target === 'string' && target.startsWith(TARGET_PREFIX)) || (method === 'POST' && path.startsWith(`/${LOCAL_ACCOUNT_ID}/`) && isQueuePath(path));
}

/** The protocol a request speaks, from its headers (errors are answered in it too). */
export function protocolOf(headers: IncomingHttpHeaders): Protocol {
  return typeof headers['x-amz-target'] === 'string' ? 'json' : 'query';
}

/**
 * Reads the operation and parameters of a request in either protocol. A request sent to a
 * queue URL without a QueueUrl parameter (as older query clients do) addresses that queue.
 */
export function readCall(request: ServiceRequest): SqsCall {
  const protocol = protocolOf(request.headers);
  const call = protocol === 'json' ? readJsonCall(request) : readQueryCall(request);
  if (call.params.QueueUrl === undefined && isQueuePath(request.rawPath)) call.params.QueueUrl = request.rawPath;
  return call;
}

function readJsonCall(request: ServiceRequest): SqsCall {
  const target = String(request.headers['x-amz-target']);
  if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX) || target.length === TARGET_PREFIX.length) {
    throw sqsError('InvalidAction', `Expected a POST with X-Amz-Target ${TARGET_PREFIX}<Operation>, got ${request.method} with \`${target}\``);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body?.toString('utf8') || '{}');
  } catch (error) {
    throw sqsError('SerializationException', `Expected a JSON request body: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw sqsError('SerializationException', 'Expected a JSON object as the request body');
  }
  return { protocol: 'json', operation: target.slice(TARGET_PREFIX.length), params: parsed as Record<string, unknown> };
}

function readQueryCall(request: ServiceRequest): SqsCall {
  const form = new Map<string, string>(new URLSearchParams(request.rawQuery));
  const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
  if (request.method === 'POST' && request.body && request.body.length > 0) {
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw sqsError('InvalidAction', `Expected a form-encoded (application/x-www-form-urlencoded) or JSON body, got \`${contentType || 'no content-type'}\``);
    }
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) form.set(name, value);
  }
  const action = form.get('Action');
  if (action === undefined || action === '') throw sqsError('MissingAction', 'The request must contain the parameter Action.');
  return { protocol: 'query', operation: action, params: paramsFromQuery(form) };
}

/** Sends an operation's result in the request's protocol. */
export function sendResult(res: ServerResponse, call: SqsCall, result: Record<string, unknown>): void {
  const requestId = randomUUID();
  if (call.protocol === 'json') send(res, 200, JSON_TYPE, JSON.stringify(result), requestId);
  else send(res, 200, 'text/xml', renderQueryResult(call.operation, result, requestId), requestId);
}

/**
 * Sends an error in the request's protocol. JSON: `{"__type": "com.amazonaws.sqs#QueueDoesNotExist",
 * "message": …}` with `x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender`, which the
 * SDKs read the query error code from (sqs-json-api-responses.html). Query: the ErrorResponse document.
 */
export function sendSqsError(headers: IncomingHttpHeaders, res: ServerResponse, error: AwsError): void {
  const requestId = randomUUID();
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  const code = error.status >= 500 ? 'InternalFailure' : error.code;
  if (protocolOf(headers) === 'json') {
    res.setHeader('x-amzn-query-error', `${code};${type}`);
    send(res, error.status, JSON_TYPE, JSON.stringify({ __type: jsonTypeOf(code), message: error.message }), requestId);
    return;
  }
  // The query protocol words a missing queue as the SOAP-era API did (recorded against AWS:
  // localstack test_sqs.snapshot.json, "The specified queue does not exist for this wsdl version.").
  const message = code === NON_EXISTENT_QUEUE ? 'The specified queue does not exist for this wsdl version.' : error.message;
  send(res, error.status, 'text/xml', renderQueryError(type, code, message, requestId), requestId);
}

function send(res: ServerResponse, status: number, contentType: string, text: string, requestId: string): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('x-amzn-requestid', requestId);
  res.end(text);
}
