import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { createClient } from '../../client/index.js';
import { SANDBOX_MARKER_VARIABLE } from '../../local/aws/lambda/process-tree.js';
import type { GoClient } from '../helpers/go-client.js';
import type { TestRuntime } from '../helpers/runtime.js';

/** A promise's value and when it settled (epoch ms). */
export interface Timed<T> {
  value: T;
  at: number;
}

/** Resolves with the value and the time it came. */
export function timed<T>(promise: Promise<T>): Promise<Timed<T>> {
  return promise.then((value) => ({ value, at: Date.now() }));
}

/** Follows a job with our own client (as the CLI and the web page do): its bytes and exit code. */
export async function followWithClient(runtime: TestRuntime, uid: string): Promise<{ log: string; exit: number }> {
  const client = createClient({ url: runtime.config.url, auth: runtime.config.auth });
  const { bytes, exitCode } = await client.tail(uid).collect();
  return { log: Buffer.from(bytes).toString('utf8'), exit: exitCode };
}

/** Waits until the job's log matches `pattern`, and returns the match. */
export async function waitForLog(go: GoClient, uid: string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return vi.waitFor(
    async () => {
      const match = pattern.exec((await go.readLog(uid)).toString('utf8'));
      if (!match) throw new Error(`the log of ${uid} does not match ${String(pattern)} yet`);
      return match;
    },
    { timeout: timeoutMs, interval: 50 },
  );
}

/** Whether a process belongs to a local Lambda execution environment (it carries the sandbox marker). */
export function isSandboxProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(`${SANDBOX_MARKER_VARIABLE}=`);
  } catch {
    return false;
  }
}

/** Seconds, one decimal, for the figures the tests print. */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
