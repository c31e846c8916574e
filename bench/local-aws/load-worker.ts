/**
 * A load process of the local AWS benchmark: forked by bench/local-aws.ts, it holds the
 * SDK clients and runs the requests of each phase it is told to run, answering with how
 * many succeeded and how much CPU it used itself (the SDK client is often the limit).
 */
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  BUCKET,
  Command,
  KEYS_PER_WORKER,
  LARGE_BYTES,
  REGION,
  SMALL_BYTES,
  TABLE,
  TAIL_BYTES,
  TAIL_FROM,
  TAIL_KEY,
  type DynamoDbTarget,
  type PhaseName,
  type Reply,
} from './protocol.js';

type ConnectCommand = Extract<Command, { type: 'connect' }>;

/** One request of a phase; resolves with the bytes moved. */
type Request = (i: number) => Promise<number>;

interface Clients {
  worker: number;
  s3: S3Client;
  /** The same endpoint, signed with a role session's credentials. */
  s3Role: S3Client;
  dynamodb: Record<DynamoDbTarget, DynamoDBClient>;
  tailUrl?: string;
}

const small = Buffer.alloc(SMALL_BYTES, 'a');
const large = Buffer.alloc(LARGE_BYTES, 'b');

function connect(command: ConnectCommand): Clients {
  const dynamodb = (server: ConnectCommand['endpoint']) =>
    new DynamoDBClient({ endpoint: server.url, region: REGION, credentials: server.credentials, maxAttempts: 1 });
  const s3 = (credentials: ConnectCommand['endpointRole']) =>
    new S3Client({ endpoint: command.endpoint.url, region: REGION, credentials, forcePathStyle: true, maxAttempts: 1 });
  return {
    worker: command.worker,
    s3: s3(command.endpoint.credentials),
    s3Role: s3(command.endpointRole),
    dynamodb: { ours: dynamodb(command.endpoint), dynalite: dynamodb(command.dynalite) },
  };
}

const smallKey = (c: Clients, i: number) => `small/w${c.worker}/${i % KEYS_PER_WORKER}`;
const largeKey = (c: Clients) => `large/w${c.worker}`;
const itemKey = (c: Clients, i: number) => ({ id: { S: `job-w${c.worker}-${i % KEYS_PER_WORKER}` } });

async function createResources(c: Clients): Promise<void> {
  await c.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await c.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: TAIL_KEY, Body: Buffer.alloc(TAIL_BYTES, 'l') }));
  for (const client of Object.values(c.dynamodb)) {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // plain dynalite turns a table ACTIVE on a timer
}

async function fill(c: Clients, phases: readonly PhaseName[]): Promise<void> {
  const fills: Request[] = [];
  if (phases.includes('ddb-get')) fills.push(requestsOf(c, 'ddb-put', 'ours'), requestsOf(c, 'ddb-put', 'dynalite'));
  if (phases.includes('s3-get-1k') || phases.includes('s3-get-1k-role')) fills.push(requestsOf(c, 's3-put-1k', 'ours'));
  for (let i = 0; i < KEYS_PER_WORKER; i++) await Promise.all(fills.map((put) => put(i)));
  if (phases.includes('s3-get-10m')) await requestsOf(c, 's3-put-10m', 'ours')(0);
  // As aws-exec clients do: presign once, then poll the same URL with a Range header.
  c.tailUrl = await getSignedUrl(c.s3, new GetObjectCommand({ Bucket: BUCKET, Key: TAIL_KEY }), { expiresIn: 3600 });
}

function isByteStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/** Reads a GetObject body to its end, as a client would, without keeping it; returns its size. */
async function drain(body: unknown): Promise<number> {
  if (!isByteStream(body)) throw new Error(`Expected GetObject's Body to be a byte stream, got ${typeof body}`);
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

function requestsOf(c: Clients, phase: PhaseName, target: DynamoDbTarget): Request {
  switch (phase) {
    case 's3-put-1k':
      return async (i) => {
        await c.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: smallKey(c, i), Body: small }));
        return SMALL_BYTES;
      };
    case 's3-get-1k':
      return async (i) => drain((await c.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: smallKey(c, i) }))).Body);
    case 's3-get-1k-role':
      return async (i) => drain((await c.s3Role.send(new GetObjectCommand({ Bucket: BUCKET, Key: smallKey(c, i) }))).Body);
    case 's3-put-10m':
      return async () => {
        await c.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: largeKey(c), Body: large }));
        return LARGE_BYTES;
      };
    case 's3-get-10m':
      return async () => drain((await c.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: largeKey(c) }))).Body);
    case 's3-range-get':
      return async () => {
        const response = await fetch(c.tailUrl ?? '', { headers: { range: `bytes=${TAIL_FROM}-` } });
        const body = await response.arrayBuffer();
        if (response.status !== 206) throw new Error(`Expected 206 from the presigned Range GET, got ${response.status}`);
        return body.byteLength;
      };
    case 'ddb-put':
      return async (i) => {
        const Item = { ...itemKey(c, i), state: { S: 'running' }, size: { N: String(i) }, log: { S: 'x'.repeat(200) } };
        await c.dynamodb[target].send(new PutItemCommand({ TableName: TABLE, Item }));
        return 0;
      };
    case 'ddb-get':
      return async (i) => {
        const { Item } = await c.dynamodb[target].send(new GetItemCommand({ TableName: TABLE, Key: itemKey(c, i) }));
        if (!Item) throw new Error(`Expected item ${i % KEYS_PER_WORKER} to exist`);
        return 0;
      };
  }
}

/** Runs `request` from `concurrency` loops until the time is up. */
async function run(request: Request, concurrency: number, durationMs: number): Promise<Omit<Reply, 'cpuMs' | 'elapsedMs'>> {
  const until = performance.now() + durationMs;
  let ops = 0;
  let bytes = 0;
  let errors = 0;
  let firstError: string | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let i = loop; performance.now() < until; i += concurrency) {
        try {
          bytes += await request(i);
          ops++;
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      }
    }),
  );
  return { ops, bytes, errors, ...(firstError !== undefined ? { firstError } : {}) };
}

let clients: Clients | undefined;

async function execute(command: Command): Promise<Reply> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let counts: Omit<Reply, 'cpuMs' | 'elapsedMs'> = { ops: 0, bytes: 0, errors: 0 };
  if (command.type === 'connect') clients = connect(command);
  else if (!clients) throw new Error('Expected a connect command first');
  else if (command.type === 'create') await createResources(clients);
  else if (command.type === 'fill') await fill(clients, command.phases);
  else counts = await run(requestsOf(clients, command.phase, command.target), command.concurrency, command.durationMs);
  const cpu = process.cpuUsage(cpuBefore);
  return { ...counts, cpuMs: (cpu.user + cpu.system) / 1000, elapsedMs: performance.now() - started };
}

process.on('message', (message: unknown) => {
  const command = Command.safeParse(message);
  if (!command.success) {
    console.error(`Expected a benchmark command, got ${JSON.stringify(message)}`);
    process.exit(2);
  }
  execute(command.data).then(
    (reply) => process.send?.(reply),
    (error: unknown) => {
      console.error('load process: command failed', error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
