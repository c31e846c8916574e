import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCredentials } from '../../../../local/aws/credentials.js';
import { createLocalIam } from '../../../../local/aws/iam/index.js';
import { createLambdaService, type LambdaService } from '../../../../local/aws/lambda/index.js';
import { startEndpoint, type Endpoint } from '../../../../local/aws/server.js';
import { makeTempDir, policyOf } from './harness.js';

const PROBE = fileURLToPath(new URL('./role-probe.mjs', import.meta.url));
const SESSION_SECONDS = 900;
/** Environments retire this long after they start (their 900 s session minus the margin). */
const RETIRE_AFTER_MS = 3000;

let endpoint: Endpoint | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

async function startService(): Promise<LambdaService> {
  const root = generateCredentials();
  dataDir = makeTempDir();
  const iam = createLocalIam({ dataDir });
  iam.putRole({ name: 'r', policies: [policyOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })] });
  let url = '';
  const lambda = createLambdaService({
    region: 'us-east-1',
    credentials: root,
    iam,
    endpointUrl: () => url,
    roleSessionSeconds: SESSION_SECONDS,
    retireBeforeExpiryMs: SESSION_SECONDS * 1000 - RETIRE_AFTER_MS,
    writeOutput: () => {},
    logError: () => {},
  });
  endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [root], sessions: iam, services: [lambda] });
  url = endpoint.url;
  lambda.registerFunction({ name: 'probe', module: PROBE, role: 'r', timeoutSeconds: 30, env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  return lambda;
}

async function keyOf(lambda: LambdaService, event: Record<string, unknown> = {}): Promise<string> {
  const result = await lambda.invoke('probe', Buffer.from(JSON.stringify(event)), 'RequestResponse');
  if (result.functionError) throw new Error(`Expected the probe to succeed, it failed: ${result.payload.toString('utf8')}`);
  return (JSON.parse(result.payload.toString('utf8')) as { accessKeyId: string }).accessKeyId;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('execution environments with role credentials', () => {
  it('reuses a warm environment and its session until the session is about to end', async () => {
    const lambda = await startService();
    const first = await keyOf(lambda);
    expect(await keyOf(lambda)).toBe(first);
    await sleep(RETIRE_AFTER_MS + 500);
    const second = await keyOf(lambda);
    expect(second).toMatch(/^ASIA/);
    expect(second).not.toBe(first);
  });

  it('retires a busy environment once its invocation is done, not during it', async () => {
    const lambda = await startService();
    // The retirement comes while this invocation runs: it finishes (with its credentials) in its environment.
    const busy = await keyOf(lambda, { sleepMs: RETIRE_AFTER_MS + 1000 });
    expect(busy).toMatch(/^ASIA/);
    expect(await keyOf(lambda)).not.toBe(busy);
  });
});
