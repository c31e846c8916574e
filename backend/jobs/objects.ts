import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { awsErrorName } from '../errors.js';

/** The bucket's job objects: the one place that knows they live in S3. */
export interface LogObjects {
  /** Writes an object whole (S3 replaces objects atomically: a reader sees the old or the new). */
  putObject(key: string, body: Uint8Array | string): Promise<void>;
  /** An object's bytes, or undefined when it does not exist. */
  readObject(key: string): Promise<Uint8Array | undefined>;
  /** A presigned GET of an object, valid for `expiresInSeconds`. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
}

/** Job objects in the project's bucket. */
export function createS3LogObjects(deps: { s3: S3Client; bucket: string }): LogObjects {
  const { s3, bucket: Bucket } = deps;
  return {
    async putObject(key, body) {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          ContentLength: typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
          ContentType: 'text/plain; charset=utf-8',
        }),
      );
    },
    async readObject(key) {
      try {
        const result = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
        return result.Body ? await result.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (awsErrorName(error) === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    presignGet: (key, expiresIn) => getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: key }), { expiresIn }),
  };
}
