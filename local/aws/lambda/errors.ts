import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { AwsError } from '../service.js';
import { describeDenial, type Denial } from '../iam/principal.js';
import type { AuthError } from '../sigv4.js';
import { ThrottledError } from './concurrency.js';

/** Largest synchronous (RequestResponse) invocation payload, as on AWS. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Largest asynchronous (Event) invocation payload, as on AWS. */
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** 404 ResourceNotFoundException for a function (or qualifier) that does not exist. */
export function functionNotFound(arn: string): AwsError {
  return new AwsError(404, 'ResourceNotFoundException', `Function not found: ${arn}`);
}

/** 400 ValidationException, for a parameter that breaks Lambda's constraints. */
export function validationError(message: string): AwsError {
  return new AwsError(400, 'ValidationException', message);
}

/** 400 InvalidParameterValueException. */
export function invalidParameter(message: string): AwsError {
  return new AwsError(400, 'InvalidParameterValueException', message);
}

/** 400 InvalidRequestContentException, for a payload that is not JSON. */
export function invalidRequestContent(message: string, cause?: unknown): AwsError {
  return new AwsError(400, 'InvalidRequestContentException', message, { cause });
}

/** 413 RequestTooLargeException, with Lambda's wording. */
export function requestTooLarge(limit: number, operation: string): AwsError {
  return new AwsError(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${operation} operation`);
}

/** Turns a failed SigV4 check into the error Lambda sends for it. */
export function renderAuthError(error: AuthError): AwsError {
  switch (error.kind) {
    case 'missing':
      return new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    case 'unknown-key':
      return new AwsError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'malformed':
    case 'unsupported-algorithm':
      return new AwsError(403, 'IncompleteSignatureException', error.message);
    case 'skewed':
    case 'expired':
    case 'not-yet-valid':
      return new AwsError(403, 'InvalidSignatureException', `Signature expired: ${error.message}`);
    case 'mismatch':
      return new AwsError(403, 'InvalidSignatureException', error.message);
    // https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html: ExpiredTokenException, 403.
    case 'invalid-token':
      return new AwsError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'expired-token':
      return new AwsError(403, 'ExpiredTokenException', 'The security token included in the request is expired');
  }
}

/** 403 AccessDeniedException with the message Lambda sends for a denial by an identity-based policy. */
export function accessDenied(denial: Denial): AwsError {
  return new AwsError(403, 'AccessDeniedException', describeDenial(denial, { quoteResource: false, showResource: true }));
}

// Errors the shared server raises before Lambda sees the request, renamed to Lambda's codes.
function translateSharedError(error: AwsError): AwsError {
  if (error.code === 'RequestEntityTooLarge') return requestTooLarge(MAX_SYNC_PAYLOAD_BYTES, 'InvokeFunction');
  if (error.status >= 500) return new AwsError(500, 'ServiceException', 'An internal error occurred. Please try again.');
  return error;
}

// Authentication errors come from the front door and carry only `message`; service errors say who is at fault.
const FRONT_DOOR_CODES = new Set([
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
]);

function errorBodyOf(error: AwsError): Record<string, string> {
  if (FRONT_DOOR_CODES.has(error.code)) return { message: error.message };
  // As Lambda sends it: `{"Message":"User: … is not authorized to perform: lambda:InvokeFunction on resource: …"}`.
  if (error.code === 'AccessDeniedException') return { Message: error.message };
  if (error.code === 'ResourceNotFoundException') return { Message: error.message, Type: 'User' };
  return { Type: error.status >= 500 ? 'Service' : 'User', message: error.message };
}

/** Writes an error as Lambda does: JSON body, `x-amzn-ErrorType` and `x-amzn-RequestId` headers. */
export function sendLambdaError(res: ServerResponse, error: AwsError): void {
  const shown = translateSharedError(error);
  const body = shown instanceof ThrottledError ? { Reason: shown.reason, Type: 'User', message: shown.message } : errorBodyOf(shown);
  const text = JSON.stringify(body);
  res.writeHead(shown.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-ErrorType': shown.code,
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

