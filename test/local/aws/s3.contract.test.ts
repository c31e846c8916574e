import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeAddressing } from './s3/contract/addressing.js';
import { describeAuth } from './s3/contract/auth.js';
import { describeBuckets } from './s3/contract/buckets.js';
import { describeCors } from './s3/contract/cors.js';
import { describeLifecycle } from './s3/contract/lifecycle.js';
import { describeListing } from './s3/contract/listing.js';
import { describeMultipart } from './s3/contract/multipart.js';
import { describeObjects } from './s3/contract/objects.js';
import { describePayloads } from './s3/contract/payloads.js';
import { describeRanges } from './s3/contract/ranges.js';
import { describeTagging } from './s3/contract/tagging.js';
import { describeVersioning } from './s3/contract/versioning.js';
import { describeVersioningWithAwsCli } from './s3/contract/versioning-awscli.js';
import { startS3Endpoint, type S3TestEndpoint } from './s3/endpoint.js';

// One S3 contract suite, written against the AWS SDK v3 client (and awscli where it says so), run against the local endpoint.
describe('S3 contract (AWS SDK v3 against the local endpoint)', () => {
  let endpoint: S3TestEndpoint;
  const env = () => endpoint;

  beforeAll(async () => {
    endpoint = await startS3Endpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });

  describeBuckets(env);
  describeObjects(env);
  describeRanges(env);
  describeListing(env);
  describeMultipart(env);
  describeCors(env);
  describeLifecycle(env);
  describeAuth(env);
  describePayloads(env);
  describeAddressing(env);
  describeTagging(env);
  describeVersioning(env);
  describeVersioningWithAwsCli(env);

  it('logged no unexpected failure while serving the suite', () => {
    expect(endpoint.loggedErrors).toEqual([]);
  });
});
