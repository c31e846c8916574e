/**
 * A DynamoDB endpoint in its own process, for tests that kill it and for side-by-side
 * measurements. Usage:
 *   node --import tsx endpoint-process.ts ours DATA_DIR
 *   node --import tsx endpoint-process.ts dynalite [DATA_DIR]
 * Prints one JSON line {url, accessKeyId, secretAccessKey, pid} once it listens; closes
 * cleanly on SIGTERM / SIGINT.
 */
// Imports only the servers (no SDK clients), so that the process's RSS is the endpoint's.
import { generateCredentials, loadOrCreateCredentials } from '../../../../local/aws/credentials.js';
import { createDynamoDbService } from '../../../../local/aws/dynamodb/index.js';
import { startEndpoint } from '../../../../local/aws/server.js';
import type { Credentials } from '../../../../local/aws/sigv4.js';
import { listenPlainDynalite } from './dynalite.js';

interface Target {
  url: string;
  credentials: Credentials;
  close(): Promise<void>;
}

const [kind, dataDir] = process.argv.slice(2);
let target: Target;
if (kind === 'ours' && dataDir) {
  const credentials = loadOrCreateCredentials(dataDir);
  const service = await createDynamoDbService({ dataDir, region: 'us-east-1' });
  const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [service] });
  target = { url: endpoint.url, credentials, close: () => endpoint.close() };
} else if (kind === 'dynalite') {
  const server = await listenPlainDynalite(dataDir);
  target = { ...server, credentials: generateCredentials() };
} else {
  console.error(`Expected \`ours DATA_DIR\` or \`dynalite [DATA_DIR]\`, got \`${process.argv.slice(2).join(' ')}\``);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify({ url: target.url, ...target.credentials, pid: process.pid })}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void target.close().then(() => process.exit(0));
  });
}
