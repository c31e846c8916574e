import type { OutgoingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { objectArn } from '../authorize.js';
import { MAX_XML_BODY_BYTES, nowSeconds, type Operation, type S3Context } from '../context.js';
import { S3Error } from '../errors.js';
import { sendEmpty, sendXml } from '../http.js';
import { validateKey } from '../names.js';
import { readPayload } from '../payload.js';
import { isWellFormedVersionId } from '../store/index.js';
import { buildXml, parseXmlBody, type XmlNode } from '../xml.js';
import { readVersionId } from './versioning.js';

const DeleteRequest = z.object({
  Delete: z.object({
    Quiet: z.string().optional(),
    Object: z
      .array(z.object({ Key: z.string({ error: 'expected a Key in every Object' }), VersionId: z.string().optional() }))
      .min(1, 'expected at least one Object')
      .max(1000, 'expected at most 1000 Objects'),
  }),
});

/** What deleting one key (or one version of it) did, as DeleteObject's headers and DeleteObjects' `<Deleted>` say. */
interface Deletion {
  versionId?: string;
  deleteMarker: boolean;
  deleteMarkerVersionId?: string;
}

/**
 * Deletes a key or one version of it. Without a version id on a versioned bucket, a delete
 * marker becomes the current version; with one, that version is gone for good, and deleting a
 * version that does not exist succeeds (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html).
 */
function deleteOne(ctx: S3Context, bucket: string, key: string, versionId: string | undefined): Deletion {
  if (versionId === undefined) {
    const { deleteMarkerVersionId } = ctx.store.deleteObject(bucket, key, nowSeconds(ctx));
    return deleteMarkerVersionId === undefined ? { deleteMarker: false } : { deleteMarker: true, deleteMarkerVersionId };
  }
  const deleted = ctx.store.deleteObjectVersion(bucket, key, versionId);
  return { versionId, deleteMarker: deleted.deleteMarker, ...(deleted.deleteMarker ? { deleteMarkerVersionId: versionId } : {}) };
}

/** DeleteObject: 204 whether or not the key existed (404 only for a missing bucket), with the delete marker's headers. */
export const deleteObject: Operation = (ctx, { req, res, target }) => {
  validateKey(target.key);
  const versionId = readVersionId(req.query);
  ctx.store.requireBucket(target.bucket);
  const deletion = deleteOne(ctx, target.bucket, target.key, versionId);
  const headers: OutgoingHttpHeaders = {};
  if (deletion.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  const shownVersion = deletion.versionId ?? deletion.deleteMarkerVersionId;
  if (shownVersion !== undefined) headers['x-amz-version-id'] = shownVersion;
  sendEmpty(res, 204, headers);
};

/**
 * DeleteObjects: up to 1000 keys (each with an optional VersionId) from an XML body; Quiet leaves
 * out the successes. A version id that cannot name a version is reported as NoSuchVersion in
 * the result, as S3 reports it.
 */
export const deleteObjects: Operation = async (ctx, { req, res, target }) => {
  ctx.store.requireBucket(target.bucket);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const request = parseXmlBody(body, DeleteRequest).Delete;
  const quiet = request.Quiet?.trim().toLowerCase() === 'true';
  const deleted: XmlNode[] = [];
  const errors: XmlNode[] = [];
  const principal = req.caller?.principal;
  for (const object of request.Object) {
    const versionId = object.VersionId;
    try {
      validateKey(object.Key);
      // Each key needs s3:DeleteObject (s3:DeleteObjectVersion with a version id); a denied one is reported in the result, as S3 does.
      const action = versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
      if (principal?.authorize(action, objectArn(target.bucket, object.Key))) throw new S3Error(403, 'AccessDenied', 'Access Denied');
      if (versionId !== undefined && !isWellFormedVersionId(versionId)) throw new S3Error(404, 'NoSuchVersion', 'The specified version does not exist.');
      const deletion = deleteOne(ctx, target.bucket, object.Key, versionId);
      if (!quiet) deleted.push(renderDeleted(object.Key, deletion));
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      errors.push({ Key: object.Key, ...(versionId !== undefined ? { VersionId: versionId } : {}), Code: error.code, Message: error.message });
    }
  }
  const result: XmlNode = {};
  if (deleted.length > 0) result.Deleted = deleted;
  if (errors.length > 0) result.Error = errors;
  sendXml(res, 200, buildXml('DeleteResult', result));
};

function renderDeleted(key: string, deletion: Deletion): XmlNode {
  return {
    Key: key,
    ...(deletion.versionId !== undefined ? { VersionId: deletion.versionId } : {}),
    ...(deletion.deleteMarker ? { DeleteMarker: true } : {}),
    ...(deletion.deleteMarkerVersionId !== undefined ? { DeleteMarkerVersionId: deletion.deleteMarkerVersionId } : {}),
  };
}
