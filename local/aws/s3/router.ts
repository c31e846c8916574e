import type { QueryParameterBag } from '@smithy/types';
import type { Operation } from './context.js';
import { notImplemented, S3Error } from './errors.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './ops/buckets.js';
import { copyObject } from './ops/copy-object.js';
import { deleteBucketCors, getBucketCors, preflight, putBucketCors } from './ops/cors.js';
import { deleteObject, deleteObjects } from './ops/delete.js';
import { getObject, headObject } from './ops/get-object.js';
import { deleteBucketLifecycle, getBucketLifecycle, putBucketLifecycle } from './ops/lifecycle.js';
import { listObjectsV1, listObjectsV2 } from './ops/list-objects.js';
import { completeMultipartUpload } from './ops/multipart-complete.js';
import { listMultipartUploads, listParts } from './ops/multipart-list.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart, uploadPartCopy } from './ops/multipart.js';
import { putObject } from './ops/put-object.js';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './ops/tagging.js';
import { listObjectVersions } from './ops/list-versions.js';
import { getBucketVersioning, putBucketVersioning } from './ops/versioning.js';
import type { Target } from './target.js';

/** An operation and whether it reads the request body (the others get it drained). */
export interface Route {
  name: string;
  run: Operation;
  readsBody: boolean;
}

// Subresources S3 has and this endpoint does not: answered 501 NotImplemented, never ignored.
// Other unknown parameters are ignored, as S3 does (the SDK adds ?x-id=…, awscli sends empty ones).
const UNSUPPORTED_SUBRESOURCES = new Set([
  'accelerate', 'acl', 'analytics', 'attributes', 'encryption', 'intelligent-tiering', 'inventory', 'legal-hold',
  'lifecycle', 'logging', 'metadataTable', 'metrics', 'notification', 'object-lock', 'ownershipControls', 'policy',
  'policyStatus', 'publicAccessBlock', 'renameObject', 'replication', 'requestPayment', 'restore', 'retention',
  'select', 'session', 'tagging', 'torrent', 'versioning', 'versions', 'website',
]);

// The subresources of the table above that are served (for the methods named).
const BUCKET_SUBRESOURCES = new Set(['GET versioning', 'PUT versioning', 'GET versions', 'GET lifecycle', 'PUT lifecycle', 'DELETE lifecycle']);
const OBJECT_SUBRESOURCES = new Set(['GET tagging', 'PUT tagging', 'DELETE tagging']);

function route(name: string, run: Operation, readsBody = false): Route {
  return { name, run, readsBody };
}

/** Picks the S3 operation for a method, address and query, or throws 501/405 saying what is not supported. */
export function selectRoute(method: string, target: Target, query: QueryParameterBag, hasCopySource: boolean): Route {
  const implemented = target.key === '' ? BUCKET_SUBRESOURCES : OBJECT_SUBRESOURCES;
  for (const name of Object.keys(query)) {
    if (implemented.has(`${method} ${name}`)) continue;
    if (UNSUPPORTED_SUBRESOURCES.has(name)) throw notImplemented(`The ?${name} subresource (${method} ${target.key === '' ? 'bucket' : 'object'})`);
  }
  const has = (name: string) => query[name] !== undefined;
  if (method === 'OPTIONS' && target.bucket !== '') return route('Preflight', preflight);
  if (target.bucket === '') {
    if (method === 'GET') return route('ListBuckets', listBuckets);
    throw methodNotAllowed(method, 'the service');
  }
  if (target.key === '') {
    switch (method) {
      case 'GET':
        if (has('cors')) return route('GetBucketCors', getBucketCors);
        if (has('lifecycle')) return route('GetBucketLifecycleConfiguration', getBucketLifecycle);
        if (has('location')) return route('GetBucketLocation', getBucketLocation);
        if (has('versioning')) return route('GetBucketVersioning', getBucketVersioning);
        if (has('versions')) return route('ListObjectVersions', listObjectVersions);
        if (has('uploads')) return route('ListMultipartUploads', listMultipartUploads);
        if (query['list-type'] === '2') return route('ListObjectsV2', listObjectsV2);
        if (has('list-type')) throw new S3Error(400, 'InvalidArgument', `Expected list-type=2, got list-type=${String(query['list-type'])}`);
        return route('ListObjects', listObjectsV1);
      case 'HEAD':
        return route('HeadBucket', headBucket);
      case 'PUT':
        if (has('cors')) return route('PutBucketCors', putBucketCors, true);
        if (has('lifecycle')) return route('PutBucketLifecycleConfiguration', putBucketLifecycle, true);
        if (has('versioning')) return route('PutBucketVersioning', putBucketVersioning, true);
        return route('CreateBucket', createBucket, true);
      case 'DELETE':
        if (has('cors')) return route('DeleteBucketCors', deleteBucketCors);
        if (has('lifecycle')) return route('DeleteBucketLifecycle', deleteBucketLifecycle);
        return route('DeleteBucket', deleteBucket);
      case 'POST':
        if (has('delete')) return route('DeleteObjects', deleteObjects, true);
        throw notImplemented('POST on a bucket without ?delete (browser POST uploads)');
      default:
        throw methodNotAllowed(method, 'a bucket');
    }
  }
  switch (method) {
    case 'GET':
      if (has('tagging')) return route('GetObjectTagging', getObjectTagging);
      if (has('uploadId')) return route('ListParts', listParts);
      return route('GetObject', getObject);
    case 'HEAD':
      return route('HeadObject', headObject);
    case 'PUT':
      if (has('tagging')) return route('PutObjectTagging', putObjectTagging, true);
      if (has('uploadId') || has('partNumber')) return hasCopySource ? route('UploadPartCopy', uploadPartCopy) : route('UploadPart', uploadPart, true);
      return hasCopySource ? route('CopyObject', copyObject) : route('PutObject', putObject, true);
    case 'DELETE':
      if (has('tagging')) return route('DeleteObjectTagging', deleteObjectTagging);
      if (has('uploadId')) return route('AbortMultipartUpload', abortMultipartUpload);
      return route('DeleteObject', deleteObject);
    case 'POST':
      if (has('uploads')) return route('CreateMultipartUpload', createMultipartUpload);
      if (has('uploadId')) return route('CompleteMultipartUpload', completeMultipartUpload, true);
      throw notImplemented('POST on an object without ?uploads or ?uploadId');
    default:
      throw methodNotAllowed(method, 'an object');
  }
}

function methodNotAllowed(method: string, what: string): S3Error {
  return new S3Error(405, 'MethodNotAllowed', `The specified method is not allowed against this resource: ${method} on ${what}`, {
    Method: method,
    ResourceType: what,
  });
}
