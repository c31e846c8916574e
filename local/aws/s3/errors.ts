import type { OutgoingHttpHeaders } from 'node:http';
import { AwsError } from '../service.js';
import { describeDenial, type Denial } from '../iam/principal.js';
import type { AuthError } from '../sigv4.js';

/** An S3 error with the extra elements S3 puts in its error XML (BucketName, Key, UploadId…). */
export class S3Error extends AwsError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown; headers?: OutgoingHttpHeaders },
  ) {
    super(status, code, message, options);
    this.name = 'S3Error';
    this.headers = options?.headers ?? {};
  }

  /** Response headers the error carries (e.g. Content-Range on 416). */
  readonly headers: OutgoingHttpHeaders;
}

/**
 * A malformed signature. S3 names it AuthorizationHeaderMalformed for header signatures and
 * AuthorizationQueryParametersError for presigned URLs; the AuthError does not say which, so
 * `sendError` picks the code from the request (see `finalErrorCode`).
 */
export class MalformedAuthError extends S3Error {
  constructor(message: string) {
    super(400, 'AuthorizationHeaderMalformed', message);
  }
}

/** Turns a failed SigV4 check into the error S3 itself sends for it. */
export function mapAuthError(error: AuthError): AwsError {
  switch (error.kind) {
    case 'missing':
      return new S3Error(403, 'AccessDenied', `Access Denied: ${error.message}`);
    case 'unknown-key':
      return new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    case 'mismatch':
      return new S3Error(403, 'SignatureDoesNotMatch', error.message);
    case 'skewed':
      return new S3Error(403, 'RequestTimeTooSkewed', error.message);
    case 'expired':
      return new S3Error(403, 'AccessDenied', 'Request has expired');
    case 'not-yet-valid':
      return new S3Error(403, 'AccessDenied', 'Request is not valid yet');
    case 'malformed':
    case 'unsupported-algorithm':
      return new MalformedAuthError(error.message);
    // S3's answers to temporary credentials with another session's token, or an ended session
    // (400, with the token echoed as Token-0): https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    case 'invalid-token':
      return new S3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.', tokenDetail(error));
    case 'expired-token':
      return new S3Error(400, 'ExpiredToken', 'The provided token has expired.', tokenDetail(error));
  }
}

function tokenDetail(error: AuthError): Record<string, string> {
  return error.token === undefined ? {} : { 'Token-0': error.token };
}

/** 403 AccessDenied with the message S3 sends for a denial by an identity-based policy. */
export function accessDenied(denial: Denial): S3Error {
  return new S3Error(403, 'AccessDenied', describeDenial(denial, { quoteResource: true, showResource: denial.action !== 's3:ListAllMyBuckets' }));
}

/** The code to send for an error, refining the malformed-signature code by where the signature was. */
export function finalErrorCode(error: AwsError, hasAuthorizationHeader: boolean): string {
  if (error instanceof MalformedAuthError && !hasAuthorizationHeader) return 'AuthorizationQueryParametersError';
  return error.code;
}

/** 404 NoSuchBucket. */
export function noSuchBucket(bucket: string): S3Error {
  return new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
}

/** 404 NoSuchKey (with the headers of a delete marker when one hides the key). */
export function noSuchKey(key: string, headers?: OutgoingHttpHeaders): S3Error {
  return new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }, headers ? { headers } : undefined);
}

/** 404 NoSuchUpload. */
export function noSuchUpload(uploadId: string): S3Error {
  return new S3Error(
    404,
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );
}

/** 400 MalformedXML with what was wrong. */
export function malformedXml(detail: string): S3Error {
  return new S3Error(
    400,
    'MalformedXML',
    `The XML you provided was not well-formed or did not validate against our published schema: ${detail}`,
  );
}

/** 400 InvalidArgument naming the argument and its value. */
export function invalidArgument(message: string, name: string, value: string): S3Error {
  return new S3Error(400, 'InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}

/** 501 NotImplemented for an operation the local endpoint does not speak. */
export function notImplemented(what: string): S3Error {
  return new S3Error(501, 'NotImplemented', `${what} is not implemented by the local S3 endpoint`);
}

/** 412 PreconditionFailed naming the failed condition. */
export function preconditionFailed(condition: string): S3Error {
  return new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
}

/** 404 NoSuchVersion: a well-formed version id that names no version of the key. */
export function noSuchVersion(key: string, versionId: string): S3Error {
  return new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId });
}

/** 400 InvalidArgument for a version id that cannot name any version ('' or not one this endpoint makes). */
export function invalidVersionId(versionId: string): S3Error {
  if (versionId === '') return invalidArgument('Version id cannot be the empty string', 'versionId', '');
  return invalidArgument('Invalid version id specified', 'versionId', versionId.slice(0, 200));
}

/**
 * 405 MethodNotAllowed for a GET, HEAD or tagging request naming a delete marker's version id,
 * with x-amz-delete-marker and the marker's Last-Modified, as S3 answers
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "x-amz-delete-marker").
 */
export function methodNotAllowedOnMarker(marker: { version_id: string; modified_ms: number }, method = 'GET'): S3Error {
  return new S3Error(
    405,
    'MethodNotAllowed',
    'The specified method is not allowed against this resource.',
    { Method: method, ResourceType: 'DeleteMarker' },
    { headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.version_id, 'last-modified': new Date(marker.modified_ms).toUTCString(), allow: 'DELETE' } },
  );
}
