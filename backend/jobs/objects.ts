import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createKeyPresigner } from '../aws/presigner.js';
import { putToPresignedUrl } from '../aws/transport.js';

/** The bucket's job objects: the one place that knows they live in S3. */
export interface LogObjects {
  /** Writes an object whole (S3 replaces objects atomically: a reader sees the old or the new). */
  putObject(key: string, body: Uint8Array | string): Promise<void>;
  /** An object's bytes, or undefined when it does not exist. */
  readObject(key: string): Promise<Uint8Array | undefined>;
  /** Whether an object exists (without reading it). */
  hasObject(key: string): Promise<boolean>;
  /** A presigned GET of an object, valid for `expiresInSeconds`. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  /**
   * A writer of one object for a while (a running job's log, exit and size): each call
   * replaces the object whole, as putObject does, to a URL presigned once (see aws/transport.ts).
   */
  openWriter(key: string, expiresInSeconds: number): Promise<(body: Uint8Array | string) => Promise<void>>;
  /**
   * Replaces an object with its own first `keptBytes` bytes followed by `rest`, the kept bytes
   * copied inside the store instead of sent again (S3 has no append; a multipart upload whose
   * first part is an UploadPartCopy of them is how one appends). `keptBytes` must be at least
   * MIN_KEPT_BYTES (S3's smallest part but the last) and at most the object's size. Readers see
   * the old object or the new one, as with putObject; on failure the object is unchanged.
   */
  extendObject(key: string, keptBytes: number, rest: Uint8Array): Promise<void>;
}

/**
 * The fewest bytes extendObject keeps: every part of a multipart upload but the last holds at
 * least 5 MiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
 */
export const MIN_KEPT_BYTES = 5 * 1024 * 1024;

const CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * How S3 answers a GET or HEAD of a key that does not exist: 404 (`NoSuchKey`, or `NotFound`
 * for HEAD, which has no body) when the caller may s3:ListBucket the bucket, and 403
 * (`AccessDenied` / `Forbidden`) when it may not
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions"; the
 * same in API_HeadObject.html). infra.yaml grants the functions s3:ListBucket on the bucket,
 * so a missing object is a 404 and a 403 is a real refusal, which must surface: read as
 * "missing", it would let the sweep write over a job's objects that it was only denied to
 * read, and hide a broken policy until a user's job misbehaves. (Granting the listing costs
 * nothing here: the role already reads every object under jobs/.)
 */
function isMissingObject(error: unknown): boolean {
  return error instanceof NoSuchKey || error instanceof NotFound;
}
/** How long one upload through a writer may take. */
const WRITER_PUT_TIMEOUT_MS = 60_000;
/** Lifetime of the URL of a single putObject. */
const PUT_URL_SECONDS = 300;

/** Job objects in the project's bucket. */
export function createS3LogObjects(deps: { s3: S3Client; bucket: string }): LogObjects {
  const { s3, bucket: Bucket } = deps;
  const presign = createKeyPresigner(s3, Bucket);
  return {
    async putObject(key, body) {
      // A PUT to a freshly presigned URL: far cheaper than the SDK's PutObject (aws/transport.ts), retried alike.
      await putToPresignedUrl(await presign('PUT', key, PUT_URL_SECONDS), body, { 'content-type': CONTENT_TYPE }, WRITER_PUT_TIMEOUT_MS);
    },
    async readObject(key) {
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
        return result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    async hasObject(key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissingObject(error)) return false;
        throw error;
      }
    },
    presignGet: (key, expiresIn) => presign('GET', key, expiresIn),
    async openWriter(key, expiresIn) {
      const url = await presign('PUT', key, expiresIn);
      return (body) => putToPresignedUrl(url, body, { 'content-type': CONTENT_TYPE }, WRITER_PUT_TIMEOUT_MS);
    },
    extendObject: (key, keptBytes, rest) => extendS3Object(s3, Bucket, key, keptBytes, rest),
  };
}

/**
 * extendObject on S3: CreateMultipartUpload, then side by side UploadPartCopy of the object's
 * own bytes 0..keptBytes-1 (the source may be the key being written:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html) and UploadPart of
 * `rest`, then CompleteMultipartUpload. The role needs s3:PutObject (which covers the multipart
 * calls: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions)
 * and s3:GetObject on the key, and s3:AbortMultipartUpload to clean up after a failure (infra.yaml).
 */
async function extendS3Object(s3: S3Client, Bucket: string, Key: string, keptBytes: number, rest: Uint8Array): Promise<void> {
  if (!(Number.isSafeInteger(keptBytes) && keptBytes >= MIN_KEPT_BYTES)) {
    throw new RangeError(`Expected to keep at least ${MIN_KEPT_BYTES} bytes (S3's smallest part), got ${keptBytes}`);
  }
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: CONTENT_TYPE }));
  if (!UploadId) throw new Error(`Expected an UploadId from CreateMultipartUpload of ${Key}, got none`);
  try {
    const [copied, uploaded] = await Promise.all([
      s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: 1,
          CopySource: `${Bucket}/${Key.split('/').map(encodeURIComponent).join('/')}`,
          CopySourceRange: `bytes=0-${keptBytes - 1}`,
        }),
      ),
      s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: rest, ContentLength: rest.byteLength })),
    ]);
    const parts = [
      { PartNumber: 1, ETag: copied.CopyPartResult?.ETag },
      { PartNumber: 2, ETag: uploaded.ETag },
    ];
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    // Best effort: an upload left behind holds its parts (billed) until aborted or expired by
    // the bucket's lifecycle rule; the object itself is unchanged either way.
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    throw error;
  }
}
