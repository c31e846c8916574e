import { ENGINE_OPERATIONS } from '../dynamodb/operations.js';
import { SNS_OPERATIONS } from '../sns/operations.js';
import { SQS_OPERATIONS } from '../sqs/operations.js';
import type { ServiceName } from '../service.js';

/**
 * The operations each service of the local endpoint serves, by their AWS API names (what a
 * fault rule names after `service:`). S3's are the names `s3/router.ts` gives its routes.
 */
export const OPERATIONS: Readonly<Record<ServiceName, readonly string[]>> = {
  s3: [
    'AbortMultipartUpload', 'CompleteMultipartUpload', 'CopyObject', 'CreateBucket', 'CreateMultipartUpload',
    'DeleteBucket', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteObject', 'DeleteObjectTagging', 'DeleteObjects',
    'GetBucketCors', 'GetBucketLifecycleConfiguration', 'GetBucketLocation', 'GetBucketVersioning', 'GetObject',
    'GetObjectTagging', 'HeadBucket', 'HeadObject', 'ListBuckets', 'ListMultipartUploads', 'ListObjectVersions', 'ListObjects',
    'ListObjectsV2', 'ListParts', 'PutBucketCors', 'PutBucketLifecycleConfiguration', 'PutBucketVersioning', 'PutObject', 'PutObjectTagging', 'UploadPart',
    'UploadPartCopy',
  ],
  dynamodb: [...ENGINE_OPERATIONS, 'DescribeTimeToLive', 'UpdateTimeToLive'].sort(),
  lambda: ['GetFunction', 'GetFunctionConfiguration', 'Invoke', 'ListFunctions'],
  sqs: SQS_OPERATIONS,
  sns: SNS_OPERATIONS,
};

/** The DynamoDB operations that write to disk: a full disk fails them. */
export const DYNAMODB_WRITES: ReadonlySet<string> = new Set([
  'BatchWriteItem', 'CreateTable', 'DeleteItem', 'DeleteTable', 'PutItem', 'TagResource', 'UntagResource', 'UpdateItem',
  'UpdateTable', 'UpdateTimeToLive',
]);

/** Whether `name` is one of the services the endpoint speaks. */
export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(OPERATIONS, name);
}
