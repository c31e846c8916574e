import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer } from '../client/fake-server.js';
import type { FakeJob, FakeServer } from '../client/fake-server.js';
import { quoteArg } from '../../cli/table.js';

// util-linux `script` gives the CLI a real pseudo-terminal, so Ctrl-C is the byte 0x03
// typed at it (the terminal turns it into SIGINT) and the answer is typed too.
const repo = join(import.meta.dirname, '../..');
let server: FakeServer;
afterEach(async () => server?.close());

function startInTerminal(args: string[], env: Record<string, string>) {
  const command = [process.execPath, '--import', join(repo, 'node_modules/tsx/dist/loader.mjs'), join(repo, 'cli/main.ts'), ...args].map(quoteArg).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const done = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
  const waitFor = (pattern: RegExp) => new Promise<void>((resolve) => (pattern.test(output) ? resolve() : waiters.push({ pattern, resolve })));
  return { child, done, waitFor, output: () => output };
}

async function tickUntilCancelled(job: FakeJob): Promise<void> {
  while (!job.cancelRequested && !job.sizeWritten) {
    server.append(job.uid, 'tick\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  if (job.sizeWritten) return;
  server.finish(job.uid, 130);
}

describe('Ctrl-C on a terminal', () => {
  it('asks whether to cancel the job and cancels it on yes', async () => {
    server = await startFakeServer();
    let job: FakeJob | undefined;
    server.onStart = (started) => {
      job = started;
      void tickUntilCancelled(started);
    };
    const cli = startInTerminal(['exec', '--', 'sleep', '600'], { PROJECT_URL: server.url, AUTH: server.auth });
    await cli.waitFor(/tick/);
    cli.child.stdin.write('\x03');
    await cli.waitFor(/Cancel job \S+\? \[y\/N\] /);
    cli.child.stdin.write('y\r');
    expect(await cli.done).toBe(130);
    expect(cli.output()).toContain(`Cancel job ${job?.uid}? [y/N] `);
    expect(cli.output()).toContain(`Cancelling job ${job?.uid}…`);
    expect(job?.cancelRequested).toBe(true);
  });

  it('detaches on no, leaving the job running', async () => {
    server = await startFakeServer();
    let job: FakeJob | undefined;
    server.onStart = (started) => {
      job = started;
      void tickUntilCancelled(started);
    };
    const cli = startInTerminal(['exec', '--', 'sleep', '600'], { PROJECT_URL: server.url, AUTH: server.auth });
    await cli.waitFor(/tick/);
    cli.child.stdin.write('\x03');
    await cli.waitFor(/\[y\/N\] /);
    cli.child.stdin.write('n\r');
    expect(await cli.done).toBe(130);
    expect(cli.output()).toMatch(new RegExp(`Detached from job ${job?.uid.replace('.', '\\.')} \\(still running\\)\\. Resume with: aws-exec tail \\S+ --from \\d+`));
    expect(job?.cancelRequested).toBe(false);
    if (job) server.finish(job.uid, 0);
  });
});
