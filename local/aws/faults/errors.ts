import { ThrottledError } from '../lambda/concurrency.js';
import { S3Error } from '../s3/errors.js';
import { snsError } from '../sns/errors.js';
import { sqsError } from '../sqs/errors.js';
import { AwsError, type ServiceName } from '../service.js';

/*
 * The errors a fault answers with: each service's own 5xx and throttling error, with the
 * status, code and message the service sends, so that clients (the SDK's retry strategy
 * among them) see exactly what they would see from AWS.
 * - S3 (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList):
 *   500 InternalError "We encountered an internal error. Please try again."; 503 SlowDown
 *   "Please reduce your request rate."
 * - DynamoDB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html):
 *   500 InternalServerError; 400 ProvisionedThroughputExceededException on item operations,
 *   400 ThrottlingException ("Rate of requests exceeds the allowed throughput.") on the
 *   control plane (CreateTable, UpdateTable, DeleteTable…).
 * - Lambda (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html, Errors):
 *   500 ServiceException; 429 TooManyRequestsException with a Reason.
 * - SQS (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html,
 *   and the model's RequestThrottled): 500 InternalFailure; 400 RequestThrottled.
 * - SNS (the model's error traits, botocore data/sns/2010-03-31/service-2.json): 500 InternalError
 *   (InternalErrorException); 429 Throttled (ThrottledException, "Indicates that the rate at which
 *   requests have been submitted for this action exceeds the limit for your Amazon Web Services account.").
 */

const DYNAMODB_CONTROL_PLANE = new Set([
  'CreateTable', 'DeleteTable', 'DescribeTable', 'DescribeTimeToLive', 'ListTables', 'ListTagsOfResource', 'TagResource',
  'UntagResource', 'UpdateTable', 'UpdateTimeToLive',
]);

/** The service's 5xx for an injected server error. */
export function serverErrorOf(service: ServiceName): AwsError {
  switch (service) {
    case 's3':
      return new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.');
    case 'dynamodb':
      return new AwsError(500, 'InternalServerError', 'Internal server error');
    case 'lambda':
      return new AwsError(500, 'ServiceException', 'The AWS Lambda service encountered an internal error.');
    case 'sqs':
      return sqsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.');
    case 'sns':
      return snsError('InternalError', 'The request processing has failed because of an unknown error, exception or failure.');
  }
}

/** The service's throttling error for an operation. */
export function throttlingErrorOf(service: ServiceName, operation: string): AwsError {
  switch (service) {
    case 's3':
      return new S3Error(503, 'SlowDown', 'Please reduce your request rate.');
    case 'dynamodb':
      return DYNAMODB_CONTROL_PLANE.has(operation)
        ? new AwsError(400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.')
        : new AwsError(
            400,
            'ProvisionedThroughputExceededException',
            'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          );
    case 'lambda':
      return new ThrottledError('CallerRateLimitExceeded');
    case 'sqs':
      return sqsError('RequestThrottled', 'The request was denied due to request throttling.');
    case 'sns':
      return snsError('Throttled', 'Rate exceeded');
  }
}

/** DynamoDB's answer to a write that fails on a full disk (what its handler makes of any storage failure). */
export function diskFullErrorOf(): AwsError {
  return new AwsError(500, 'InternalServerError', 'Internal server error');
}

/** An error shaped as `write(2)` failing with ENOSPC, for the S3 body store. */
export function createEnospcError(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write (injected: disk full)'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}
