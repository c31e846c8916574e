import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { AwsError } from '../service.js';
import { typeOfError } from './errors.js';

/** The only API version DynamoDB speaks today, as it appears in X-Amz-Target. */
export const TARGET_PREFIX = 'DynamoDB_20120810.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** A DynamoDB request as read off the wire: the operation and its JSON body. */
export interface DynamoDbCall {
  operation: string;
  body: Record<string, unknown>;
}

/** Whether an unsigned request carries DynamoDB's X-Amz-Target header (to answer in DynamoDB's format). */
export function hasDynamoDbTarget(headers: IncomingHttpHeaders): boolean {
  const target = headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith('DynamoDB_');
}

/** The operation an X-Amz-Target header names (`DynamoDB_20120810.PutItem` → PutItem), or `Unknown`. */
export function operationOfTarget(target: string | string[] | undefined): string {
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX) && target.length > TARGET_PREFIX.length
    ? target.slice(TARGET_PREFIX.length)
    : 'Unknown';
}

/**
 * Reads the operation from X-Amz-Target and the JSON body, refusing what DynamoDB's
 * request layer refuses: a non-POST or non-JSON request, an unknown target
 * (UnknownOperationException), and a body that is not a JSON object (SerializationException).
 */
export function readCall(method: string, headers: IncomingHttpHeaders, body: Buffer | undefined): DynamoDbCall {
  const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (method !== 'POST' || (contentType !== CONTENT_TYPE && contentType !== 'application/json')) {
    throw new AwsError(
      404,
      'UnknownOperationException',
      `Expected a POST with content-type ${CONTENT_TYPE}, got ${method} with \`${contentType || 'no content-type'}\``,
    );
  }
  const target = headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX) || target.length === TARGET_PREFIX.length) {
    throw new AwsError(
      400,
      'UnknownOperationException',
      `Expected an X-Amz-Target header of the form ${TARGET_PREFIX}<Operation>, got \`${String(target ?? '')}\``,
    );
  }
  const operation = target.slice(TARGET_PREFIX.length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body?.toString('utf8') ?? '');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AwsError(400, 'SerializationException', `Expected a JSON request body: ${reason}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new AwsError(400, 'SerializationException', `Expected a JSON object as the request body, got ${got}`);
  }
  return { operation, body: parsed as Record<string, unknown> };
}

/** Sends a JSON 1.0 response (DynamoDB's headers: request id, CRC32 of the body). */
export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.statusCode = status;
  res.setHeader('content-type', CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.setHeader('x-amzn-requestid', newRequestId());
  res.setHeader('x-amz-crc32', String(crc32(text)));
  res.end(text);
}

/**
 * Sends an error as DynamoDB does: `{"__type": "<namespace>#<Code>", "message": "..."}`; an
 * AccessDeniedException's text comes as `Message`, as DynamoDB sends it
 * (`{"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: … is not authorized …"}`).
 */
export function sendDynamoDbError(res: ServerResponse, error: AwsError): void {
  const key = error.code === 'AccessDeniedException' ? 'Message' : 'message';
  sendJson(res, error.status, { __type: typeOfError(error.code), [key]: error.message });
}

// DynamoDB's request ids are 52 characters of [A-Z0-9]. Here: 40 random characters drawn once
// per process, then a 12-character base-36 counter. Unique per process (and across restarts,
// by the prefix) without drawing entropy on every request.
const REQUEST_ID_PREFIX = `${randomUUID()}${randomUUID()}`.replace(/-/g, '').slice(0, 40).toUpperCase();
let requestCounter = 0;

function newRequestId(): string {
  requestCounter++;
  return `${REQUEST_ID_PREFIX}${requestCounter.toString(36).toUpperCase().padStart(12, '0')}`;
}
