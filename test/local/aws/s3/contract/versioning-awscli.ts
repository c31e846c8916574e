import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAwsCli, type AwsCli } from '../awscli.js';
import type { S3TestEndpoint } from '../endpoint.js';

const BUCKET = 'cli-versions';
const Versioning = z.object({ Status: z.string() });
const PutOutput = z.object({ VersionId: z.string() });
const DeleteOutput = z.object({ DeleteMarker: z.boolean(), VersionId: z.string() });
const GetOutput = z.object({ VersionId: z.string(), ContentLength: z.number() });
const Entry = z.object({ Key: z.string(), VersionId: z.string(), IsLatest: z.boolean() });
const VersionsOutput = z.object({ Versions: z.array(Entry), DeleteMarkers: z.array(Entry).optional() });

/** Versioning with Debian's awscli (its own XML parser and SigV4 signer) as the client. */
export function describeVersioningWithAwsCli(env: () => S3TestEndpoint): void {
  // awscli starts a Python interpreter per call: slow on a busy 2-core machine, hence the long timeout.
  describe('versioning with awscli', { timeout: 120_000 }, () => {
    let aws: AwsCli;
    const json = async <T extends z.ZodType>(schema: T, ...args: string[]): Promise<z.infer<T>> => schema.parse(JSON.parse(await aws.run(...args)));

    beforeAll(async () => {
      aws = prepareAwsCli(env());
      await aws.run('s3api', 'create-bucket', '--bucket', BUCKET);
    });
    afterAll(() => aws.cleanup());

    it('enables versioning, reads an older version with get-object --version-id and lists versions and markers', async () => {
      await aws.run('s3api', 'put-bucket-versioning', '--bucket', BUCKET, '--versioning-configuration', 'Status=Enabled');
      expect(await json(Versioning, 's3api', 'get-bucket-versioning', '--bucket', BUCKET)).toEqual({ Status: 'Enabled' });
      const source = join(aws.workDir, 'v.txt');
      writeFileSync(source, 'first');
      const first = await json(PutOutput, 's3api', 'put-object', '--bucket', BUCKET, '--key', 'k', '--body', source);
      writeFileSync(source, 'second!');
      const second = await json(PutOutput, 's3api', 'put-object', '--bucket', BUCKET, '--key', 'k', '--body', source);
      const target = join(aws.workDir, 'v.out');
      const got = await json(GetOutput, 's3api', 'get-object', '--bucket', BUCKET, '--key', 'k', '--version-id', first.VersionId, target);
      expect(got).toMatchObject({ VersionId: first.VersionId, ContentLength: 5 });
      expect(readFileSync(target, 'utf8')).toBe('first');
      const marker = await json(DeleteOutput, 's3api', 'delete-object', '--bucket', BUCKET, '--key', 'k');
      expect(marker.DeleteMarker).toBe(true);
      const listed = await json(VersionsOutput, 's3api', 'list-object-versions', '--bucket', BUCKET);
      expect(listed.Versions.map((v) => [v.VersionId, v.IsLatest])).toEqual([
        [second.VersionId, false],
        [first.VersionId, false],
      ]);
      expect(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[marker.VersionId, true]]);
    });

    it('pages list-object-versions with --page-size 1 and gets every version', async () => {
      const listed = await json(VersionsOutput, 's3api', 'list-object-versions', '--bucket', BUCKET, '--page-size', '1');
      expect(listed.Versions).toHaveLength(2);
      expect(listed.DeleteMarkers).toHaveLength(1);
    });
  });
}
