import { describeDenial, type Denial } from '../iam/principal.js';
import { AwsError } from '../service.js';
import type { AuthError } from '../sigv4.js';

// Error codes and HTTP statuses of SNS's query protocol: the `error` traits of the SNS model
// (botocore data/sns/2010-03-31/service-2.json, e.g. NotFoundException → NotFound 404,
// InvalidParameterException → InvalidParameter 400, InvalidParameterValueException →
// ParameterValueInvalid 400, AuthorizationErrorException → AuthorizationError 403,
// ThrottledException → Throttled 429, InternalErrorException → InternalError 500) and the common
// errors of the query APIs (https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html).
const STATUS: Readonly<Record<string, number>> = {
  InvalidParameter: 400,
  ParameterValueInvalid: 400,
  NotFound: 404,
  ResourceNotFound: 404,
  AuthorizationError: 403,
  InvalidSecurity: 403,
  InternalError: 500,
  Throttled: 429,
  TopicLimitExceeded: 403,
  SubscriptionLimitExceeded: 403,
  FilterPolicyLimitExceeded: 403,
  TagLimitExceeded: 400,
  BatchEntryIdsNotDistinct: 400,
  BatchRequestTooLong: 400,
  EmptyBatchRequest: 400,
  InvalidBatchEntryId: 400,
  TooManyEntriesInBatchRequest: 400,
  ValidationError: 400,
  InvalidAction: 400,
  MissingAction: 400,
  MalformedQueryString: 400,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  IncompleteSignature: 400,
  MissingAuthenticationToken: 403,
  ExpiredToken: 403,
  RequestEntityTooLarge: 413,
};

/** An SNS error with the status AWS sends for its code. */
export function snsError(code: string, message: string, options?: { cause?: unknown }): AwsError {
  return new AwsError(STATUS[code] ?? 400, code, message, options);
}

/** InvalidParameter with SNS's "Invalid parameter: …" wording (e.g. `Invalid parameter: TopicArn`). */
export function invalidParameter(what: string): AwsError {
  return snsError('InvalidParameter', `Invalid parameter: ${what}`);
}

/** ParameterValueInvalid (the model's InvalidParameterValueException): a bad message attribute. */
export function invalidParameterValue(message: string): AwsError {
  return snsError('ParameterValueInvalid', message);
}

/** The topic a request names does not exist (recorded against AWS: 404 "Topic does not exist"). */
export function topicNotFound(): AwsError {
  return snsError('NotFound', 'Topic does not exist');
}

/** The subscription a request names does not exist (recorded against AWS: 404 "Subscription does not exist"). */
export function subscriptionNotFound(): AwsError {
  return snsError('NotFound', 'Subscription does not exist');
}

/**
 * AuthorizationError (403) for a denial by the caller's identity-based policies. SNS writes the
 * action with an upper-case service prefix and the resource unquoted, e.g. "User: … is not
 * authorized to perform: SNS:Publish on resource: arn:aws:sns:… because no identity-based policy
 * allows the SNS:Publish action" (as AWS answers; github.com/aws-ia/terraform-aws-control_tower_account_factory/issues/151).
 */
export function authorizationError(denial: Denial): AwsError {
  const action = `SNS:${denial.action.slice(denial.action.indexOf(':') + 1)}`;
  return snsError('AuthorizationError', describeDenial({ ...denial, action }, { quoteResource: false, showResource: true }));
}

/** Renders a failed authentication with the query protocol's common error codes (as SQS's query protocol does). */
export function toSnsAuthError(error: AuthError): AwsError {
  const cause = { cause: error };
  switch (error.kind) {
    case 'missing':
      return snsError('MissingAuthenticationToken', 'Request is missing Authentication Token', cause);
    case 'unknown-key':
    case 'invalid-token':
      return snsError('InvalidClientTokenId', 'The security token included in the request is invalid.', cause);
    case 'mismatch':
      return snsError(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. ' +
          'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        cause,
      );
    case 'skewed':
    case 'expired':
    case 'not-yet-valid':
      return snsError('SignatureDoesNotMatch', `Signature not valid at this time: ${error.message}`, cause);
    case 'malformed':
    case 'unsupported-algorithm':
      return snsError('IncompleteSignature', error.message, cause);
    case 'expired-token':
      return snsError('ExpiredToken', 'The security token included in the request is expired', cause);
  }
}
