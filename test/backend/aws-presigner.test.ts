import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { createKeyPresigner } from '../../backend/aws/presigner.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session-token' };

describe('the key presigner', () => {
  it.each([
    ['AWS (virtual-host style)', { region: 'eu-west-1', credentials }],
    ['a local endpoint (path style)', { region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:4566', forcePathStyle: true }],
  ])('signs URLs of the same shape as the SDK presigner for %s', async (_where, config) => {
    const s3 = new S3Client(config);
    const key = 'jobs/alice/1700000000.0a1b2c3d-0000-4000-8000-000000000000/log.txt';
    const ours = new URL(await createKeyPresigner(s3, 'my-bucket')('GET', key, 900));
    const sdk = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'my-bucket', Key: key }), { expiresIn: 900 }));
    expect(ours.origin + ours.pathname).toBe(sdk.origin + sdk.pathname);
    // The SDK adds two hints of its own (x-id, x-amz-checksum-mode) that S3 does not need.
    const hints = new Set(['x-id', 'x-amz-checksum-mode']);
    expect([...ours.searchParams.keys()].sort()).toEqual([...sdk.searchParams.keys()].filter((name) => !hints.has(name)).sort());
    for (const name of ['X-Amz-Algorithm', 'X-Amz-Content-Sha256', 'X-Amz-Credential', 'X-Amz-Expires', 'X-Amz-Security-Token', 'X-Amz-SignedHeaders']) {
      expect(ours.searchParams.get(name)).toBe(sdk.searchParams.get(name));
    }
    s3.destroy();
  });

  it("escapes a Go deployment's key (any name) exactly as the SDK's presigner does", async () => {
    const s3 = new S3Client({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:4566', forcePathStyle: true });
    const key = "jobs/ops/team a+b (prod) é's!*~:0123456789abcdef/1700000000.0a1b2c3d-0000-4000-8000-000000000000/log.txt";
    const ours = new URL(await createKeyPresigner(s3, 'my-bucket')('GET', key, 900));
    const sdk = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'my-bucket', Key: key }), { expiresIn: 900 }));
    expect(ours.pathname).toBe(sdk.pathname);
    s3.destroy();
  });
});
