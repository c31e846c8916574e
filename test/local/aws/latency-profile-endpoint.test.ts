import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws, type LocalAws, type LocalFaults, type LocalLatency } from '../../../local/aws/index.js';
import { AWS_LATENCY_PROFILE } from '../../../local/aws/latency/index.js';

/** The floor of the profile's rule for `s3:GetObject`. */
function minimumOfGetObject(): number {
  const rule = AWS_LATENCY_PROFILE.endpoint.rules.find((candidate) => [candidate.match].flat().includes('s3:GetObject'));
  const spec = rule?.latencyMs;
  if (typeof spec !== 'object' || !('p50' in spec) || spec.min === undefined) throw new Error('Expected a lognormal with a floor for s3:GetObject');
  return spec.min;
}

describe('the local AWS endpoint with the aws latency profile', () => {
  let dataDir: string;
  let aws: LocalAws;
  let s3: S3Client;
  let faults: LocalFaults;
  let latency: LocalLatency;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-latency-'));
    aws = await startLocalAws({ dataDir, port: 0, latencyProfile: 'aws', logError: () => {} });
    [faults, latency] = await Promise.all([aws.loadFaults(), aws.loadLatency()]);
    s3 = new S3Client({ endpoint: aws.endpoint, region: aws.region, credentials: aws.credentials, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'latency' }));
    await s3.send(new PutObjectCommand({ Bucket: 'latency', Key: 'log.txt', Body: 'hi\n' }));
  });
  afterAll(async () => {
    s3.destroy();
    await aws.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves an S3 GET no sooner than the profile's minimum for it, and counts the latency it added", async () => {
    const minimum = minimumOfGetObject();
    const before = faults.stats().byOperation['s3:GetObject'] ?? { delayed: 0, latencyMs: 0 };
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      const answer = await s3.send(new GetObjectCommand({ Bucket: 'latency', Key: 'log.txt' }));
      expect(await answer.Body?.transformToString()).toBe('hi\n');
      // Timers may fire up to a millisecond early against performance.now().
      expect(performance.now() - started).toBeGreaterThanOrEqual(minimum - 1);
    }
    const after = faults.stats().byOperation['s3:GetObject'];
    expect(after?.delayed).toBe(before.delayed + 5);
    expect((after?.latencyMs ?? 0) - before.latencyMs).toBeGreaterThanOrEqual(5 * minimum);
  });

  it('adds nothing once the profile is cleared, while the fault configuration stays as it was', async () => {
    latency.set(undefined);
    try {
      expect(latency.get()).toBeUndefined();
      expect(faults.get()).toEqual({ rules: [] });
      const before = faults.stats().byOperation['s3:GetObject']?.matched;
      await s3.send(new GetObjectCommand({ Bucket: 'latency', Key: 'log.txt' }));
      expect(faults.stats().byOperation['s3:GetObject']?.matched).toBe(before);
    } finally {
      latency.set('aws');
    }
  });
});
