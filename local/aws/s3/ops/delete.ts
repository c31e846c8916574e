import { z } from 'zod';
import { objectArn } from '../authorize.js';
import { MAX_XML_BODY_BYTES, type Operation } from '../context.js';
import { S3Error } from '../errors.js';
import { sendEmpty, sendXml } from '../http.js';
import { validateKey } from '../names.js';
import { readPayload } from '../payload.js';
import { buildXml, parseXmlBody, type XmlNode } from '../xml.js';

const DeleteRequest = z.object({
  Delete: z.object({
    Quiet: z.string().optional(),
    Object: z
      .array(z.object({ Key: z.string({ error: 'expected a Key in every Object' }), VersionId: z.string().optional() }))
      .min(1, 'expected at least one Object')
      .max(1000, 'expected at most 1000 Objects'),
  }),
});

/** DeleteObject: 204 whether or not the key existed (404 only for a missing bucket). */
export const deleteObject: Operation = (ctx, { res, target }) => {
  validateKey(target.key);
  ctx.store.requireBucket(target.bucket);
  ctx.store.deleteObject(target.bucket, target.key);
  sendEmpty(res, 204);
};

/** DeleteObjects: up to 1000 keys from an XML body; Quiet leaves out the successes. */
export const deleteObjects: Operation = async (ctx, { req, res, target }) => {
  ctx.store.requireBucket(target.bucket);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const request = parseXmlBody(body, DeleteRequest).Delete;
  const quiet = request.Quiet?.trim().toLowerCase() === 'true';
  const deleted: XmlNode[] = [];
  const errors: XmlNode[] = [];
  const principal = req.caller?.principal;
  for (const object of request.Object) {
    try {
      validateKey(object.Key);
      // Each key needs s3:DeleteObject; a denied one is reported in the result, as S3 does.
      if (principal?.authorize('s3:DeleteObject', objectArn(target.bucket, object.Key))) {
        throw new S3Error(403, 'AccessDenied', 'Access Denied');
      }
      ctx.store.deleteObject(target.bucket, object.Key);
      if (!quiet) deleted.push({ Key: object.Key });
    } catch (error) {
      if (!(error instanceof S3Error)) throw error;
      errors.push({ Key: object.Key, Code: error.code, Message: error.message });
    }
  }
  const result: XmlNode = {};
  if (deleted.length > 0) result.Deleted = deleted;
  if (errors.length > 0) result.Error = errors;
  sendXml(res, 200, buildXml('DeleteResult', result));
};
