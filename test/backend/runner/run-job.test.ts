import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../cmd/define.js';
import { CommandRegistry } from '../../../cmd/registry.js';
import type { Config } from '../../../backend/config.js';
import { createUid } from '../../../backend/jobs/uid.js';
import { silentLogger } from '../../../backend/log.js';
import { LogBuffer } from '../../../backend/shipper/log-buffer.js';
import { runJob, type RunnerDeps } from '../../../backend/runner/run-job.js';
import { jobKeys, truncationMarker, type JobEvent } from '../../../protocol/index.js';
import { contextWithRemaining, createMemoryJobStore, createMemoryObjects, testConfig } from '../helpers/fakes.js';

const slow = defineCommand({
  name: 'slow',
  describe: 'prints, then waits for its signal',
  args: z.object({}),
  async run(_args, { log, signal }) {
    log('started\n');
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    log('stopping\n');
  },
});
const fails = defineCommand({
  name: 'fails',
  describe: 'throws',
  args: z.object({ why: z.string() }),
  run(args) {
    throw new Error(args.why);
  },
});
const exits = defineCommand({
  name: 'exits',
  describe: 'returns its code',
  args: z.object({ code: z.number().int() }),
  run: (args, { log }) => {
    log(new Uint8Array([0xff, 0x0a]));
    return args.code;
  },
});
const where = defineCommand({
  name: 'where',
  describe: 'prints the directory its relative paths start from',
  args: z.object({}),
  run: (_args, { log, cwd }) => log(`${cwd}\n`),
});
const registry = new CommandRegistry([slow, fails, exits, where]);

function setup(overrides: Partial<Config> = {}) {
  const jobs = createMemoryJobStore();
  const objects = createMemoryObjects();
  const deps: RunnerDeps = { config: testConfig(overrides), jobs, objects, registry, fetch, logger: silentLogger };
  const start = async (fields: Partial<JobEvent>) => {
    const uid = createUid(Date.now());
    const event: JobEvent = { 'event-type': 'exec', 'auth-name': 'alice', uid, ...fields };
    await jobs.createJob({
      uid,
      'auth-name': 'alice',
      'started-at': Date.now(),
      ttl: 0,
      ...(event.argv ? { argv: event.argv } : {}),
      ...(event['rpc-name'] ? { 'rpc-name': event['rpc-name'] } : {}),
    });
    return { event, keys: jobKeys('alice', uid) };
  };
  const text = (key: string) => Buffer.from(objects.objects.get(key) ?? []).toString('utf8');
  return { deps, jobs, objects, start, text };
}

const context = () => contextWithRemaining(60_000);

describe('runJob', () => {
  it('runs a subprocess and writes log, exit and size, size last', async () => {
    const { deps, objects, start, text, jobs } = setup();
    const { event, keys } = await start({ argv: ['sh', '-c', 'echo hi; exit 3'] });
    const result = await runJob(deps, event, context());
    expect(result).toMatchObject({ status: 'finished', exit: 3, size: 3 });
    expect(text(keys.log)).toBe('hi\n');
    expect(text(keys.exit)).toBe('3');
    expect(text(keys.size)).toBe('3');
    expect(objects.writes.at(-1)?.key).toBe(keys.size);
    expect(objects.writes.at(-2)?.key).toBe(keys.exit);
    expect(await jobs.getJob(event.uid)).toMatchObject({ status: 'exited', exit: 3, size: 3 });
  });

  it('runs subprocesses in JOB_WORKING_DIRECTORY and gives RPCs the same directory for relative paths', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aws-exec-cwd-')));
    writeFileSync(join(dir, 'here.txt'), 'x');
    const { deps, start, text } = setup({ jobWorkingDirectory: dir });
    const shell = await start({ argv: ['sh', '-c', 'pwd; ls'] });
    expect(await runJob(deps, shell.event, context())).toMatchObject({ exit: 0 });
    expect(text(shell.keys.log)).toBe(`${dir}\nhere.txt\n`);
    const rpc = await start({ 'rpc-name': 'where', 'rpc-args': '{}' });
    await runJob(deps, rpc.event, context());
    expect(text(rpc.keys.log)).toBe(`${dir}\n`);
  });

  it('fails a job with a line naming the working directory when it does not exist', async () => {
    const { deps, start, text } = setup({ jobWorkingDirectory: '/nonexistent-aws-exec-dir' });
    const { event, keys } = await start({ argv: ['true'] });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 1 });
    expect(text(keys.log)).toBe("[aws-exec] the job's working directory /nonexistent-aws-exec-dir (JOB_WORKING_DIRECTORY) cannot be used: ENOENT\n");
  });

  it('runs a uid at most once when the same event comes twice', async () => {
    const { deps, objects, start, text } = setup();
    const { event, keys } = await start({ argv: ['sh', '-c', 'echo ran'] });
    const [first, second] = await Promise.all([runJob(deps, event, context()), runJob(deps, event, context())]);
    expect([first.status, second.status].sort()).toEqual(['finished', 'skipped']);
    expect(await runJob(deps, event, context())).toMatchObject({ status: 'skipped' });
    expect(text(keys.log)).toBe('ran\n');
    expect(objects.writes.filter((write) => write.key === keys.exit)).toHaveLength(1);
  });

  it('reports a signal as 128+n with a closing line', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ argv: ['sh', '-c', 'printf partial; kill -KILL $$'] });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 137 });
    expect(text(keys.log)).toBe('partial\n[aws-exec] killed by signal SIGKILL (9)\n');
  });

  it('times out with 124 and a closing line at the per-job timeout', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ argv: ['sh', '-c', 'echo waiting; sleep 30'], timeout: 1 });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 124 });
    expect(text(keys.log)).toBe('waiting\n[aws-exec] timed out after 1s\n');
  });

  it('defaults the timeout to the invocation time left, less a margin for the final upload', async () => {
    const { deps, start, text } = setup({ finalShipMarginMs: 10_000 });
    const { event, keys } = await start({ argv: ['sleep', '30'] });
    expect(await runJob(deps, event, contextWithRemaining(2_000))).toMatchObject({ exit: 124 });
    expect(text(keys.log)).toBe('[aws-exec] timed out after 1.5s\n');
  });

  it('cancels with 130 when the record asks for it', async () => {
    const { deps, start, text, jobs } = setup();
    const { event, keys } = await start({ argv: ['sh', '-c', 'echo started; sleep 30'] });
    const running = runJob(deps, event, context());
    await expect.poll(() => text(keys.log)).toBe('started\n');
    await jobs.requestCancel(event.uid, 'alice', Date.now());
    expect(await running).toMatchObject({ exit: 130 });
    expect(text(keys.log)).toBe('started\n[aws-exec] cancelled\n');
  });

  it('does not start a job cancelled before it was claimed', async () => {
    const { deps, start, text, jobs } = setup();
    const { event, keys } = await start({ argv: ['sh', '-c', 'echo should-not-run'] });
    await jobs.requestCancel(event.uid, 'alice', Date.now());
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 130 });
    expect(text(keys.log)).toBe('[aws-exec] cancelled\n');
  });

  it('exits 127 with a line for a command that does not exist, and still writes size', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ argv: ['no-such-command-xyz', 'arg'] });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 127 });
    expect(text(keys.log)).toBe('[aws-exec] command not found: no-such-command-xyz\n');
    expect(text(keys.size)).toBe(String(Buffer.byteLength(text(keys.log))));
  });

  it('runs an RPC in-process with its exit code and byte-exact output', async () => {
    const { deps, start, objects } = setup();
    const { event, keys } = await start({ 'rpc-name': 'exits', 'rpc-args': '{"code":4}' });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 4 });
    expect(Buffer.from(objects.objects.get(keys.log) ?? []).equals(Buffer.from([0xff, 0x0a]))).toBe(true);
  });

  it('reports an RPC that throws with its message, no stack, and exit 1', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ 'rpc-name': 'fails', 'rpc-args': '{"why":"disk full"}' });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 1 });
    expect(text(keys.log)).toBe('[aws-exec] error: disk full\n');
  });

  it('exits 2 with the schema message when an RPC event carries arguments its schema refuses', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ 'rpc-name': 'exits', 'rpc-args': '{"code":"four"}' });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 2 });
    expect(text(keys.log)).toMatch(/^\[aws-exec\] Invalid rpc-args for exits: code: .*expected number.*\n$/);
  });

  it('aborts an RPC on timeout through its signal', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ 'rpc-name': 'slow', timeout: 1 });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 124 });
    expect(text(keys.log)).toBe('started\nstopping\n[aws-exec] timed out after 1s\n');
  });

  it('exits 127 for an RPC name the registry does not know', async () => {
    const { deps, start, text } = setup();
    const { event, keys } = await start({ 'rpc-name': 'nope' });
    expect(await runJob(deps, event, context())).toMatchObject({ exit: 127 });
    expect(text(keys.log)).toBe('[aws-exec] command not found: nope\n');
  });

  it('keeps the exact head and tail of a 64 MiB writer, with the marker, within 3x uploaded bytes', async () => {
    const cap = 4 * 1024 * 1024;
    const { deps, start, objects } = setup({ logCapBytes: cap });
    // 64 MiB of numbered 64-byte lines, so that head and tail can be checked exactly.
    const script = [
      'const lines = 1024 * 1024; const chunk = 16384; let i = 0;',
      'function line(n) { return (String(n).padStart(10, "0") + " ").padEnd(63, "x") + "\\n"; }',
      'function write() { while (i < lines) { let s = ""; for (let k = 0; k < chunk && i < lines; k++) s += line(i++);',
      '  if (!process.stdout.write(s)) { process.stdout.once("drain", write); return; } } }',
      'write();',
    ].join('\n');
    const { event, keys } = await start({ argv: [process.execPath, '-e', script] });
    const result = await runJob(deps, event, context());
    const total = 64 * 1024 * 1024;
    const log = Buffer.from(objects.objects.get(keys.log) ?? []);
    const line = (n: number) => `${`${String(n).padStart(10, '0')} `.padEnd(63, 'x')}\n`;
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('');
    const { headLimit, tailLimit } = new LogBuffer(cap);
    const marker = truncationMarker(total - headLimit - tailLimit);
    const expectedHead = lines(0, Math.ceil(headLimit / 64)).slice(0, headLimit);
    const tailFrom = Math.floor((total - tailLimit) / 64);
    const tailText = lines(tailFrom, total / 64);
    const expectedTail = tailText.slice(tailText.length - tailLimit);
    expect(result).toMatchObject({ status: 'finished', exit: 0, size: log.length });
    expect(log.length).toBeLessThanOrEqual(cap);
    expect(log.toString()).toBe(expectedHead + marker + expectedTail);
    if (result.status === 'finished') expect(result.uploadedBytes / log.length).toBeLessThanOrEqual(3);
  });
  it('stops retrying the record update at the invocation deadline, with exit and size already written', async () => {
    const { deps, jobs, start, text } = setup();
    const { event, keys } = await start({ argv: ['true'] });
    let attempts = 0;
    jobs.finishJob = () => {
      attempts++;
      return Promise.reject(new Error('table unavailable'));
    };
    const started = Date.now();
    // 2 s left, so the writes must end within 1 s: pauses of full jitter under 200, 400, 800 ms… stop before one would pass it.
    const result = await runJob(deps, event, contextWithRemaining(2_000));
    expect(result).toMatchObject({ status: 'finished', exit: 0, size: 0 });
    expect(text(keys.exit)).toBe('0');
    expect(text(keys.size)).toBe('0');
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(5);
  });
});
