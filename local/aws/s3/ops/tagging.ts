import { z } from 'zod';
import { MAX_XML_BODY_BYTES, type Operation, type S3Context } from '../context.js';
import { methodNotAllowedOnMarker, noSuchKey, noSuchVersion } from '../errors.js';
import { sendEmpty, sendXml } from '../http.js';
import { validateKey } from '../names.js';
import { readPayload } from '../payload.js';
import type { ObjectRow } from '../store/index.js';
import { readTags, serializeTags } from '../tagging.js';
import { readVersionHeaders, readVersionId } from './versioning.js';
import { buildXml, parseXmlBody } from '../xml.js';

const PutTaggingRequest = z.object({
  Tagging: z.object({
    TagSet: z.object({ Tag: z.array(z.object({ Key: z.string(), Value: z.string() })).optional() }).or(z.literal('')),
  }),
});

/** GetObjectTagging: the tag set (empty when it has none) of the object's current version, or of the version named. */
export const getObjectTagging: Operation = (ctx, { req, res, target }) => {
  validateKey(target.key);
  const versionId = readVersionId(req.query);
  const row = findTagged(ctx, target.bucket, target.key, versionId);
  const tags = readTags(row).map(([Key, Value]) => ({ Key, Value }));
  sendXml(res, 200, buildXml('Tagging', { TagSet: tags.length === 0 ? '' : { Tag: tags } }), readVersionHeaders(ctx.store.getBucket(target.bucket), row, versionId !== undefined));
};

/** The object version whose tags a request reads: 404 NoSuchKey/NoSuchVersion when missing, 405 for a delete marker. */
function findTagged(ctx: S3Context, bucket: string, key: string, versionId: string | undefined): ObjectRow {
  const found = versionId === undefined ? ctx.store.headObject(bucket, key) : ctx.store.findVersion(bucket, key, versionId);
  if (!found) {
    ctx.store.requireBucket(bucket);
    throw versionId === undefined ? noSuchKey(key) : noSuchVersion(key, versionId);
  }
  if (!('marker' in found)) return found;
  if (found.marker) throw methodNotAllowedOnMarker(found.row);
  return found.row;
}

/** PutObjectTagging: replaces the object's tags (at most 10). */
export const putObjectTagging: Operation = async (ctx, { req, res, target }) => {
  validateKey(target.key);
  ctx.store.requireBucket(target.bucket);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const tagSet = parseXmlBody(body, PutTaggingRequest).Tagging.TagSet;
  const pairs = typeof tagSet === 'string' ? [] : (tagSet.Tag ?? []).map((t): [string, string] => [t.Key, t.Value]);
  const versionId = readVersionId(req.query);
  ctx.store.setTags(target.bucket, target.key, serializeTags(pairs), versionId);
  sendEmpty(res, 200, versionId === undefined ? {} : { 'x-amz-version-id': versionId });
};

/** DeleteObjectTagging: removes every tag (of the current version, or of the version named). */
export const deleteObjectTagging: Operation = (ctx, { req, res, target }) => {
  validateKey(target.key);
  const versionId = readVersionId(req.query);
  ctx.store.setTags(target.bucket, target.key, '[]', versionId);
  sendEmpty(res, 204, versionId === undefined ? {} : { 'x-amz-version-id': versionId });
};
