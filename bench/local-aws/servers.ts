import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readProcessCpuMs, readStatusBytes } from './proc.js';
import { KeyPair } from './protocol.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST_LOCAL_AWS = new URL('../../dist/local/aws/index.js', import.meta.url).href;
const DIST_LOCAL_IAM = new URL('../../dist/local/aws/iam/index.js', import.meta.url).href;

const Ready = z.object({
  url: z.string(),
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  pid: z.number(),
});
const RoleLine = z.object({ role: KeyPair });

/** A server under measurement, in its own process, with its CPU and memory read from /proc. */
export interface ServerProcess {
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  pid: number;
  /** Resident set size now, in bytes (VmRSS). */
  readRss(): number;
  /** Peak resident set size so far, in bytes (VmHWM). */
  readPeakRss(): number;
  /** CPU time (user + system) used so far, in milliseconds. */
  readCpuMs(): number;
  /** The endpoint only: makes a role as aws-exec's (loading the local IAM) and resolves with temporary credentials of a session of it. */
  requestRole(): Promise<KeyPair>;
  /** SIGTERM, then waits for a clean exit (so that a --cpu-prof profile is written). */
  stop(): Promise<void>;
}

// The endpoint runs from compiled dist/ under plain node: tsx would add its own memory and per-call
// cost. It prints its address at once; the role session is made when asked (a line on stdin), after
// the idle RSS is read, since making it loads the local IAM.
const ENDPOINT_ENTRY = `
import { createInterface } from 'node:readline';
import { startLocalAws } from ${JSON.stringify(DIST_LOCAL_AWS)};
const aws = await startLocalAws({
  dataDir: process.argv[1],
  port: 0,
  logError: (message, error) => console.error(message, error),
});
process.stdout.write(JSON.stringify({ url: aws.endpoint, ...aws.credentials, pid: process.pid }) + '\\n');
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void aws.close().then(() => process.exit(0)));
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'role') continue;
  const { managedPolicy, policyFromAllowLine } = await import(${JSON.stringify(DIST_LOCAL_IAM)});
  const iam = await aws.loadIam();
  // A role as aws-exec's infra.yaml declares it (its allow lines and AWSLambdaBasicExecutionRole), so
  // that the role figures evaluate a realistic policy set on every request.
  iam.putRole({
    name: 'bench-role',
    policies: [
      managedPolicy('AWSLambdaBasicExecutionRole'),
      ...[
        'dynamodb:GetItem arn:aws:dynamodb:*:*:table/bench',
        'dynamodb:PutItem arn:aws:dynamodb:*:*:table/bench',
        'dynamodb:UpdateItem arn:aws:dynamodb:*:*:table/bench',
        'dynamodb:Scan arn:aws:dynamodb:*:*:table/bench',
        's3:GetObject arn:aws:s3:::bench/*',
        's3:PutObject arn:aws:s3:::bench/*',
        'lambda:InvokeFunction arn:aws:lambda:*:*:function:bench',
      ].map(policyFromAllowLine),
    ],
  });
  const role = iam.assumeRole('bench-role', 'bench', 43200);
  process.stdout.write(JSON.stringify({ role }) + '\\n');
}
`;

// Plain dynalite as its own HTTP server (signatures ignored), persisted in LevelDB like ours.
const DYNALITE_ENTRY = `
const server = require('dynalite')({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: process.argv[1] });
server.listen(0, '127.0.0.1', () => {
  const url = 'http://127.0.0.1:' + server.address().port;
  process.stdout.write(JSON.stringify({ url, accessKeyId: 'AKIABENCHDYNALITE000', secretAccessKey: 'unused-by-dynalite-0000000000000000', pid: process.pid }) + '\\n');
});
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

/** Starts the local AWS endpoint (S3, DynamoDB, Lambda) from dist/ in its own process. */
export function startEndpointProcess(dataDir: string, nodeOptions: readonly string[] = []): Promise<ServerProcess> {
  return startServerProcess('endpoint', [...nodeOptions, '--input-type=module', '-e', ENDPOINT_ENTRY, dataDir]);
}

/** Starts plain dynalite from its npm package in its own process. */
export function startDynaliteProcess(dataDir: string, nodeOptions: readonly string[] = []): Promise<ServerProcess> {
  return startServerProcess('dynalite', [...nodeOptions, '-e', DYNALITE_ENTRY, dataDir]);
}

async function startServerProcess(what: string, args: string[]): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(`[${what}] ${chunk.toString()}`);
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`Expected the ${what} process to start, it exited with ${String(code)}: ${stderr}`);
    }),
  ]);
  const parsed = Ready.safeParse(JSON.parse(first));
  if (!parsed.success) throw new Error(`Expected the ${what} process to print {url, accessKeyId, secretAccessKey, pid}, got ${first}`);
  const ready = parsed.data;
  return {
    url: ready.url,
    credentials: { accessKeyId: ready.accessKeyId, secretAccessKey: ready.secretAccessKey },
    pid: ready.pid,
    async requestRole() {
      child.stdin?.write('role\n');
      const [line] = (await once(lines, 'line')) as [string];
      const answer = RoleLine.safeParse(JSON.parse(line));
      if (!answer.success) throw new Error(`Expected the ${what} process to print {role}, got ${line}`);
      return answer.data.role;
    },
    readRss: () => readStatusBytes(ready.pid, 'VmRSS'),
    readPeakRss: () => readStatusBytes(ready.pid, 'VmHWM'),
    readCpuMs: () => readProcessCpuMs(ready.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
