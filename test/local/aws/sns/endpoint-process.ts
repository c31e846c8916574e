/**
 * Our endpoint with SQS and SNS in its own process, for tests that kill it. Usage:
 *   node --import tsx endpoint-process.ts DATA_DIR
 * Prints one JSON line {url, accessKeyId, secretAccessKey, pid} once it listens; closes cleanly on
 * SIGTERM / SIGINT.
 */
import { loadOrCreateCredentials } from '../../../../local/aws/credentials.js';
import { startEndpoint } from '../../../../local/aws/server.js';
import { createSnsService } from '../../../../local/aws/sns/index.js';
import { createSqsService } from '../../../../local/aws/sqs/index.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  console.error(`Expected a data directory argument, got \`${process.argv.slice(2).join(' ')}\``);
  process.exit(2);
}
const credentials = loadOrCreateCredentials(dataDir);
let url = '';
const logError = (message: string) => console.error(message);
const sqs = createSqsService({ dataDir: `${dataDir}/sqs`, region: 'us-east-1', endpointUrl: () => url, logError });
const sns = createSnsService({
  dataDir: `${dataDir}/sns`,
  region: 'us-east-1',
  endpointUrl: () => url,
  sqs: () => sqs,
  lambda: () => ({ invoke: () => Promise.reject(new Error('no Lambda service in this endpoint')) }),
  logError,
});
const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [sqs, sns], logError });
url = endpoint.url;
process.stdout.write(`${JSON.stringify({ url, ...credentials, pid: process.pid })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void endpoint.close().then(() => process.exit(0));
  });
}
