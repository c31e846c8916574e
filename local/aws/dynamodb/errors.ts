import { AwsError } from '../service.js';
import { describeDenial, type Denial } from '../iam/principal.js';
import type { AuthError } from '../sigv4.js';

const SERVICE_NAMESPACE = 'com.amazon.coral.service';
const VALIDATE_NAMESPACE = 'com.amazon.coral.validate';
const DYNAMODB_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

/** Error codes DynamoDB reports from its request layer rather than from DynamoDB itself. */
const SERVICE_CODES = new Set([
  'SerializationException',
  'UnknownOperationException',
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'RequestEntityTooLarge',
]);

/** The `__type` DynamoDB sends for an error code, e.g. `com.amazon.coral.validate#ValidationException`. */
export function typeOfError(code: string): string {
  if (code === 'ValidationException') return `${VALIDATE_NAMESPACE}#${code}`;
  if (SERVICE_CODES.has(code)) return `${SERVICE_NAMESPACE}#${code}`;
  return `${DYNAMODB_NAMESPACE}#${code}`;
}

/** A ValidationException with DynamoDB's status. */
export function validationError(message: string): AwsError {
  return new AwsError(400, 'ValidationException', message);
}

/** A ResourceNotFoundException with DynamoDB's wording for a missing table. */
export function tableNotFoundError(tableName: string): AwsError {
  return new AwsError(400, 'ResourceNotFoundException', `Requested resource not found: Table: ${tableName} not found`);
}

/** Formats epoch milliseconds as an X-Amz-Date value (YYYYMMDDTHHMMSSZ). */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** How far a header signature's time may differ from the clock (the endpoint's default, as on S3). */
const SKEW_MINUTES = 15;

/**
 * Renders a failed authentication the way DynamoDB does: HTTP 400 with the
 * com.amazon.coral.service error types and their exact wording.
 */
export function toDynamoDbAuthError(error: AuthError, nowMs: number = Date.now()): AwsError {
  switch (error.kind) {
    case 'missing':
      return new AwsError(400, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token', {
        cause: error,
      });
    case 'unknown-key':
      return new AwsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.', {
        cause: error,
      });
    case 'mismatch':
      return new AwsError(
        400,
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. ' +
          'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        { cause: error },
      );
    case 'skewed':
    case 'expired':
    case 'not-yet-valid':
      return new AwsError(400, 'InvalidSignatureException', describeSkew(error, nowMs), { cause: error });
    case 'malformed':
    case 'unsupported-algorithm':
      return new AwsError(400, 'IncompleteSignatureException', error.message, { cause: error });
    // Another session's token reads as an unknown token; an ended session is ExpiredTokenException
    // (bodies as DynamoDB sends them: `{"__type":"com.amazon.coral.service#ExpiredTokenException",
    // "message":"The security token included in the request is expired"}`).
    case 'invalid-token':
      return new AwsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.', { cause: error });
    case 'expired-token':
      return new AwsError(400, 'ExpiredTokenException', 'The security token included in the request is expired', { cause: error });
  }
}

/** 400 AccessDeniedException with the message DynamoDB sends for a denial by an identity-based policy. */
export function accessDenied(denial: Denial): AwsError {
  return new AwsError(400, 'AccessDeniedException', describeDenial(denial, { quoteResource: false, showResource: true }));
}

/**
 * DynamoDB's "Signature expired: T is now earlier than …" message. The signing time is
 * read back from the AuthError's message (sigv4.ts puts it in parentheses), because
 * the error carries no other field for it.
 */
function describeSkew(error: AuthError, nowMs: number): string {
  const signedAt = /\((\d{8}T\d{6}Z)\)/.exec(error.message)?.[1];
  const now = formatAmzDate(nowMs);
  const window = SKEW_MINUTES * 60_000;
  if (signedAt !== undefined && signedAt > now) {
    return `Signature not yet current: ${signedAt} is still later than ${formatAmzDate(nowMs + window)} (${now} + ${SKEW_MINUTES} min.)`;
  }
  return `Signature expired: ${signedAt ?? 'the request time'} is now earlier than ${formatAmzDate(nowMs - window)} (${now} - ${SKEW_MINUTES} min.)`;
}
