import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime } from '../helpers/runtime.js';
import type { TestRuntime } from '../helpers/runtime.js';
import { runCli } from './run-cli.js';

// `aws-exec share` and the key commands that talk to a running API, against a real runtime.
let runtime: TestRuntime;
const cli = (args: string[], env: Record<string, string> = {}) => runCli(['--data-dir', runtime.dataDir, ...args], { env });

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => runtime?.dispose());

describe('aws-exec share', () => {
  it('prints a link whose token follows the job, until `share rm` revokes it', async () => {
    const uid = (await cli(['exec', '--detach', '--', 'sh', '-c', 'echo shared; exit 4'])).stdout.toString().trim();
    const made = await cli(['share', uid, '--expires', '2h']);
    expect(made.status).toBe(0);
    const link = made.stdout.toString().trim();
    expect(link).toMatch(new RegExp(`^${runtime.config.url}/#/share/${uid.replace('.', '\\.')}/share-[0-9a-f]{64}$`));
    expect(made.stderr).toMatch(new RegExp(`^Anyone with this link can follow job ${uid.replace('.', '\\.')} until \\S+Z; revoke it with \`aws-exec share rm [0-9a-f]{64}\`\\.\\n$`));
    const token = link.slice(link.lastIndexOf('/') + 1);
    const tail = await cli(['tail', uid], { AUTH: token });
    expect({ status: tail.status, out: tail.stdout.toString() }).toEqual({ status: 4, out: 'shared\n' });
    const listed = await cli(['ls'], { AUTH: token });
    expect(listed.status).toBe(1);
    expect(listed.stderr).toMatch(/HTTP 403: A share link allows following its one job/);
    expect(await cli(['share', 'rm', link])).toMatchObject({ status: 0 });
    const after = await cli(['tail', uid], { AUTH: token });
    expect(after.status).toBe(1);
    expect(after.stderr).toMatch(/401/);
  }, 60_000);

  it('refuses a malformed duration or link with exit 2', async () => {
    expect(await cli(['share', '1700000000.123e4567-e89b-12d3-a456-426614174000', '--expires', '5s'])).toMatchObject({
      status: 2,
      stderr: 'aws-exec: Expected --expires to be a duration from 60s to 30d such as 15m, 1h or 7d, got `5s`\n',
    });
    expect((await cli(['share', 'rm', 'nope'])).status).toBe(2);
  });
});

describe('aws-exec auth against a running API', () => {
  it('makes keys with limits, lists them, and tells the API when it removes one', async () => {
    const made = await cli(['auth', 'new', 'ci', '--scope', 'rpc:listdir', '--scope', 'read', '--expires', '1h', '--max-running', '2']);
    expect(made.status).toBe(0);
    const key = made.stdout.toString().trim();
    const row = (await cli(['auth', 'ls'])).stdout.toString().split('\n').find((line) => line.startsWith('ci '));
    expect(row?.split(/ {2,}/).slice(2, 4)).toEqual(['read rpc:listdir (max-running 2)', expect.stringMatching(/^\d{4}-\S+Z$/)]);
    expect((await cli(['exec', '--', 'true'], { AUTH: key })).stderr).toMatch(/HTTP 403: This key lacks the scope `exec`/);
    const removed = await cli(['auth', 'rm', 'ci']);
    expect(removed.stderr).toBe('Removed from the table; the API process that took the notice refuses it at once, other warm API processes may accept it for up to AUTH_CACHE_MS (30 s by default).\n');
  }, 60_000);

  it('refuses an unknown command, a malformed scope or duration with exit 2', async () => {
    expect(await cli(['auth', 'new', 'x', '--scope', 'rpc:nope'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^aws-exec: Expected rpc: to name registered commands \(listdir, http-check, db-copy\), got `nope`\n$/) });
    expect(await cli(['auth', 'new', 'x', '--scope', 'admin'])).toMatchObject({ status: 2, stderr: 'aws-exec: Expected a scope `exec`, `read` or `rpc:NAME[,NAME...]`, got `admin`\n' });
    expect(await cli(['auth', 'new', 'x', '--expires', 'soon'])).toMatchObject({ status: 2, stderr: 'aws-exec: Expected --expires to be a duration such as 90s, 15m, 12h, 30d or 2w, got `soon`\n' });
  }, 60_000);
});
