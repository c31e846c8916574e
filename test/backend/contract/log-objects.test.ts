import { S3Client } from '@aws-sdk/client-s3';
import { createS3LogObjects } from '../../../backend/jobs/objects.js';
import { generateCredentials } from '../../../local/aws/credentials.js';
import { createMemoryObjects } from '../helpers/fakes.js';
import { startTestAws } from '../helpers/local-aws.js';
import { describeLogObjectsContract } from './log-objects.js';

describeLogObjectsContract('the in-memory fake', async () => {
  const objects = createMemoryObjects();
  return { objects, refused: createMemoryObjects({ refused: true }), fetch: objects.fetch, close: async () => {} };
});

describeLogObjectsContract("the local endpoint's S3", async () => {
  const aws = await startTestAws();
  // Credentials the endpoint does not know: every request is refused with 403 (InvalidAccessKeyId).
  const stranger = new S3Client({ endpoint: aws.aws.endpoint, region: aws.aws.region, credentials: generateCredentials(), forcePathStyle: true, maxAttempts: 1 });
  return {
    objects: createS3LogObjects({ s3: aws.clients.s3, bucket: aws.bucket }),
    refused: createS3LogObjects({ s3: stranger, bucket: aws.bucket }),
    fetch: globalThis.fetch,
    async close() {
      stranger.destroy();
      await aws.close();
    },
  };
});
