import type { OutgoingHttpHeaders } from 'node:http';
import type { QueryParameterBag } from '@smithy/types';
import { z } from 'zod';
import { MAX_XML_BODY_BYTES, type Operation } from '../context.js';
import { invalidVersionId, malformedXml, notImplemented } from '../errors.js';
import { param, sendEmpty, sendXml } from '../http.js';
import { readPayload } from '../payload.js';
import { isWellFormedVersionId, NULL_VERSION, type Bucket, type ObjectRow } from '../store/index.js';
import { buildXml, parseXmlBody } from '../xml.js';
import { requireIntegrityHeader } from './lifecycle.js';

// PutBucketVersioning's body (botocore's VersioningConfiguration shape: Status and MfaDelete, both optional).
const PutVersioningRequest = z.object({
  VersioningConfiguration: z
    .object({ Status: z.string().optional(), MfaDelete: z.string().optional() })
    .or(z.literal('').transform(() => ({ Status: undefined, MfaDelete: undefined }))),
});

/**
 * PutBucketVersioning: Status Enabled or Suspended (anything else is MalformedXML, as S3
 * answers); there is no way back to a bucket that was never versioned
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html). Like
 * PutBucketLifecycleConfiguration it needs Content-MD5 or an x-amz-checksum-* (botocore:
 * requestChecksumRequired). MFA delete needs an MFA device, which this endpoint does not have: 501.
 */
export const putBucketVersioning: Operation = async (ctx, { req, res, target }) => {
  ctx.store.requireBucket(target.bucket);
  requireIntegrityHeader(req.headers);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const config = parseXmlBody(body, PutVersioningRequest).VersioningConfiguration;
  if (config.MfaDelete !== undefined && config.MfaDelete !== 'Disabled') {
    if (config.MfaDelete === 'Enabled') throw notImplemented('MFA delete (MfaDelete Enabled)');
    throw malformedXml(`expected MfaDelete to be Enabled or Disabled, got \`${config.MfaDelete.slice(0, 50)}\``);
  }
  const status = config.Status;
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') {
    throw malformedXml(`expected Status to be Enabled or Suspended, got \`${status.slice(0, 50)}\``);
  }
  if (status !== undefined) ctx.store.setVersioning(target.bucket, status);
  sendEmpty(res, 200);
};

/** GetBucketVersioning: the status, or an empty configuration for a bucket whose versioning was never set. */
export const getBucketVersioning: Operation = (ctx, { res, target }) => {
  const { versioning } = ctx.store.requireBucket(target.bucket);
  sendXml(res, 200, buildXml('VersioningConfiguration', versioning === null ? {} : { Status: versioning }));
};

/**
 * The `versionId` query parameter of an object request, or undefined when absent. An empty one
 * or one that cannot name a version here is 400 InvalidArgument, as S3 answers ("Version id cannot
 * be the empty string", "Invalid version id specified").
 */
export function readVersionId(query: QueryParameterBag): string | undefined {
  const versionId = param(query, 'versionId');
  if (versionId === undefined) return undefined;
  if (!isWellFormedVersionId(versionId)) throw invalidVersionId(versionId);
  return versionId;
}

/**
 * The x-amz-version-id of a GET/HEAD/tagging answer: on a bucket whose versioning was ever set
 * (the null version shows as "null"), or when the request named a version; never-versioned
 * buckets answer none.
 */
export function readVersionHeaders(bucket: Bucket | undefined, row: Pick<ObjectRow, 'version_id'>, named: boolean): OutgoingHttpHeaders {
  return bucket?.versioning != null || named ? { 'x-amz-version-id': row.version_id } : {};
}

/**
 * The x-amz-version-id of a write's answer (PutObject, CopyObject, CompleteMultipartUpload): only
 * for a new version id, i.e. on a bucket with versioning Enabled. S3 sends none for the null
 * version a suspended bucket writes (API_PutObject.html, the "versioning suspended" example).
 */
export function writtenVersionHeaders(row: Pick<ObjectRow, 'version_id'>): OutgoingHttpHeaders {
  return row.version_id === NULL_VERSION ? {} : { 'x-amz-version-id': row.version_id };
}
