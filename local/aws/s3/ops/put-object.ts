import { MAX_OBJECT_BYTES, nowSeconds, type Operation } from '../context.js';
import { readWriteCondition } from '../conditions.js';
import { sendEmpty } from '../http.js';
import { validateKey } from '../names.js';
import { readObjectHeaders } from '../object-headers.js';
import { openPayload } from '../payload.js';
import { writtenVersionHeaders } from './versioning.js';

/**
 * PutObject: streams the body to a temp file while verifying it, then commits the row in one
 * transaction. Readers see the old object until that commit and the new one after it.
 */
export const putObject: Operation = async (ctx, { req, res, target }) => {
  validateKey(target.key);
  ctx.store.requireBucket(target.bucket);
  const headers = readObjectHeaders(req.headers);
  const condition = readWriteCondition(req.headers);
  const payload = openPayload(req, { maxBytes: MAX_OBJECT_BYTES, idleTimeoutMs: ctx.bodyIdleTimeoutMs });
  const bodyId = await ctx.store.bodies.write(payload.chunks);
  const { size, md5, checksum } = payload.result();
  const row = ctx.store.commitObject(
    target.bucket,
    target.key,
    {
      body_id: bodyId,
      size,
      etag: `"${md5.toString('hex')}"`,
      modified_ms: nowSeconds(ctx),
      ...headers,
      checksum_algorithm: checksum?.algorithm ?? null,
      checksum_value: checksum?.value ?? null,
      part_sizes: null,
    },
    condition,
  );
  sendEmpty(res, 200, { etag: row.etag, ...writtenVersionHeaders(row), ...(checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {}) });
};
