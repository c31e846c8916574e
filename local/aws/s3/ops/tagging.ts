import { z } from 'zod';
import { MAX_XML_BODY_BYTES, type Operation } from '../context.js';
import { noSuchKey } from '../errors.js';
import { sendEmpty, sendXml } from '../http.js';
import { validateKey } from '../names.js';
import { readPayload } from '../payload.js';
import { readTags, serializeTags } from '../tagging.js';
import { buildXml, parseXmlBody } from '../xml.js';

const PutTaggingRequest = z.object({
  Tagging: z.object({
    TagSet: z.object({ Tag: z.array(z.object({ Key: z.string(), Value: z.string() })).optional() }).or(z.literal('')),
  }),
});

/** GetObjectTagging: the object's tag set (empty when it has none). */
export const getObjectTagging: Operation = (ctx, { res, target }) => {
  validateKey(target.key);
  const row = ctx.store.headObject(target.bucket, target.key);
  if (!row) {
    ctx.store.requireBucket(target.bucket);
    throw noSuchKey(target.key);
  }
  const tags = readTags(row).map(([Key, Value]) => ({ Key, Value }));
  sendXml(res, 200, buildXml('Tagging', { TagSet: tags.length === 0 ? '' : { Tag: tags } }));
};

/** PutObjectTagging: replaces the object's tags (at most 10). */
export const putObjectTagging: Operation = async (ctx, { req, res, target }) => {
  validateKey(target.key);
  ctx.store.requireBucket(target.bucket);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const tagSet = parseXmlBody(body, PutTaggingRequest).Tagging.TagSet;
  const pairs = typeof tagSet === 'string' ? [] : (tagSet.Tag ?? []).map((t): [string, string] => [t.Key, t.Value]);
  ctx.store.setTags(target.bucket, target.key, serializeTags(pairs));
  sendEmpty(res, 200);
};

/** DeleteObjectTagging: removes every tag. */
export const deleteObjectTagging: Operation = (ctx, { res, target }) => {
  validateKey(target.key);
  ctx.store.setTags(target.bucket, target.key, '[]');
  sendEmpty(res, 204);
};

/** GetBucketVersioning: versioning is never enabled here, which S3 shows as an empty configuration. */
export const getBucketVersioning: Operation = (ctx, { res, target }) => {
  ctx.store.requireBucket(target.bucket);
  sendXml(res, 200, buildXml('VersioningConfiguration', {}));
};
