// Runs a Lambda endpoint in its own process (for the parent-death test): prints
// {"url", "credentials"} as one JSON line once it listens, then serves until killed.
import { generateCredentials } from '../../../../local/aws/credentials.js';
import { createLambdaService } from '../../../../local/aws/lambda/index.js';
import { startEndpoint } from '../../../../local/aws/server.js';

const [name, module] = process.argv.slice(2);
if (!name || !module) {
  process.stderr.write(`Expected <function-name> <module> arguments, got ${JSON.stringify(process.argv.slice(2))}\n`);
  process.exit(2);
}
const credentials = generateCredentials();
let url = '';
const lambda = createLambdaService({ region: 'us-east-1', credentials, endpointUrl: () => url });
lambda.registerFunction({ name, module, timeoutSeconds: 300 });
const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [lambda] });
url = endpoint.url;
process.stdout.write(`${JSON.stringify({ url, credentials })}\n`);
