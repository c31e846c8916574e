// Runs the S3 service in its own process, so a test can kill it with SIGKILL or read its memory use.
// Usage: node --import tsx server-child.ts DATA_DIR (credentials in S3_TEST_CREDENTIALS as JSON).
import { createS3Service } from '../../../../local/aws/s3/index.js';
import { startEndpoint } from '../../../../local/aws/server.js';

const dataDir = process.argv[2];
const credentials: unknown = JSON.parse(process.env.S3_TEST_CREDENTIALS ?? 'null');
if (dataDir === undefined || typeof credentials !== 'object' || credentials === null) {
  throw new Error('Expected a data directory argument and S3_TEST_CREDENTIALS');
}
const { accessKeyId, secretAccessKey } = credentials as Record<string, unknown>;
if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') throw new Error('Expected S3_TEST_CREDENTIALS {accessKeyId, secretAccessKey}');
const service = await createS3Service({ dataDir, region: 'us-east-1' });
const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [{ accessKeyId, secretAccessKey }], services: [service] });
process.stdout.write(`${JSON.stringify({ port: endpoint.port })}\n`);
