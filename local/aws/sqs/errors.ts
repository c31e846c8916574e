import { describeDenial, type Denial } from '../iam/principal.js';
import { AwsError } from '../service.js';
import type { AuthError } from '../sigv4.js';

/** How one SQS error code travels: its HTTP status and the `__type` of its JSON body. */
interface ErrorShape {
  status: number;
  /** The shape name in `com.amazonaws.sqs#<name>` (or a full `ns#Name` for the request layer's errors). */
  jsonType: string;
}

const SQS = 'com.amazonaws.sqs#';
const CORAL = 'com.amazon.coral.service#';

// Error codes as the query protocol (and the JSON protocol's x-amzn-query-error header) names
// them, with the HTTP status and the JSON shape. Sources: the `awsQueryError` traits of the
// SQS model (@aws-sdk/client-sqs dist-cjs: e.g. QueueDoesNotExist → AWS.SimpleQueueService.
// NonExistentQueue, 400; PurgeQueueInProgress → 403; ReceiptHandleIsInvalid → 404), the
// common errors (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html),
// and the JSON error format (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
// InvalidParameterValue and MissingParameter have no shape in the model; AWS names them
// InvalidParameterValueException and MissingRequiredParameterException in JSON bodies
// (recorded against AWS: localstack tests/aws/services/sqs/test_sqs.snapshot.json, QueryErrorCode).
const SHAPES: Readonly<Record<string, ErrorShape>> = {
  'AWS.SimpleQueueService.NonExistentQueue': { status: 400, jsonType: `${SQS}QueueDoesNotExist` },
  QueueAlreadyExists: { status: 400, jsonType: `${SQS}QueueNameExists` },
  'AWS.SimpleQueueService.QueueDeletedRecently': { status: 400, jsonType: `${SQS}QueueDeletedRecently` },
  InvalidParameterValue: { status: 400, jsonType: `${SQS}InvalidParameterValueException` },
  MissingParameter: { status: 400, jsonType: `${SQS}MissingRequiredParameterException` },
  InvalidAttributeName: { status: 400, jsonType: `${SQS}InvalidAttributeName` },
  InvalidAttributeValue: { status: 400, jsonType: `${SQS}InvalidAttributeValue` },
  InvalidMessageContents: { status: 400, jsonType: `${SQS}InvalidMessageContents` },
  ReceiptHandleIsInvalid: { status: 404, jsonType: `${SQS}ReceiptHandleIsInvalid` },
  'AWS.SimpleQueueService.MessageNotInflight': { status: 400, jsonType: `${SQS}MessageNotInflight` },
  'AWS.SimpleQueueService.BatchEntryIdsNotDistinct': { status: 400, jsonType: `${SQS}BatchEntryIdsNotDistinct` },
  'AWS.SimpleQueueService.TooManyEntriesInBatchRequest': { status: 400, jsonType: `${SQS}TooManyEntriesInBatchRequest` },
  'AWS.SimpleQueueService.EmptyBatchRequest': { status: 400, jsonType: `${SQS}EmptyBatchRequest` },
  'AWS.SimpleQueueService.InvalidBatchEntryId': { status: 400, jsonType: `${SQS}InvalidBatchEntryId` },
  'AWS.SimpleQueueService.BatchRequestTooLong': { status: 400, jsonType: `${SQS}BatchRequestTooLong` },
  'AWS.SimpleQueueService.PurgeQueueInProgress': { status: 403, jsonType: `${SQS}PurgeQueueInProgress` },
  'AWS.SimpleQueueService.UnsupportedOperation': { status: 400, jsonType: `${SQS}UnsupportedOperation` },
  // Throttling (the fault injector's; SQS's model names it RequestThrottled, a client fault).
  RequestThrottled: { status: 400, jsonType: `${SQS}RequestThrottled` },
  InternalFailure: { status: 500, jsonType: `${CORAL}InternalFailure` },
  AccessDenied: { status: 403, jsonType: `${CORAL}AccessDeniedException` },
  InvalidAction: { status: 400, jsonType: `${CORAL}UnknownOperationException` },
  MissingAction: { status: 400, jsonType: `${CORAL}UnknownOperationException` },
  SerializationException: { status: 400, jsonType: `${CORAL}SerializationException` },
  InvalidClientTokenId: { status: 403, jsonType: `${CORAL}UnrecognizedClientException` },
  SignatureDoesNotMatch: { status: 403, jsonType: `${CORAL}InvalidSignatureException` },
  IncompleteSignature: { status: 400, jsonType: `${CORAL}IncompleteSignatureException` },
  MissingAuthenticationToken: { status: 403, jsonType: `${CORAL}MissingAuthenticationTokenException` },
  ExpiredToken: { status: 403, jsonType: `${CORAL}ExpiredTokenException` },
  RequestEntityTooLarge: { status: 413, jsonType: `${CORAL}RequestEntityTooLarge` },
};

/** The JSON `__type` of an error code (InternalFailure for codes SQS does not know, e.g. the endpoint's 500). */
export function jsonTypeOf(code: string): string {
  return SHAPES[code]?.jsonType ?? `${CORAL}InternalFailure`;
}

/** An SQS error with the status AWS sends for its code. */
export function sqsError(code: string, message: string, options?: { cause?: unknown }): AwsError {
  return new AwsError(SHAPES[code]?.status ?? 400, code, message, options);
}

/** The message the query protocol sends for a missing queue (the JSON protocol's is shorter). */
export const NON_EXISTENT_QUEUE = 'AWS.SimpleQueueService.NonExistentQueue';

/** The queue named by a request does not exist. */
export function queueDoesNotExist(): AwsError {
  return sqsError(NON_EXISTENT_QUEUE, 'The specified queue does not exist.');
}

/** InvalidParameterValue with SQS's "Value V for parameter P is invalid. Reason: R" wording. */
export function invalidParameter(parameter: string, value: unknown, reason: string): AwsError {
  return sqsError('InvalidParameterValue', `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);
}

/** MissingParameter for a required parameter that did not come. */
export function missingParameter(parameter: string): AwsError {
  return sqsError('MissingParameter', `The request must contain the parameter ${parameter}.`);
}

/** AccessDenied (403) for a denial by the caller's identity-based policies; SQS writes the action in lower case. */
export function accessDenied(denial: Denial): AwsError {
  const action = denial.action.toLowerCase();
  return sqsError('AccessDenied', describeDenial({ ...denial, action }, { quoteResource: false, showResource: true }));
}

/** Renders a failed authentication with the query protocol's common error codes. */
export function toSqsAuthError(error: AuthError): AwsError {
  const cause = { cause: error };
  switch (error.kind) {
    case 'missing':
      return sqsError('MissingAuthenticationToken', 'Request is missing Authentication Token', cause);
    case 'unknown-key':
    case 'invalid-token':
      return sqsError('InvalidClientTokenId', 'The security token included in the request is invalid.', cause);
    case 'mismatch':
      return sqsError(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. ' +
          'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        cause,
      );
    case 'skewed':
    case 'expired':
    case 'not-yet-valid':
      return sqsError('SignatureDoesNotMatch', `Signature not valid at this time: ${error.message}`, cause);
    case 'malformed':
    case 'unsupported-algorithm':
      return sqsError('IncompleteSignature', error.message, cause);
    case 'expired-token':
      return sqsError('ExpiredToken', 'The security token included in the request is expired', cause);
  }
}
