import type { IncomingHttpHeaders } from 'node:http';
import type { QueryParameterBag } from '@smithy/types';
import type { Principal } from '../iam/principal.js';
import { accessDenied } from './errors.js';
import { header } from './http.js';
import { readCopySource } from './ops/copy-object.js';
import type { ObjectStore } from './store/index.js';
import type { Target } from './target.js';

/** An IAM action and the resource ARN it acts on. */
type Permission = readonly [action: string, resource: string];

/** The ARN of a bucket. */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** The ARN of an object. */
export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

// What each operation the local S3 serves needs, from "Required permissions for Amazon S3 API
// operations" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html)
// and the Service Authorization Reference for Amazon S3. HeadBucket and both listings need
// s3:ListBucket; DeleteBucketCors needs s3:PutBucketCORS (API_DeleteBucketCors "Permissions").
const BUCKET_ACTIONS: Readonly<Record<string, string>> = {
  CreateBucket: 's3:CreateBucket',
  DeleteBucket: 's3:DeleteBucket',
  HeadBucket: 's3:ListBucket',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketVersioning: 's3:GetBucketVersioning',
  PutBucketVersioning: 's3:PutBucketVersioning',
  ListObjectVersions: 's3:ListBucketVersions',
  GetBucketCors: 's3:GetBucketCORS',
  PutBucketCors: 's3:PutBucketCORS',
  DeleteBucketCors: 's3:PutBucketCORS',
  ListMultipartUploads: 's3:ListBucketMultipartUploads',
  // The service authorization reference: the lifecycle operations are authorized by
  // s3:GetLifecycleConfiguration / s3:PutLifecycleConfiguration (DeleteBucketLifecycle too).
  GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
  PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
  DeleteBucketLifecycle: 's3:PutLifecycleConfiguration',
};

// With a versionId, the object operations need their *Version actions (s3:GetObjectVersion for
// GET and HEAD, s3:DeleteObjectVersion, s3:*ObjectVersionTagging): the Service Authorization
// Reference for Amazon S3 and API_GetObject.html "Permissions" ("If you include a versionId in
// your request header, you must have the s3:GetObjectVersion permission").
const VERSION_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 's3:GetObjectVersion',
  HeadObject: 's3:GetObjectVersion',
  DeleteObject: 's3:DeleteObjectVersion',
  GetObjectTagging: 's3:GetObjectVersionTagging',
  PutObjectTagging: 's3:PutObjectVersionTagging',
  DeleteObjectTagging: 's3:DeleteObjectVersionTagging',
};

const OBJECT_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  PutObject: 's3:PutObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  ListParts: 's3:ListMultipartUploadParts',
  DeleteObject: 's3:DeleteObject',
  GetObjectTagging: 's3:GetObjectTagging',
  PutObjectTagging: 's3:PutObjectTagging',
  DeleteObjectTagging: 's3:DeleteObjectTagging',
};

/**
 * The permissions an S3 operation needs (its *Version action when the query names a versionId). DeleteObjects needs s3:DeleteObject on each key,
 * checked key by key while it runs (a denied key is an `<Error>` in its result, as on S3).
 */
export function requiredPermissions(operation: string, target: Target, headers: IncomingHttpHeaders, query: QueryParameterBag = {}): Permission[] {
  const bucketAction = BUCKET_ACTIONS[operation];
  if (bucketAction !== undefined) return [[bucketAction, bucketArn(target.bucket)]];
  const objectAction = (query.versionId !== undefined ? VERSION_ACTIONS[operation] : undefined) ?? OBJECT_ACTIONS[operation];
  if (objectAction !== undefined) return [[objectAction, objectArn(target.bucket, target.key)]];
  switch (operation) {
    case 'ListBuckets':
      // No resource type: AWS's own policy examples grant it on arn:aws:s3:::*, and its message names no resource.
      return [['s3:ListAllMyBuckets', 'arn:aws:s3:::*']];
    case 'CopyObject':
    case 'UploadPartCopy': {
      const source = readCopySource(header(headers, 'x-amz-copy-source') ?? '');
      return [
        [source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', objectArn(source.bucket, source.key)],
        ['s3:PutObject', objectArn(target.bucket, target.key)],
      ];
    }
    case 'DeleteObjects':
    case 'Preflight':
      return [];
    default:
      throw new Error(`Expected the permissions of every S3 operation served to be known, but not those of ${operation}`);
  }
}

/**
 * Refuses a request its caller's policies do not allow (403 AccessDenied). As S3 does, a
 * missing bucket is answered first (404 NoSuchBucket: bucket names are public), except by
 * CreateBucket.
 */
export function authorizeS3(
  store: ObjectStore,
  principal: Principal,
  operation: string,
  target: Target,
  request: { headers: IncomingHttpHeaders; query: QueryParameterBag },
): void {
  if (target.bucket !== '' && operation !== 'CreateBucket') store.requireBucket(target.bucket);
  for (const [action, resource] of requiredPermissions(operation, target, request.headers, request.query)) {
    const denial = principal.authorize(action, resource);
    if (denial) throw accessDenied(denial);
  }
}
