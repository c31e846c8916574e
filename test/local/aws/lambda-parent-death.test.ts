import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../local/aws/lambda/process-tree.js';
import type { Credentials } from '../../../local/aws/sigv4.js';
import { fixture, makeTempDir, readIfPresent, waitFor } from './lambda/harness.js';

/** Starts serve-child.ts in its own process and reads the URL and key it prints. */
async function startEndpointProcess(): Promise<{ child: ChildProcess; url: string; credentials: Credentials }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, fixture('serve-child.ts'), 'spawner', fixture('spawn-sleep.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`Expected the endpoint process to print its URL, but it exited with ${code}`)));
  });
  const { url, credentials } = JSON.parse(first) as { url: string; credentials: Credentials };
  return { child, url, credentials };
}

describe('Lambda environments when the runtime dies', () => {
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('kills every process the environments started when the runtime is killed with SIGKILL', async () => {
    const { child, url, credentials } = await startEndpointProcess();
    started.push(child);
    const client = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
    // One handler waits on its promise (the 'disconnect' event fires), the other blocks its
    // thread in a loop (only the watchdog thread can notice).
    const waiting = makeTempDir();
    const spinning = makeTempDir();
    for (const event of [{ dir: waiting }, { dir: spinning, spin: true }]) {
      const response = await client.send(
        new InvokeCommand({ FunctionName: 'spawner', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }),
      );
      expect(response.StatusCode).toBe(202);
    }
    client.destroy();
    const pids = await Promise.all(
      [waiting, spinning].map((dir) =>
        waitFor(() => readIfPresent(join(dir, 'pids.json')), 20_000, `${dir}/pids.json`).then(
          (text) => JSON.parse(text) as Record<string, number>,
        ),
      ),
    );
    const all = pids.flatMap((group) => Object.entries(group));
    expect(all.every(([, pid]) => isAlive(pid))).toBe(true);

    process.kill(child.pid!, 'SIGKILL');

    await waitFor(
      () => (all.some(([, pid]) => isAlive(pid)) ? undefined : true),
      10_000,
      () => `every process to be gone, still alive: ${JSON.stringify(all.filter(([, pid]) => isAlive(pid)))}`,
    );
  });
});
