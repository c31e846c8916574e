import { startProcess, type SqsServer } from '../sqs/servers.js';

const DIST = (path: string) => new URL(`../../dist/local/aws/${path}`, import.meta.url).href;

// Ours runs from compiled dist/ under plain node: the endpoint with the local SQS and SNS, as
// startLocalAws wires them (SNS delivering to the SQS in the same process).
const OURS = `
import { loadOrCreateCredentials } from ${JSON.stringify(DIST('credentials.js'))};
import { startEndpoint } from ${JSON.stringify(DIST('server.js'))};
import { createSqsService } from ${JSON.stringify(DIST('sqs/index.js'))};
import { createSnsService } from ${JSON.stringify(DIST('sns/index.js'))};
const dataDir = process.argv[1];
const credentials = loadOrCreateCredentials(dataDir);
let url = '';
const sqs = createSqsService({ dataDir: dataDir + '/sqs', region: 'us-east-1', endpointUrl: () => url });
const sns = createSnsService({
  dataDir: dataDir + '/sns', region: 'us-east-1', endpointUrl: () => url, sqs: () => sqs,
  lambda: () => ({ invoke: () => Promise.reject(new Error('no Lambda in the benchmark')) }),
});
const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [sqs, sns] });
url = endpoint.url;
process.stdout.write(JSON.stringify({ url, ...credentials, pid: process.pid }) + '\\n');
process.once('SIGTERM', () => void endpoint.close().then(() => process.exit(0)));
`;

/** Starts our endpoint (compiled, SQS and SNS) on `dataDir`. */
export function startOursWithSns(dataDir: string): Promise<SqsServer> {
  return startProcess('ours (SQLite, SigV4)', process.execPath, ['--input-type=module', '-e', OURS, dataDir]);
}
