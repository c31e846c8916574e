import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetBucketVersioningCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultInfraFiles } from '../../../local/deploy/files.js';
import { loadDeploymentPlan } from '../../../local/deploy/plan.js';
import type { BucketSpec } from '../../../local/deploy/specs.js';
import { ensureBucket } from '../../../local/provision.js';
import { startS3Endpoint, type S3TestEndpoint } from '../aws/s3/endpoint.js';

describe("infra.yaml's versioning=true", () => {
  const dir = mkdtempSync(join(tmpdir(), 'aws-exec-versioning-infra-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is planned as a versioned bucket instead of refused', () => {
    const files = defaultInfraFiles();
    const infraFile = join(dir, 'infra.yaml');
    writeFileSync(infraFile, readFileSync(files.infraFile, 'utf8').replace('      - cors=true\n', '      - cors=true\n      - versioning=true\n'));
    const plan = loadDeploymentPlan({ infraFile, envTemplate: files.envTemplate, env: {} });
    expect(plan.buckets).toEqual([expect.objectContaining({ name: plan.bucket, versioning: true })]);
    const unversioned = loadDeploymentPlan({ ...files, env: {} });
    expect(unversioned.buckets).toEqual([expect.objectContaining({ versioning: false })]);
  });
});

describe('provisioning a bucket as libaws S3Ensure does (lib/s3.go)', () => {
  let endpoint: S3TestEndpoint;
  beforeAll(async () => {
    endpoint = await startS3Endpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });
  const spec = (name: string, versioning: boolean): BucketSpec => ({ name, cors: null, ttlDays: 0, versioning });
  const status = async (name: string) => (await endpoint.client().send(new GetBucketVersioningCommand({ Bucket: name }))).Status;

  it('enables versioning for versioning=true, once', async () => {
    const lines: string[] = [];
    await ensureBucket(endpoint.client(), spec('versioned', true), (line) => lines.push(line));
    await ensureBucket(endpoint.client(), spec('versioned', true), (line) => lines.push(line));
    expect(await status('versioned')).toBe('Enabled');
    expect(lines).toEqual(['created bucket: versioned', 'updated versioning for versioned: true']);
  });

  it('suspends versioning that was enabled when versioning=false, and leaves a never-versioned bucket so', async () => {
    const lines: string[] = [];
    await ensureBucket(endpoint.client(), spec('plain', false), (line) => lines.push(line));
    expect(await status('plain')).toBeUndefined();
    await endpoint.client().send(new PutBucketVersioningCommand({ Bucket: 'plain', VersioningConfiguration: { Status: 'Enabled' } }));
    await ensureBucket(endpoint.client(), spec('plain', false), (line) => lines.push(line));
    expect(await status('plain')).toBe('Suspended');
    expect(lines).toEqual(['created bucket: plain', 'updated versioning for plain: false']);
  });
});
