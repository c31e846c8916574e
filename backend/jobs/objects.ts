import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, type S3Client } from '@aws-sdk/client-s3';
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
}

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
  };
}
