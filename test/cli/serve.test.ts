import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client/index.js';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const started: TestRuntime[] = [];
afterAll(async () => Promise.all(started.map((runtime) => runtime.dispose())));

async function runIn(cwd: string, args: string[] = []): Promise<TestRuntime> {
  const runtime = await startTestRuntime({ cwd, args });
  started.push(runtime);
  return runtime;
}

const decoder = new TextDecoder();

describe('aws-exec serve', () => {
  it('runs jobs in the directory it was started in, subprocesses and relative paths of RPCs alike', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aws-exec-serve-cwd-')));
    try {
      const runtime = await runIn(dir);
      const client = createClient({ url: runtime.config.url, auth: runtime.config.auth });
      const pwd = await client.tail(await client.start({ argv: ['pwd'] })).collect();
      expect(decoder.decode(pwd.bytes)).toBe(`${dir}\n`);
      const missing = await client.tail(await client.start({ rpcName: 'listdir', rpcArgs: { path: 'cmd' } })).collect();
      expect(missing.exitCode).toBe(1);
      expect(decoder.decode(missing.bytes)).toBe(`[aws-exec] error: Expected a readable directory, got \`cmd\` (ENOENT; relative to the working directory ${dir})\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints job start and end lines but no request lines, unless --verbose', async () => {
    const quiet = await runIn(process.cwd());
    const verbose = await runIn(process.cwd(), ['--verbose']);
    for (const runtime of [quiet, verbose]) {
      const client = createClient({ url: runtime.config.url, auth: runtime.config.auth });
      expect(await client.exec({ argv: ['true'] })).toBe(0);
      await expect.poll(() => runtime.output()).toMatch(/"message":"job finished"/);
      expect(runtime.output()).toMatch(/"message":"job started"/);
    }
    expect(quiet.output()).not.toMatch(/"message":"request"/);
    expect(verbose.output()).toMatch(/"message":"request".*"path":"\/api\/exec"/);
  });
});
