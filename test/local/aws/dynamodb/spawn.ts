import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { z } from 'zod';

const SCRIPT = fileURLToPath(new URL('./endpoint-process.ts', import.meta.url));

// USER_HZ on Linux is 100 on every mainstream architecture.
const CLOCK_TICKS_PER_SECOND = 100;

const Ready = z.object({ url: z.string(), accessKeyId: z.string(), secretAccessKey: z.string(), pid: z.number() });

/** A DynamoDB endpoint running in a child process. */
export interface SpawnedEndpoint {
  child: ChildProcess;
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  pid: number;
  /** Resident set size of the child, in bytes (from /proc). */
  readRss(): number;
  /** CPU time (user + system) the child has used so far, in milliseconds (from /proc). */
  readCpuMs(): number;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts endpoint-process.ts (ours or plain dynalite) and waits until it listens. */
export async function spawnEndpoint(kind: 'ours' | 'dynalite', dataDir?: string): Promise<SpawnedEndpoint> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', SCRIPT, kind, ...(dataDir ? [dataDir] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit');
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => String(line)),
    exited.then(([code]) => {
      throw new Error(`Expected the endpoint process to start, it exited with ${String(code)}: ${stderr}`);
    }),
  ]);
  const ready = Ready.parse(JSON.parse(first));
  return {
    child,
    url: ready.url,
    credentials: { accessKeyId: ready.accessKeyId, secretAccessKey: ready.secretAccessKey },
    pid: ready.pid,
    readRss() {
      const status = readFileSync(`/proc/${ready.pid}/status`, 'utf8');
      const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (kib === undefined) throw new Error(`Expected VmRSS in /proc/${ready.pid}/status`);
      return Number(kib) * 1024;
    },
    readCpuMs() {
      // Fields 14 and 15 of /proc/PID/stat (utime, stime) in clock ticks; the name field may hold spaces.
      const stat = readFileSync(`/proc/${ready.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}
