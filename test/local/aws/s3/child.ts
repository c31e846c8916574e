import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Credentials } from '../../../../local/aws/sigv4.js';

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/** The S3 service running in a child process (see server-child.ts). */
export interface ChildServer {
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
}

/** Starts the S3 service on `dataDir` in a child process and waits for its port. */
export async function startChildServer(dataDir: string, credentials: Credentials): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], {
    env: { ...process.env, S3_TEST_CREDENTIALS: JSON.stringify(credentials) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (data: Buffer) => resolve(data.toString()));
    child.once('exit', (code) => reject(new Error(`Expected the S3 child to start, it exited with ${code}`)));
  });
  const parsed: unknown = JSON.parse(line);
  const port = typeof parsed === 'object' && parsed !== null && 'port' in parsed ? Number(parsed.port) : NaN;
  if (!Number.isInteger(port)) throw new Error(`Expected the S3 child to print {"port":N}, got ${line}`);
  return { child, port, exited };
}
