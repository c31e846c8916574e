import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/runtime.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { runCli } from './run-cli.js';

// The CLI against a real local runtime (`aws-exec serve` in a child process), found
// through --data-dir's local.json as after `npm start`.
let runtime: TestRuntime;
const cli = (args: string[], env: Record<string, string> = {}) => runCli(['--data-dir', runtime.dataDir, ...args], { env });

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => runtime?.dispose());

describe('aws-exec against the local runtime', () => {
  it('exits with the job exit code', async () => {
    const result = await cli(['exec', '--', 'sh', '-c', 'exit 3']);
    expect(result.stderr).toMatch(new RegExp(`^job (\\d{10}\\.[0-9a-f-]{36}) · ${runtime.config.url}/#/job/\\1\n$`));
    expect(result.status).toBe(3);
  });

  it('prints stdout and stderr in order, byte-exact, including invalid UTF-8', async () => {
    const result = await cli(['exec', '--', 'sh', '-c', "printf 'h\\303\\251 \\377\\n'; echo err >&2; printf '\\342\\202'; sleep 0.3; printf '\\254 end'"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toEqual(Buffer.concat([Buffer.from('hé '), Buffer.from([0xff]), Buffer.from('\nerr\n€ end')]));
  });

  it('detaches, then tails from the start and from an offset', async () => {
    const started = await cli(['exec', '--detach', '--', 'sh', '-c', 'echo one; sleep 0.5; echo two; exit 5']);
    const uid = started.stdout.toString().trim();
    expect(uid).toMatch(/^\d{10}\.[0-9a-f-]{36}$/);
    const full = await cli(['tail', uid]);
    expect(full.stdout.toString()).toBe('one\ntwo\n');
    expect(full.status).toBe(5);
    const rest = await cli(['tail', uid, '--from', '4']);
    expect(rest.stdout.toString()).toBe('two\n');
    expect(rest.status).toBe(5);
  });

  it('cancels a running job, which then exits 130, and lists it', async () => {
    const started = await cli(['exec', '--detach', '--', 'sleep', '30']);
    const uid = started.stdout.toString().trim();
    const cancelled = await cli(['cancel', uid]);
    expect(cancelled.stdout.toString()).toBe(`cancelling ${uid}\n`);
    const tail = await cli(['tail', uid]);
    expect(tail.status).toBe(130);
    const list = await cli(['ls', '--limit', '50']);
    expect(list.status).toBe(0);
    expect(list.stdout.toString()).toMatch(new RegExp(`^${uid.replace('.', '\\.')} +exited +130 +\\d+[sm] +sleep 30$`, 'm'));
  });

  it('runs a registered command as a remote job with --remote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-exec-e2e-listdir-'));
    writeFileSync(join(dir, 'a.txt'), 'a');
    const result = await cli(['listdir', '--path', dir, '--remote']);
    expect(result.status).toBe(0);
    expect(result.stdout.toString().split('\n')).toContain(join(dir, 'a.txt'));
  });

  it('creates a key whose holder sees only its own jobs, and removes it', async () => {
    const created = await cli(['auth', 'new', 'e2e-user']);
    expect(created.status).toBe(0);
    const key = created.stdout.toString().trim();
    expect((await cli(['auth', 'ls'])).stdout.toString()).toMatch(/^e2e-user +e2e-user:[0-9a-f]{16} +all +- +\d{4}-.* blake2b$/m);
    const own = await cli(['exec', '--', 'echo', 'mine'], { AUTH: key });
    expect(own.stdout.toString()).toBe('mine\n');
    const list = await cli(['ls', '--json'], { AUTH: key });
    expect((JSON.parse(list.stdout.toString()) as { jobs: { argv?: string[] }[] }).jobs.map((job) => job.argv)).toEqual([['echo', 'mine']]);
    expect((await cli(['auth', 'rm', 'e2e-user'])).status).toBe(0);
    expect((await cli(['auth', 'ls'])).stdout.toString()).not.toMatch(/^e2e-user /m);
  });

  it('refuses a removed key', async () => {
    // A key in use stays trusted for the backend's AUTH_CACHE_MS in a warm worker; this one was never used.
    const key = (await cli(['auth', 'new', 'e2e-gone'])).stdout.toString().trim();
    expect((await cli(['auth', 'rm', 'e2e-gone'])).status).toBe(0);
    const refused = await cli(['ls'], { AUTH: key });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/refused the auth key \(HTTP 401/);
  });
});

describe('aws-exec serve', () => {
  it('stops on Ctrl-C (SIGINT) with exit status 0', async () => {
    const own = await startTestRuntime();
    try {
      // The banner is printed just after local.json is written.
      for (let i = 0; i < 200 && !own.output().includes('auth: '); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(own.output()).toContain(`auth:      ${own.config.auth}`);
      const exited = new Promise<number | null>((resolve) => own.process.once('exit', (code) => resolve(code)));
      own.process.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(own.output()).toContain('Stopping the local runtime…');
    } finally {
      await own.dispose();
    }
  });
});
