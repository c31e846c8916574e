import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, expiredBefore, expiryAfterDays } from '../../../local/aws/s3/lifecycle/expiry.js';
import { prepareAwsCli, type AwsCli } from './s3/awscli.js';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';

const BUCKET = 'jobs';
const CliLifecycle = z.object({ Rules: z.array(z.record(z.string(), z.unknown())) });
const LIBAWS_RULE: LifecycleRule = { ID: 'ttlDays=1', Prefix: '', Status: 'Enabled', Expiration: { Days: 1 } };

describe('lifecycle expiry times', () => {
  it('adds the days to the creation time and rounds up to the next midnight UTC, as the S3 guide’s example', () => {
    expect(new Date(expiryAfterDays(Date.parse('2014-01-15T10:30:00Z'), 3)).toISOString()).toBe('2014-01-19T00:00:00.000Z');
    expect(new Date(expiryAfterDays(Date.parse('2014-01-15T00:00:00Z'), 1)).toISOString()).toBe('2014-01-17T00:00:00.000Z');
  });

  it('takes exactly the creation times whose expiry is due as expired', () => {
    const created = [Date.parse('2030-01-10T00:00:00Z'), Date.parse('2030-01-10T10:30:00Z'), Date.parse('2030-01-10T23:59:59Z')];
    for (const days of [1, 3, 30]) {
      for (const createdMs of created) {
        for (const offset of [-1, 0, 1, DAY_MS / 2]) {
          const nowMs = expiryAfterDays(createdMs, days) + offset;
          expect(createdMs < expiredBefore(nowMs, days)).toBe(offset >= 0);
        }
      }
    }
  });
});

describe('lifecycle expiry applied by the sweep (injected clock)', () => {
  const clock = { now: Date.parse('2030-01-10T10:30:00Z') };
  const open: S3TestEndpoint[] = [];
  const start = async (dataDir?: string, credentials?: S3TestEndpoint['credentials']) => {
    const endpoint = await startS3Endpoint({ ...(dataDir ? { dataDir } : {}), ...(credentials ? { credentials } : {}), service: { now: () => clock.now, lifecycleSweepIntervalMs: 3_600_000 } });
    open.push(endpoint);
    return endpoint;
  };
  const keys = async (s3: S3Client, bucket = BUCKET) => (await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((c) => c.Key) ?? [];
  const put = (s3: S3Client, key: string, tagging?: string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key, ...(tagging ? { Tagging: tagging } : {}) }));
  const setRules = (s3: S3Client, ...rules: LifecycleRule[]) => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: rules } }));

  afterEach(async () => {
    while (open.length > 0) {
      const endpoint = open.pop();
      expect(endpoint?.loggedErrors).toEqual([]);
      await endpoint?.close();
    }
    clock.now = Date.parse('2030-01-10T10:30:00Z');
  });

  it('deletes an object once creation + Days rounded to midnight UTC has passed, keeps a fresh one, and serves the expired one until the sweep', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(s3, LIBAWS_RULE);
    await put(s3, 'jobs/old/log.txt');
    clock.now = Date.parse('2030-01-11T23:59:59Z');
    await put(s3, 'jobs/fresh/log.txt');
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 0, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 });

    clock.now = Date.parse('2030-01-12T00:00:00Z');
    const stillServed = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/old/log.txt' }));
    expect(await stillServed.Body?.transformToString()).toBe('jobs/old/log.txt');
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 1, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 });
    expect(await keys(s3)).toEqual(['jobs/fresh/log.txt']);
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/old/log.txt' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('counts an overwrite as a new object, whose age starts again', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(s3, LIBAWS_RULE);
    await put(s3, 'rewritten');
    clock.now = Date.parse('2030-01-11T12:00:00Z');
    await put(s3, 'rewritten');
    clock.now = Date.parse('2030-01-12T12:00:00Z');
    await endpoint.service.sweepLifecycle();
    expect(await keys(s3)).toEqual(['rewritten']);
  });

  it('applies a rule only to the objects its prefix, tag or size filter takes', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(
      s3,
      { ID: 'tmp', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'scratch', Filter: { Tag: { Key: 'class', Value: 'scratch' } }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'small-logs', Filter: { And: { Prefix: 'logs/', ObjectSizeLessThan: 12 } }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'off', Filter: { Prefix: 'keep/' }, Status: 'Disabled', Expiration: { Days: 1 } },
    );
    await put(s3, 'tmp/a');
    await put(s3, 'tmpfile');
    await put(s3, 'keep/a');
    await put(s3, 'keep/tagged', 'class=scratch');
    await put(s3, 'keep/other-tag', 'class=precious');
    await put(s3, 'logs/a');
    await put(s3, 'logs/longer-name');
    clock.now += 3 * DAY_MS;
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 3, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 });
    expect(await keys(s3)).toEqual(['keep/a', 'keep/other-tag', 'logs/longer-name', 'tmpfile']);
  });

  it('expires every object a Date rule takes once that date has come, new ones included', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(s3, { ID: 'date', Filter: { Prefix: 'd/' }, Status: 'Enabled', Expiration: { Date: new Date('2030-01-12T00:00:00Z') } });
    await put(s3, 'd/before');
    expect(await endpoint.service.sweepLifecycle()).toMatchObject({ expiredObjects: 0 });
    clock.now = Date.parse('2030-01-12T00:00:00Z');
    await put(s3, 'd/on-the-day');
    await put(s3, 'other');
    expect(await endpoint.service.sweepLifecycle()).toMatchObject({ expiredObjects: 2 });
    expect(await keys(s3)).toEqual(['other']);
  });

  it('aborts multipart uploads initiated DaysAfterInitiation (rounded to midnight) ago under the rule’s prefix', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(s3, { ID: 'abort', Filter: { Prefix: 'up/' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'up/stale' }));
    await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'elsewhere' }));
    clock.now = Date.parse('2030-01-12T00:00:00Z');
    await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'up/recent' }));
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 0, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 1 });
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(uploads.Uploads?.map((u) => u.Key)).toEqual(['elsewhere', 'up/recent']);
  });

  it('stops expiring once the configuration is deleted', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(s3, LIBAWS_RULE);
    await put(s3, 'kept');
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: BUCKET }));
    clock.now += 30 * DAY_MS;
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 0, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 });
    expect(await keys(s3)).toEqual(['kept']);
  });

  it('expires more objects than one sweep step reads, all of them', async () => {
    const endpoint = await start();
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await setRules(s3, { ID: 'old', Filter: { Prefix: 'old/' }, Status: 'Enabled', Expiration: { Days: 1 } });
    const names = Array.from({ length: 250 }, (_, i) => `old/${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((key) => put(s3, key)));
    await put(s3, 'young/one');
    clock.now += 3 * DAY_MS;
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 250, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 });
    expect(await keys(s3)).toEqual(['young/one']);
  });

  it('keeps the configuration across a restart and applies it in the sweep at start', async () => {
    const first = await start();
    const s3 = first.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const abortRule: LifecycleRule = { ID: 'tmp', Prefix: 'tmp/', Status: 'Disabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 5 } };
    await setRules(s3, LIBAWS_RULE, abortRule);
    await put(s3, 'job/log.txt');
    open.pop();
    await first.close(true);

    clock.now += 3 * DAY_MS;
    const second = await start(first.dataDir, first.credentials);
    const again = second.client();
    const got = await again.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
    expect(got.Rules).toEqual([LIBAWS_RULE, abortRule]);
    const deadline = Date.now() + 5_000;
    while ((await keys(again)).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await keys(again)).toEqual([]);
  });
});

// awscli 2.9 as an independent client: it computes Content-MD5 itself for this PUT.
describe('lifecycle configuration with awscli as the client', { timeout: 120_000 }, () => {
  let endpoint: S3TestEndpoint | undefined;
  let aws: AwsCli | undefined;
  afterEach(async () => {
    aws?.cleanup();
    await endpoint?.close();
  });

  it('puts the configuration libaws writes, reads it back, refuses Days 0 and deletes it', async () => {
    endpoint = await startS3Endpoint();
    aws = prepareAwsCli(endpoint);
    await aws.run('s3api', 'create-bucket', '--bucket', 'cli-lifecycle');
    const config = { Rules: [{ ID: 'ttlDays=7', Prefix: '', Status: 'Enabled', Expiration: { Days: 7 } }] };
    await aws.run('s3api', 'put-bucket-lifecycle-configuration', '--bucket', 'cli-lifecycle', '--lifecycle-configuration', JSON.stringify(config));
    const got = CliLifecycle.parse(JSON.parse(await aws.run('s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'cli-lifecycle')));
    expect(got.Rules).toEqual(config.Rules);

    const refused = await aws.attempt('s3api', 'put-bucket-lifecycle-configuration', '--bucket', 'cli-lifecycle', '--lifecycle-configuration', JSON.stringify({ Rules: [{ ...config.Rules[0], Expiration: { Days: 0 } }] }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("(InvalidArgument) when calling the PutBucketLifecycleConfiguration operation: 'Days' for Expiration action must be a positive integer");

    await aws.run('s3api', 'delete-bucket-lifecycle', '--bucket', 'cli-lifecycle');
    const gone = await aws.attempt('s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'cli-lifecycle');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('(NoSuchLifecycleConfiguration)');
  });
});
