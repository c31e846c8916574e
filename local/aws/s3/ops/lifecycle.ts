import type { IncomingHttpHeaders } from 'node:http';
import { MAX_XML_BODY_BYTES, type Operation } from '../context.js';
import { CHECKSUM_ALGORITHMS } from '../checksums.js';
import { S3Error } from '../errors.js';
import { header, sendEmpty, sendXml } from '../http.js';
import { TRANSITION_MINIMUM_SIZES, type LifecycleConfiguration } from '../lifecycle/config.js';
import { readLifecycleConfiguration } from '../lifecycle/parse.js';
import { renderLifecycleConfiguration } from '../lifecycle/render.js';
import { readPayload } from '../payload.js';

const MINIMUM_SIZE_HEADER = 'x-amz-transition-default-minimum-object-size';

/**
 * PutBucketLifecycleConfiguration: replaces the bucket's rules. S3 requires an integrity
 * checksum on this PUT (botocore's model marks it `httpChecksum.requestChecksumRequired`, the
 * API reference says "you must include the Content-MD5 header"; S3 takes an x-amz-checksum-*
 * instead since the SDKs send those). The checksum is verified by readPayload.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
 */
export const putBucketLifecycle: Operation = async (ctx, { req, res, target }) => {
  ctx.store.requireBucket(target.bucket);
  requireIntegrityHeader(req.headers);
  const minimumSize = readMinimumSizeHeader(req.headers);
  const body = await readPayload(req, { maxBytes: MAX_XML_BODY_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const config = readLifecycleConfiguration(body, minimumSize);
  ctx.store.setLifecycle(target.bucket, config);
  sendEmpty(res, 200, { [MINIMUM_SIZE_HEADER]: config.transitionDefaultMinimumObjectSize });
};

/** GetBucketLifecycleConfiguration: the stored rules, or 404 NoSuchLifecycleConfiguration. */
export const getBucketLifecycle: Operation = (ctx, { res, target }) => {
  const { lifecycle } = ctx.store.requireBucket(target.bucket);
  if (!lifecycle) {
    throw new S3Error(404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', { BucketName: target.bucket });
  }
  sendXml(res, 200, renderLifecycleConfiguration(lifecycle), { [MINIMUM_SIZE_HEADER]: lifecycle.transitionDefaultMinimumObjectSize });
};

/** DeleteBucketLifecycle: removes the rules (204 even when there were none); objects then never expire. */
export const deleteBucketLifecycle: Operation = (ctx, { res, target }) => {
  ctx.store.setLifecycle(target.bucket, null);
  sendEmpty(res, 204);
};

/**
 * Refuses a PUT that botocore's model marks `requestChecksumRequired` without Content-MD5 or an
 * x-amz-checksum-*: "Missing required header for this request: Content-MD5 OR x-amz-checksum-*"
 * is S3's answer when neither comes (quoted in awslabs/aws-crt-s3-benchmarks#85).
 */
export function requireIntegrityHeader(headers: IncomingHttpHeaders): void {
  if (header(headers, 'content-md5') !== undefined) return;
  if (CHECKSUM_ALGORITHMS.some((algorithm) => headers[`x-amz-checksum-${algorithm}`] !== undefined)) return;
  if (/(^|,)\s*x-amz-checksum-/i.test(header(headers, 'x-amz-trailer') ?? '')) return;
  throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
}

function readMinimumSizeHeader(headers: IncomingHttpHeaders): LifecycleConfiguration['transitionDefaultMinimumObjectSize'] {
  const value = header(headers, MINIMUM_SIZE_HEADER);
  if (value === undefined) return TRANSITION_MINIMUM_SIZES[0];
  const known = TRANSITION_MINIMUM_SIZES.find((size) => size === value);
  if (!known) throw new S3Error(400, 'InvalidRequest', `Invalid TransitionDefaultMinimumObjectSize found: expected one of ${TRANSITION_MINIMUM_SIZES.join(', ')}, got \`${value.slice(0, 50)}\``);
  return known;
}
