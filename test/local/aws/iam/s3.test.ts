import {
  AccessDenied,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, startIamHarness, type ClientCredentials, type IamHarness } from './harness.js';

const BUCKET = 'iam-bucket';
const ARN = `arn:aws:s3:::${BUCKET}`;

let h: IamHarness;
let reader: ClientCredentials;

// A role like aws-exec's: read and write under jobs/, nothing else.
const JOBS_ROLE = [
  { Effect: 'Allow' as const, Action: 's3:GetObject', Resource: `${ARN}/jobs/*` },
  { Effect: 'Allow' as const, Action: 's3:PutObject', Resource: `${ARN}/jobs/*` },
];

beforeAll(async () => {
  h = await startIamHarness();
  const root = h.s3(h.root);
  await root.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const key of ['jobs/a/log.txt', 'other/x', 'jobs/secret/k']) {
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `body of ${key}` }));
  }
  reader = h.session('jobs-role', JOBS_ROLE, 'jobs-session');
});

afterAll(async () => {
  await h?.close();
});

const principal = 'arn:aws:sts::000000000000:assumed-role/jobs-role/jobs-session';

describe('S3 with role credentials', () => {
  it('allows what the role allows, signed with the session token', async () => {
    const got = await h.s3(reader).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/a/log.txt' }));
    expect(await got.Body?.transformToString()).toBe('body of jobs/a/log.txt');
    await h.s3(reader).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'jobs/a/exit', Body: '0' }));
  });

  it('refuses what no statement allows with 403 AccessDenied and the message S3 sends', async () => {
    const error = await failureOf(() => h.s3(reader).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'other/x' })));
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).toBeInstanceOf(AccessDenied);
    expect(error.name).toBe('AccessDenied');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `User: ${principal} is not authorized to perform: s3:GetObject on resource: "${ARN}/other/x" because no identity-based policy allows the s3:GetObject action`,
    );
    const put = await failureOf(() => h.s3(reader).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/y', Body: 'y' })));
    expect(put.message).toContain('not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::iam-bucket/other/y"');
  });

  it('keeps the account root all-allowed', async () => {
    const got = await h.s3(h.root).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'other/x' }));
    expect(await got.Body?.transformToString()).toBe('body of other/x');
    const listed = await h.s3(h.root).send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toContain(BUCKET);
  });

  it('lets an explicit deny win over an allow of everything', async () => {
    const credentials = h.session('deny-role', [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: `${ARN}/jobs/secret/*` },
    ]);
    const error = await failureOf(() => h.s3(credentials).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/secret/k' })));
    expect(error.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/deny-role/test-session is not authorized to perform: s3:GetObject on resource: "${ARN}/jobs/secret/k" with an explicit deny in an identity-based policy`,
    );
    const allowed = await h.s3(credentials).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'other/x' }));
    expect(await allowed.Body?.transformToString()).toBe('body of other/x');
  });

  it('answers a missing key 403 without s3:ListBucket and 404 with it, also through a presigned URL', async () => {
    const credentials = h.session('missing-role', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` }]);
    const client = h.s3(credentials);
    const get = await failureOf(() => client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/none' })));
    expect(get.name).toBe('AccessDenied');
    expect(get.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/missing-role/test-session is not authorized to perform: s3:ListBucket on resource: "${ARN}" because no identity-based policy allows the s3:ListBucket action`,
    );
    const head = await failureOf(() => client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'jobs/none' })));
    expect(head.$metadata?.httpStatusCode).toBe(403);
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/none' }), { expiresIn: 600 });
    expect(url).toContain('X-Amz-Security-Token=');
    const presigned = await fetch(url);
    expect(presigned.status).toBe(403);
    expect(await presigned.text()).toContain('<Code>AccessDenied</Code>');

    // The role gains s3:ListBucket: the session already issued sees it at once.
    h.iam.putRole({
      name: 'missing-role',
      policies: [
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ARN}/*` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: ARN },
          ],
        },
      ],
    });
    const missing = await failureOf(() => client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'jobs/none' })));
    expect(missing.name).toBe('NoSuchKey');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    expect((await fetch(url)).status).toBe(404);
    const present = await fetch(await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: 'other/x' }), { expiresIn: 600 }));
    expect(await present.text()).toBe('body of other/x');
  });

  it('needs s3:GetObject on the source and s3:PutObject on the target of a copy', async () => {
    const client = h.s3(reader);
    await client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'jobs/copy', CopySource: `${BUCKET}/jobs/a/log.txt` }));
    const error = await failureOf(() => client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'jobs/copy2', CopySource: `${BUCKET}/other/x` })));
    expect(error.message).toContain(`not authorized to perform: s3:GetObject on resource: "${ARN}/other/x"`);
  });

  it('deletes the keys the role may delete and reports the others as AccessDenied', async () => {
    const root = h.s3(h.root);
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'jobs/del', Body: 'd' }));
    await root.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/del', Body: 'd' }));
    const credentials = h.session('delete-role', [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${ARN}/jobs/*` }]);
    const result = await h.s3(credentials).send(
      new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'jobs/del' }, { Key: 'other/del' }] } }),
    );
    expect(result.Deleted?.map((d) => d.Key)).toEqual(['jobs/del']);
    expect(result.Errors).toEqual([{ Key: 'other/del', Code: 'AccessDenied', Message: 'Access Denied' }]);
    await root.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'other/del' }));
  });

  it('needs s3:ListBucket to list and s3:ListAllMyBuckets to list buckets, and answers a missing bucket 404 first', async () => {
    const list = await failureOf(() => h.s3(reader).send(new ListObjectsV2Command({ Bucket: BUCKET })));
    expect(list.message).toContain(`not authorized to perform: s3:ListBucket on resource: "${ARN}"`);
    const buckets = await failureOf(() => h.s3(reader).send(new ListBucketsCommand({})));
    expect(buckets.message).toBe(
      `User: ${principal} is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action`,
    );
    const missing = await failureOf(() => h.s3(reader).send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'jobs/x' })));
    expect(missing.name).toBe('NoSuchBucket');
  });

  it('needs the *Version actions to read, delete and list versions, and s3:PutBucketVersioning to turn versioning on', async () => {
    const root = h.s3(h.root);
    await root.send(new CreateBucketCommand({ Bucket: 'iam-versions' }));
    const versionsArn = 'arn:aws:s3:::iam-versions';
    const plain = h.session('plain-role', [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject', 's3:ListBucket'], Resource: [versionsArn, `${versionsArn}/*`] }]);
    const refused = await failureOf(() => h.s3(plain).send(new PutBucketVersioningCommand({ Bucket: 'iam-versions', VersioningConfiguration: { Status: 'Enabled' } })));
    expect(refused.message).toContain(`not authorized to perform: s3:PutBucketVersioning on resource: "${versionsArn}"`);
    await root.send(new PutBucketVersioningCommand({ Bucket: 'iam-versions', VersioningConfiguration: { Status: 'Enabled' } }));
    const id = (await root.send(new PutObjectCommand({ Bucket: 'iam-versions', Key: 'k', Body: 'v1' }))).VersionId;
    await h.s3(plain).send(new GetObjectCommand({ Bucket: 'iam-versions', Key: 'k' }));
    // A HEAD answer has no body: its denial has no message to compare (action undefined).
    for (const [action, send] of [
      ['s3:GetObjectVersion', () => h.s3(plain).send(new GetObjectCommand({ Bucket: 'iam-versions', Key: 'k', VersionId: id }))],
      [undefined, () => h.s3(plain).send(new HeadObjectCommand({ Bucket: 'iam-versions', Key: 'k', VersionId: id }))],
      ['s3:DeleteObjectVersion', () => h.s3(plain).send(new DeleteObjectCommand({ Bucket: 'iam-versions', Key: 'k', VersionId: id }))],
      ['s3:ListBucketVersions', () => h.s3(plain).send(new ListObjectVersionsCommand({ Bucket: 'iam-versions' }))],
    ] as const) {
      const error = await failureOf(send);
      expect(error.$metadata?.httpStatusCode).toBe(403);
      if (action !== undefined) expect(error.message).toContain(`not authorized to perform: ${action}`);
    }
    const versioned = h.session('versions-role', [
      { Effect: 'Allow', Action: ['s3:GetObjectVersion', 's3:DeleteObjectVersion', 's3:ListBucketVersions'], Resource: [versionsArn, `${versionsArn}/*`] },
    ]);
    const got = await h.s3(versioned).send(new GetObjectCommand({ Bucket: 'iam-versions', Key: 'k', VersionId: id }));
    expect(await got.Body?.transformToString()).toBe('v1');
    expect((await h.s3(versioned).send(new ListObjectVersionsCommand({ Bucket: 'iam-versions' }))).Versions).toHaveLength(1);
    await h.s3(versioned).send(new DeleteObjectCommand({ Bucket: 'iam-versions', Key: 'k', VersionId: id }));
  });

  it('shows awscli, an independent signer, the same answers', async () => {
    const allowed = await h.awscli(reader, 's3', 'cp', `s3://${BUCKET}/jobs/a/log.txt`, '-');
    expect(allowed).toMatchObject({ code: 0, stdout: 'body of jobs/a/log.txt' });
    const denied = await h.awscli(reader, 's3api', 'get-object', '--bucket', BUCKET, '--key', 'other/x', 'out.txt');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:sts::000000000000:assumed-role/jobs-role/jobs-session is not authorized');
  });
});
