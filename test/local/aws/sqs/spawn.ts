import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const SCRIPT = fileURLToPath(new URL('./endpoint-process.ts', import.meta.url));
const Ready = z.object({ url: z.string(), accessKeyId: z.string(), secretAccessKey: z.string(), pid: z.number() });

/** Our SQS endpoint running in a child process. */
export interface SpawnedSqs {
  child: ChildProcess;
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts endpoint-process.ts (or another script printing the same line) on `dataDir` and waits until it listens. */
export async function spawnSqs(dataDir: string, script = SCRIPT): Promise<SpawnedSqs> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', script, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const first = await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line').then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`Expected the SQS endpoint process to start, it exited with ${String(code)}: ${stderr}`);
    }),
  ]);
  const ready = Ready.parse(JSON.parse(first));
  return {
    child,
    url: ready.url,
    credentials: { accessKeyId: ready.accessKeyId, secretAccessKey: ready.secretAccessKey },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
