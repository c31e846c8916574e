import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const DRIVER = join(import.meta.dirname, '../fixtures/bundle-driver.mjs');

/** The bundle loaded alone in a fresh `node` process, fed events one JSON line at a time. */
export interface BundleDriver {
  process: ChildProcess;
  /** `process.version` as the driver reported it (the node that loaded the bundle). */
  version: string;
  /** Invokes the bundle's handler with an event; resolves with what it returned, rejects with what it threw. */
  invoke(event: unknown, remainingMs?: number): Promise<unknown>;
  /** Everything the bundle wrote to stdout and stderr so far (its log lines). */
  output(): string;
  close(): Promise<void>;
}

/**
 * Starts `node bundle-driver.mjs BUNDLE` with exactly `env` (nothing of this process's
 * environment, so no loader or NODE_PATH helps the bundle) in the bundle's directory, on the
 * node binary `node` (this process's by default).
 */
export async function startBundleDriver(bundle: string, cwd: string, env: Record<string, string>, node = process.execPath): Promise<BundleDriver> {
  const child = spawn(node, [DRIVER, bundle], { cwd, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let ready: (version: string) => void = () => undefined;
  const isReady = new Promise<string>((resolve) => (ready = resolve));
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => {
    const answer = JSON.parse(line) as { ready?: true; version?: string; id?: number; result?: unknown; error?: string };
    if (answer.ready) return ready(answer.version ?? 'unknown');
    const waiter = pending.get(answer.id ?? -1);
    pending.delete(answer.id ?? -1);
    if (answer.error !== undefined) waiter?.reject(new Error(answer.error));
    else waiter?.resolve(answer.result);
  });
  const failed = exited.then((code) => {
    throw new Error(`The bundle driver exited with ${code} before it was ready:\n${output}`);
  });
  const version = await Promise.race([isReady, failed]);
  failed.catch(() => undefined);
  let nextId = 0;
  return {
    process: child,
    version,
    invoke(event, remainingMs = 60_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.stdin?.write(`${JSON.stringify({ id, event, remainingMs })}\n`);
      });
    },
    output: () => output,
    async close() {
      child.stdin?.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
