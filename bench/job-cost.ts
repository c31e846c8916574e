/*
 * What one job costs in AWS requests: the Lambda bundle (scripts/bundle.ts) runs alone in
 * a fresh node process, as in Lambda, against the local AWS endpoint through a counting
 * proxy; the SDK client follows each job through the local API gateway. Prints, per job,
 * the API Gateway requests, Lambda invocations, the backend's S3 and DynamoDB requests,
 * the client's presigned reads, and the bytes uploaded against the final log.
 *
 *   npm run bench:cost      (about 30 s)
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthKey } from '../backend/auth/admin.js';
import { createClient } from '../client/index.js';
import { startGateway } from '../local/gateway.js';
import { JobEvent } from '../protocol/index.js';
import { BUNDLE, bundleHandler } from '../scripts/bundle.js';
import { startTestAws } from '../test/backend/helpers/local-aws.js';
import { startBundleDriver } from '../test/deploy/helpers/driver.js';

const FUNCTION_NAME = 'aws-exec-cost';
const JOBS: { name: string; argv: string[] }[] = [
  { name: 'echo hi', argv: ['sh', '-c', 'echo hi'] },
  { name: '10 s, a line a second', argv: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo line $i; sleep 1; done'] },
  { name: '16 MiB of output at once', argv: ['sh', '-c', 'head -c 16777216 /dev/zero | tr "\\0" x'] },
];

/** Names an AWS request by its service and operation, as it would be billed. */
function classify(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return `DynamoDB ${target.split('.')[1]}`;
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.startsWith('/2015-03-31/functions/')) return `Lambda Invoke (${req.headers['x-amz-invocation-type'] ?? 'RequestResponse'})`;
  const presigned = url.searchParams.has('X-Amz-Signature');
  return `S3 ${req.method}${presigned ? ' (presigned)' : ''}`;
}

async function main(): Promise<void> {
  const bundle = await bundleHandler();
  const bundleDir = mkdtempSync(join(tmpdir(), 'aws-exec-cost-'));
  copyFileSync(bundle.file, join(bundleDir, BUNDLE.file));
  const captureFile = join(bundleDir, '..', `${FUNCTION_NAME}-${process.pid}.jsonl`);
  const aws = await startTestAws();
  const counts = new Map<string, number>();
  const proxy = createServer((req, res) => {
    const name = classify(req);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const target = new URL(aws.aws.endpoint);
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const capture = join(bundleDir, 'capture.mjs');
  appendFileSync(capture, `import { appendFileSync } from 'node:fs';\nexport async function handler(e) { appendFileSync(${JSON.stringify(captureFile)}, JSON.stringify(e) + '\\n'); return {}; }\n`);
  aws.lambda.registerFunction({ name: FUNCTION_NAME, module: capture, timeoutSeconds: 30, memoryMb: 128, maxRetryAttempts: 0 });
  const key = (await createAuthKey({ ddb: aws.clients.ddb, table: aws.table }, 'bench')).key;
  const driver = await startBundleDriver(join(bundleDir, BUNDLE.file), bundleDir, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_ENDPOINT_URL: proxyUrl,
    AWS_REGION: aws.aws.region,
    AWS_ACCESS_KEY_ID: aws.aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.aws.credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PROJECT_NAME: 'aws-exec-cost',
    PROJECT_BUCKET: aws.bucket,
    PROJECT_TABLE: aws.table,
  });
  let apiRequests = 0;
  let invocations = 0;
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    invoke: async (payload) => {
      apiRequests += 1;
      invocations += 1;
      return { payload: Buffer.from(JSON.stringify(await driver.invoke(JSON.parse(payload.toString('utf8'))))) };
    },
  });
  const client = createClient({ url: gateway.url, auth: key });
  // Warm up: the first request pays for the key lookup, which a warm process caches 30 s.
  await client.list();
  const rows: string[] = [];
  try {
    for (const job of JOBS) {
      counts.clear();
      apiRequests = 0;
      invocations = 0;
      let started: (uid: string) => void = () => undefined;
      const uidKnown = new Promise<string>((resolve) => (started = resolve));
      // client.exec, as the CLI runs a job: POST, then the presigned URLs of its answer.
      const followed = client.exec({ argv: job.argv }, { onStart: started });
      const event = await waitForEvent(captureFile, await uidKnown);
      invocations += 1;
      const result = (await driver.invoke(event, 120_000)) as { exit: number; size: number; uploadedBytes: number; uploads: number };
      const exit = await followed;
      const line = [...counts.entries()].sort().map(([name, n]) => `${name} ${n}`).join(', ');
      rows.push(
        `${job.name}: exit ${exit}; API Gateway requests ${apiRequests}; Lambda invocations ${invocations}; ${line}; ` +
          `log ${result.size} bytes, uploaded ${result.uploadedBytes} bytes in ${result.uploads} uploads (${(result.uploadedBytes / Math.max(1, result.size)).toFixed(2)}x)`,
      );
    }
  } finally {
    await gateway.close();
    await driver.close();
    proxy.close();
    await aws.close();
    rmSync(bundleDir, { recursive: true, force: true });
    rmSync(captureFile, { force: true });
  }
  console.log('Requests per job (the bundle against the local endpoint through a counting proxy; the SDK client following each job):');
  for (const row of rows) console.log(`- ${row}`);
}

async function waitForEvent(file: string, uid: string): Promise<JobEvent> {
  for (let i = 0; i < 300; i++) {
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const event = JobEvent.parse(JSON.parse(line));
        if (event.uid === uid) return event;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Expected the job event of ${uid} within 15 s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
