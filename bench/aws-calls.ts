/*
 * CPU per AWS call on the backend's path (issue 13): the job store's writes and reads, the
 * objects' puts, writer uploads and presigned URLs, each run `--calls` times (default 1,000)
 * one after another against the local endpoint in its own process, so that the CPU this
 * process spends is the client side alone. Beside them, the same calls through a bare SDK
 * client (default handler) as a reference.
 *
 *   npm run build && node --import tsx bench/aws-calls.ts [--calls 1000] [--warmup 300]
 *
 * A measurement, not a test: prints one table (µs of CPU and of wall time per call).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients } from '../backend/aws/clients.js';
import { createDynamoJobStore } from '../backend/jobs/dynamo-store.js';
import { createS3LogObjects } from '../backend/jobs/objects.js';
import { startEndpointProcess } from './local-aws/servers.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '300' } } });
const CALLS = Number(values.calls);
const TABLE = 'bench';
const BUCKET = 'bench';
/** Calls before the measured ones (`--warmup 0 --calls 10`: the cost in a fresh process, as a Lambda worker's first jobs pay it). */
const WARMUP = Number(values.warmup);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

interface Figure {
  label: string;
  cpuUs: number;
  wallUs: number;
}

/** Runs `call(i)` WARMUP times, then CALLS times, and returns the CPU and wall time per call. */
async function measure(label: string, call: (i: number) => Promise<unknown>): Promise<Figure> {
  for (let i = 0; i < WARMUP; i++) await call(-1 - i);
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await call(i);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { label, cpuUs: (used.user + used.system) / CALLS, wallUs: (wall * 1000) / CALLS };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aws-exec-bench-calls-'));
  const endpoint = await startEndpointProcess(dataDir);
  const region = 'us-east-1';
  const credentials = { accessKeyId: endpoint.credentials.accessKeyId, secretAccessKey: endpoint.credentials.secretAccessKey };
  const clients = createAwsClients({}, { endpoint: endpoint.url, region, credentials });
  const bareDdb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: endpoint.url, region, credentials }));
  const bareS3 = new S3Client({ endpoint: endpoint.url, region, credentials, forcePathStyle: true });
  try {
    await clients.ddb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const jobs = createDynamoJobStore({ ddb: clients.ddb, table: TABLE });
    const objects = createS3LogObjects({ s3: clients.s3, bucket: BUCKET });
    const uid = (i: number) => `1700000000.00000000-0000-4000-8000-${String(i + 1000).padStart(12, '0')}`;
    const record = (i: number) => ({ uid: uid(i), 'auth-name': 'bench:0123456789abcdef', argv: ['echo', 'hi'], 'started-at': 1, ttl: 2 });
    const body = 'x'.repeat(1024);
    const writer = await objects.openWriter('jobs/bench/log', 3600);
    const figures: Figure[] = [];
    figures.push(await measure('job store: createJob (PutItem, conditional)', (i) => jobs.createJob(record(i))));
    figures.push(await measure('job store: claimJob (UpdateItem, conditional, ALL_NEW)', (i) => jobs.claimJob(uid(i), 'bench:0123456789abcdef', { claimedAt: 5, deadline: 6, aliveUntil: 7 })));
    figures.push(await measure('job store: getJob (GetItem, consistent)', (i) => jobs.getJob(uid(i))));
    figures.push(await measure('objects: putObject 1 KiB', (i) => objects.putObject(`jobs/bench/${i}`, body)));
    figures.push(await measure('objects: writer upload 1 KiB', () => writer(body)));
    figures.push(await measure('objects: presignGet (no request)', (i) => objects.presignGet(`jobs/bench/${i}/log`, 900)));
    figures.push(await measure('reference: bare SDK PutItem (document client)', (i) => bareDdb.send(new PutCommand({ TableName: TABLE, Item: { id: `bare.${i}`, n: i } }))));
    figures.push(await measure('reference: bare SDK GetItem (document client)', (i) => bareDdb.send(new GetCommand({ TableName: TABLE, Key: { id: `bare.${i}` } }))));
    figures.push(await measure('reference: bare SDK PutObject 1 KiB', (i) => bareS3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `bare/${i}`, Body: body }))));
    const width = Math.max(...figures.map((figure) => figure.label.length));
    process.stdout.write(`${'call'.padEnd(width)}  CPU µs/call  wall µs/call   (${CALLS} calls each)\n`);
    for (const figure of figures) {
      process.stdout.write(`${figure.label.padEnd(width)}  ${figure.cpuUs.toFixed(0).padStart(11)}  ${figure.wallUs.toFixed(0).padStart(12)}\n`);
    }
  } finally {
    bareDdb.destroy();
    bareS3.destroy();
    clients.s3.destroy();
    clients.ddb.destroy();
    clients.lambda.destroy();
    await endpoint.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
