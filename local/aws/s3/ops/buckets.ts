import { z } from 'zod';
import { MAX_XML_BODY_BYTES, ownerOf, type Operation } from '../context.js';
import { S3Error } from '../errors.js';
import { formatIsoDate, header, sendEmpty, sendXml } from '../http.js';
import { validateBucketName } from '../names.js';
import { readPayload } from '../payload.js';
import { buildXml, parseXmlBody } from '../xml.js';

const CreateBucketConfiguration = z.object({
  CreateBucketConfiguration: z.object({ LocationConstraint: z.string().optional() }).or(z.literal('')),
});

/** ListBuckets: every bucket, by name. */
export const listBuckets: Operation = (ctx, { res }) => {
  const buckets = ctx.store.listBuckets().map((b) => ({ Name: b.name, CreationDate: formatIsoDate(b.createdMs), BucketRegion: b.region }));
  sendXml(res, 200, buildXml('ListAllMyBucketsResult', { Owner: ownerOf(ctx), Buckets: buckets.length === 0 ? '' : { Bucket: buckets } }));
};

/** CreateBucket: 409 BucketAlreadyOwnedByYou when it exists; a LocationConstraint must name this endpoint's region. */
export const createBucket: Operation = async (ctx, { req, res, target }) => {
  validateBucketName(target.bucket);
  if (Number(header(req.headers, 'content-length') ?? '0') > 0) {
    const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
    if (body.length > 0) {
      const config = parseXmlBody(body, CreateBucketConfiguration).CreateBucketConfiguration;
      const location = typeof config === 'string' ? undefined : config.LocationConstraint;
      if (location !== undefined && location !== '' && location !== ctx.region) {
        throw new S3Error(400, 'IllegalLocationConstraintException', `Expected the location constraint ${ctx.region} (this endpoint's region), got \`${location}\``);
      }
    }
  }
  if (!ctx.store.createBucket(target.bucket, ctx.region, ctx.now())) {
    throw new S3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', {
      BucketName: target.bucket,
    });
  }
  sendEmpty(res, 200, { location: `/${target.bucket}` });
};

/** HeadBucket: 200 with the bucket's region, or 404. */
export const headBucket: Operation = (ctx, { res, target }) => {
  const bucket = ctx.store.requireBucket(target.bucket);
  sendEmpty(res, 200, { 'x-amz-bucket-region': bucket.region });
};

/** DeleteBucket: 409 BucketNotEmpty while it holds objects. */
export const deleteBucket: Operation = (ctx, { res, target }) => {
  ctx.store.deleteBucket(target.bucket);
  sendEmpty(res, 204);
};

/** GetBucketLocation: empty for us-east-1, as S3 answers. */
export const getBucketLocation: Operation = (ctx, { res, target }) => {
  const bucket = ctx.store.requireBucket(target.bucket);
  sendXml(res, 200, buildXml('LocationConstraint', { '#text': bucket.region === 'us-east-1' ? '' : bucket.region }));
};
