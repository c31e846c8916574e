import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws } from '../../../local/aws/index.js';

describe('the local endpoint loads each service on its first request', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-lazy-'));
  let aws: LocalAws;

  beforeAll(async () => {
    aws = await startLocalAws({ dataDir, port: 0, logError: () => {} });
  });

  afterAll(async () => {
    await aws.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with no service loaded and loads only the one asked, which then answers', async () => {
    expect(aws.loadedServices()).toEqual([]);
    const common = { endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials, maxAttempts: 1 };
    const s3 = new S3Client({ ...common, forcePathStyle: true });
    const ddb = new DynamoDBClient(common);
    try {
      expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      expect(aws.loadedServices()).toEqual(['s3']);
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      expect(aws.loadedServices().sort()).toEqual(['dynamodb', 's3']);
    } finally {
      s3.destroy();
      ddb.destroy();
    }
  });
});
