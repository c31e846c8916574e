/**
 * Quick side-by-side measurement of our endpoint (SigV4 verified, dynalite engine
 * in-process) against plain dynalite (its own HTTP server, signatures ignored), each in
 * its own process with its data on disk:
 *  - `sdk`: GetItem / PutItem ops/s through @aws-sdk/client-dynamodb (on a small machine
 *    the SDK client's own CPU is usually the limit here);
 *  - `raw`: the same requests pre-signed once and replayed by a bare keep-alive HTTP
 *    client, so that the server is the limit;
 * and, for both, the server's CPU time per operation and its RSS afterwards.
 *   node --import tsx test/local/aws/dynamodb/bench.ts [SECONDS] [CONCURRENCY] [ROUNDS]
 */
import http from 'node:http';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { connectClients, makeTempDir, REGION } from './servers.js';
import { spawnEndpoint, type SpawnedEndpoint } from './spawn.js';

const seconds = Number(process.argv[2] ?? 4);
const concurrency = Number(process.argv[3] ?? 8);
const rounds = Number(process.argv[4] ?? 2);
const KEYS = 500;

type Kind = 'ours' | 'dynalite';
type Op = 'PutItem' | 'GetItem';

const putBody = (i: number) => ({
  TableName: 'bench',
  Item: { id: { S: `job-${i % KEYS}` }, state: { S: 'running' }, size: { N: String(i) }, log: { S: 'x'.repeat(200) } },
});
const getBody = (i: number) => ({ TableName: 'bench', Key: { id: { S: `job-${i % KEYS}` } } });

/** Runs `op` from `concurrency` loops for `seconds`; returns ops/s and server CPU µs per op. */
async function measure(server: SpawnedEndpoint, op: (i: number) => Promise<unknown>) {
  const cpuBefore = server.readCpuMs();
  const until = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < until; i += concurrency) {
        await op(i);
        done++;
      }
    }),
  );
  return { opsPerSecond: done / seconds, cpuMicros: ((server.readCpuMs() - cpuBefore) * 1000) / done };
}

function sdkOps(server: SpawnedEndpoint): Record<Op, (i: number) => Promise<unknown>> {
  const { client } = connectClients(server.url, server.credentials);
  return {
    PutItem: (i) => client.send(new PutItemCommand(putBody(i))),
    GetItem: (i) => client.send(new GetItemCommand(getBody(i))),
  };
}

async function rawOps(server: SpawnedEndpoint): Promise<Record<Op, (i: number) => Promise<unknown>>> {
  const url = new URL(server.url);
  const signer = new SignatureV4({ service: 'dynamodb', region: REGION, credentials: server.credentials, sha256: Hash.bind(null, 'sha256') });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const sign = async (op: Op, payload: object) => {
    const body = JSON.stringify(payload);
    const headers = {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${op}`,
      'content-length': String(Buffer.byteLength(body)),
    };
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, path: '/', query: {}, headers, body });
    return { headers: signed.headers, body };
  };
  const send = (request: { headers: Record<string, string>; body: string }) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request({ agent, host: url.hostname, port: url.port, method: 'POST', path: '/', headers: request.headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`Expected 200, got ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(request.body);
    });
  const puts = await Promise.all(Array.from({ length: KEYS }, (_, i) => sign('PutItem', putBody(i))));
  const gets = await Promise.all(Array.from({ length: KEYS }, (_, i) => sign('GetItem', getBody(i))));
  return { PutItem: (i) => send(puts[i % KEYS]!), GetItem: (i) => send(gets[i % KEYS]!) };
}

async function benchOne(kind: Kind, mode: 'sdk' | 'raw'): Promise<string> {
  const tmp = makeTempDir(`ddb-bench-${kind}-`);
  const server = await spawnEndpoint(kind, tmp.dir);
  try {
    const { client } = connectClients(server.url, server.credentials);
    await client.send(
      new CreateTableCommand({
        TableName: 'bench',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100)); // plain dynalite turns the table ACTIVE on a timer
    const ops = mode === 'sdk' ? sdkOps(server) : await rawOps(server);
    await measure(server, ops.PutItem); // warm-up: JIT, LevelDB files, fills the keys
    const put = await measure(server, ops.PutItem);
    const get = await measure(server, ops.GetItem);
    const show = (r: { opsPerSecond: number; cpuMicros: number }) =>
      `${r.opsPerSecond.toFixed(0).padStart(5)} ops/s ${r.cpuMicros.toFixed(0).padStart(4)} µs CPU/op`;
    return `${mode} ${kind.padEnd(8)} PutItem ${show(put)} | GetItem ${show(get)} | server RSS ${(server.readRss() / 1048576).toFixed(0)} MiB`;
  } finally {
    await server.stop();
    tmp.remove();
  }
}

console.log(`${seconds} s per phase, ${concurrency} concurrent requests, ${rounds} rounds`);
for (let round = 1; round <= rounds; round++) {
  for (const mode of ['sdk', 'raw'] as const) {
    for (const kind of ['dynalite', 'ours'] as const) console.log(`round ${round} ${await benchOne(kind, mode)}`);
  }
}
