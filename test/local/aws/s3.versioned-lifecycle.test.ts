import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../local/aws/s3/lifecycle/expiry.js';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';

const BUCKET = 'versioned';

describe('lifecycle rules on a versioned bucket (injected clock)', () => {
  const clock = { now: Date.parse('2030-01-10T10:30:00Z') };
  const open: S3TestEndpoint[] = [];
  const start = async () => {
    const endpoint = await startS3Endpoint({ service: { now: () => clock.now, lifecycleSweepIntervalMs: 3_600_000 } });
    open.push(endpoint);
    const s3 = endpoint.client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    return { endpoint, s3 };
  };
  const setStatus = (s3: S3Client, Status: 'Enabled' | 'Suspended') => s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status } }));
  const setRules = (s3: S3Client, ...rules: LifecycleRule[]) => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: rules } }));
  const put = async (s3: S3Client, key: string, body = key) => (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))).VersionId;
  /** Each version as `key id-or-null [marker] [latest]`, in listing order. */
  const versions = async (s3: S3Client) => {
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    return [
      ...(listed.Versions ?? []).map((v) => `${v.Key} ${v.VersionId === 'null' ? 'null' : 'id'}${v.IsLatest ? ' latest' : ''}`),
      ...(listed.DeleteMarkers ?? []).map((m) => `${m.Key} ${m.VersionId === 'null' ? 'null' : 'id'} marker${m.IsLatest ? ' latest' : ''}`),
    ];
  };

  afterEach(async () => {
    while (open.length > 0) {
      const endpoint = open.pop();
      expect(endpoint?.loggedErrors).toEqual([]);
      await endpoint?.close();
    }
    clock.now = Date.parse('2030-01-10T10:30:00Z');
  });

  it('expires a current version of an Enabled bucket by adding a delete marker, once, and keeps the object as noncurrent', async () => {
    const { endpoint, s3 } = await start();
    await setStatus(s3, 'Enabled');
    await setRules(s3, { ID: 'ttl', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 1 } });
    const id = await put(s3, 'log');
    clock.now = Date.parse('2030-01-12T00:00:00Z');
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 1, expiredVersions: 0, removedDeleteMarkers: 0, abortedUploads: 0 });
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'log' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'log', VersionId: id }))).Body?.transformToString()).toBe('log');
    expect(await versions(s3)).toEqual(['log id', 'log id marker latest']);
    // "Amazon S3 doesn't take any action if ... the delete marker is the current version."
    clock.now += 10 * DAY_MS;
    expect(await endpoint.service.sweepLifecycle()).toMatchObject({ expiredObjects: 0, removedDeleteMarkers: 0 });
    expect(await versions(s3)).toEqual(['log id', 'log id marker latest']);
  });

  it('expires the null current version of a Suspended bucket with a null delete marker that replaces it', async () => {
    const { endpoint, s3 } = await start();
    await setStatus(s3, 'Enabled');
    await put(s3, 'k', 'enabled');
    await setStatus(s3, 'Suspended');
    await put(s3, 'k', 'suspended');
    await setRules(s3, { ID: 'ttl', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 1 } });
    clock.now += 3 * DAY_MS;
    expect(await endpoint.service.sweepLifecycle()).toMatchObject({ expiredObjects: 1 });
    expect(await versions(s3)).toEqual(['k id', 'k null marker latest']);
  });

  it('deletes noncurrent versions NoncurrentDays after their successor was written, keeping NewerNoncurrentVersions of them', async () => {
    const { endpoint, s3 } = await start();
    await setStatus(s3, 'Enabled');
    await setRules(
      s3,
      { ID: 'all', Filter: { Prefix: 'all/' }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 2 } },
      { ID: 'keep-one', Filter: { Prefix: 'keep/' }, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 2, NewerNoncurrentVersions: 1 } },
    );
    for (const key of ['all/k', 'keep/k']) for (let i = 0; i < 3; i++) await put(s3, key, `${key} ${i}`);
    // Written 2030-01-10 10:30: noncurrent since then, due at 01-13 00:00 (+2 days, rounded up to midnight UTC).
    clock.now = Date.parse('2030-01-12T23:59:59Z');
    expect(await endpoint.service.sweepLifecycle()).toMatchObject({ expiredVersions: 0 });
    clock.now = Date.parse('2030-01-13T00:00:00Z');
    expect(await endpoint.service.sweepLifecycle()).toMatchObject({ expiredVersions: 3 });
    expect(await versions(s3)).toEqual(['all/k id latest', 'keep/k id latest', 'keep/k id']);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'keep/' }));
    const kept = listed.Versions?.find((v) => v.IsLatest === false)?.VersionId;
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'keep/k', VersionId: kept }))).Body?.transformToString()).toBe('keep/k 1');
  });

  it('removes an expired object delete marker (the only version left) and keeps one that still hides versions', async () => {
    const { endpoint, s3 } = await start();
    await setStatus(s3, 'Enabled');
    await setRules(s3, { ID: 'markers', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { ExpiredObjectDeleteMarker: true } });
    const lone = await put(s3, 'lone');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'lone' }));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'lone', VersionId: lone }));
    await put(s3, 'hidden');
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'hidden' }));
    expect(await endpoint.service.sweepLifecycle()).toEqual({ expiredObjects: 0, expiredVersions: 0, removedDeleteMarkers: 1, abortedUploads: 0 });
    expect(await versions(s3)).toEqual(['hidden id', 'hidden id marker latest']);
  });
});
