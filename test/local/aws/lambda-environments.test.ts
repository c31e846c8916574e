import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../../local/aws/lambda/process-tree.js';
import { decodePayload, fixture, makeTempDir, readIfPresent, startLambdaHarness, waitFor, type LambdaHarness } from './lambda/harness.js';

interface EchoBody {
  pid: number;
  invocations: number;
  remainingMs: number;
  env: Record<string, string>;
  cwd: string;
  context: Record<string, unknown>;
}

interface FunctionError {
  errorType: string;
  errorMessage: string;
}

describe('Lambda execution environments', () => {
  let harness: LambdaHarness;

  const invokeJson = async (name: string, event: unknown = {}) => {
    const result = await harness.lambda.invoke(name, Buffer.from(JSON.stringify(event)), 'RequestResponse');
    return { ...result, body: JSON.parse(result.payload.toString('utf8')) as unknown };
  };

  beforeAll(async () => {
    harness = await startLambdaHarness({ idleTimeoutMs: 60_000 });
  });
  afterAll(async () => harness.close());

  it('reuses a warm environment between sequential invocations, keeping module state', async () => {
    harness.lambda.registerFunction({ name: 'warm', module: fixture('echo.mjs'), timeoutSeconds: 30 });
    const first = (await invokeJson('warm')).body as EchoBody;
    const second = (await invokeJson('warm')).body as EchoBody;
    const third = (await invokeJson('warm')).body as EchoBody;
    expect(second.pid).toBe(first.pid);
    expect(third.pid).toBe(first.pid);
    expect([first.invocations, second.invocations, third.invocations]).toEqual([1, 2, 3]);
  });

  it('sets the environment variables and context Lambda sets, and nothing else from the runtime', async () => {
    process.env.LAMBDA_TEST_PARENT_SECRET = 'must-not-leak';
    harness.lambda.registerFunction({
      name: 'env-check',
      module: fixture('echo.mjs'),
      env: { APP_MODE: 'test' },
      memoryMb: 256,
      timeoutSeconds: 30,
    });
    const { body } = await invokeJson('env-check');
    const { env, context, cwd, remainingMs } = body as EchoBody;
    delete process.env.LAMBDA_TEST_PARENT_SECRET;
    expect(env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'env-check',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/env-check',
      AWS_REGION: harness.region,
      AWS_DEFAULT_REGION: harness.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      LAMBDA_TASK_ROOT: cwd,
      _HANDLER: 'echo.handler',
      TZ: ':UTC',
      AWS_ACCESS_KEY_ID: harness.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: harness.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: harness.endpoint.url,
      APP_MODE: 'test',
      PATH: process.env.PATH,
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env.LAMBDA_TEST_PARENT_SECRET).toBeUndefined();
    expect(cwd).toBe(join(fixture('echo.mjs'), '..'));
    expect(context).toMatchObject({
      functionName: 'env-check',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${harness.region}:000000000000:function:env-check`,
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/env-check',
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(30_000);
  });

  it('kills a timed-out environment with its whole process tree and answers Sandbox.Timedout', async () => {
    const dir = makeTempDir();
    harness.lambda.registerFunction({ name: 'spawner', module: fixture('spawn-sleep.mjs'), timeoutSeconds: 2 });
    const result = await invokeJson('spawner', { dir });
    expect(result.functionError).toBe('Unhandled');
    const error = result.body as FunctionError;
    expect(error.errorType).toBe('Sandbox.Timedout');
    expect(error.errorMessage).toContain('Task timed out after 2.00 seconds');
    const pids = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as Record<string, number>;
    for (const [role, pid] of Object.entries(pids)) {
      expect({ role, alive: isAlive(pid) }).toEqual({ role, alive: false });
    }
  });

  it('kills a handler stuck in a synchronous loop and serves the next invocation from a fresh environment', async () => {
    harness.lambda.registerFunction({ name: 'spin', module: fixture('loop.mjs'), timeoutSeconds: 1 });
    const result = await invokeJson('spin');
    expect(result.functionError).toBe('Unhandled');
    expect((result.body as FunctionError).errorType).toBe('Sandbox.Timedout');
    harness.lambda.registerFunction({ name: 'spin', module: fixture('echo.mjs'), timeoutSeconds: 30 });
    const after = await invokeJson('spin');
    expect(after.functionError).toBeUndefined();
  });

  it('fails only the invocation whose handler exits the process, and the next one runs in a new environment', async () => {
    harness.lambda.registerFunction({ name: 'crashy', module: fixture('exit.mjs'), timeoutSeconds: 30 });
    harness.lambda.registerFunction({ name: 'steady', module: fixture('echo.mjs'), timeoutSeconds: 30 });
    const before = (await invokeJson('steady')).body as EchoBody;
    const crashed = await invokeJson('crashy', { code: 7 });
    expect(crashed.functionError).toBe('Unhandled');
    expect(crashed.body).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect((crashed.body as FunctionError).errorMessage).toContain('Runtime exited with error: exit status 7');
    const again = await invokeJson('crashy', { code: 8 });
    expect((again.body as FunctionError).errorMessage).toContain('exit status 8');
    const response = await harness.client().send(new InvokeCommand({ FunctionName: 'steady' }));
    expect((decodePayload(response.Payload) as EchoBody).pid).toBe(before.pid);
  });

  it('reports a handler that runs out of heap as Runtime.OutOfMemory, its memory size being the heap limit', async () => {
    harness.lambda.registerFunction({ name: 'hog', module: fixture('oom.mjs'), memoryMb: 128, timeoutSeconds: 60 });
    const result = await invokeJson('hog');
    expect(result.functionError).toBe('Unhandled');
    expect(result.body).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    expect((result.body as FunctionError).errorMessage).toContain('Runtime exited with error: signal: SIGABRT');
  });

  it('fails the invocation with the error thrown from a timer and replaces the environment', async () => {
    harness.lambda.registerFunction({ name: 'timer-throw', module: fixture('timer-throw.mjs'), timeoutSeconds: 30 });
    const result = await invokeJson('timer-throw');
    expect(result.functionError).toBe('Unhandled');
    expect(result.body).toMatchObject({ errorType: 'TypeError', errorMessage: 'thrown from a timer' });
    const second = await invokeJson('timer-throw');
    expect(second.body).toMatchObject({ errorType: 'TypeError' });
  });

  it('reports a module that fails to load, or lacks the handler, as an init error', async () => {
    harness.lambda.registerFunction({ name: 'init-throw', module: fixture('init-throw.mjs') });
    const thrown = await invokeJson('init-throw');
    expect(thrown.functionError).toBe('Unhandled');
    expect(thrown.body).toMatchObject({ errorType: 'RangeError', errorMessage: 'cannot start: missing configuration' });
    harness.lambda.registerFunction({ name: 'no-handler', module: fixture('no-handler.mjs') });
    const missing = await invokeJson('no-handler');
    expect(missing.body).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
    expect((missing.body as FunctionError).errorMessage).toContain('no-handler.handler is undefined or not exported');
  });

  it('throttles a synchronous invocation beyond the reserved concurrency with 429, as Lambda does', async () => {
    harness.lambda.registerFunction({ name: 'sleepy', module: fixture('sleep.mjs'), reservedConcurrency: 2, timeoutSeconds: 60 });
    const running = [invokeJson('sleepy', { ms: 800 }), invokeJson('sleepy', { ms: 800 })];
    const third = harness.lambda.invoke('sleepy', Buffer.from('{}'), 'RequestResponse');
    await expect(third).rejects.toMatchObject({ status: 429, code: 'TooManyRequestsException', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
    expect(harness.lambda.concurrencyOf('sleepy')).toMatchObject({ running: 2, limit: 2 });
    const spans = (await Promise.all(running)).map((result) => result.body as { start: number; end: number; pid: number });
    expect(new Set(spans.map((span) => span.pid)).size).toBe(2);
    expect((await invokeJson('sleepy', { ms: 1 })).functionError).toBeUndefined();
  });

  it('refuses a reservation that would leave less than 100 unreserved, with PutFunctionConcurrency’s error', () => {
    expect(() => harness.lambda.registerFunction({ name: 'greedy', module: fixture('sleep.mjs'), reservedConcurrency: 950 })).toThrow(
      /decreases account's UnreservedConcurrentExecution below its minimum value of \[100\]/,
    );
    expect(harness.lambda.getFunction('greedy')).toBeUndefined();
  });

  it('runs up to environmentConcurrency invocations at once in one environment, and a burst beyond shares new ones', async () => {
    harness.lambda.registerFunction({ name: 'multi', module: fixture('sleep.mjs'), environmentConcurrency: 4, timeoutSeconds: 60 });
    const first = await invokeJson('multi', { ms: 1 });
    const warmPid = (first.body as { pid: number }).pid;
    const four = await Promise.all(Array.from({ length: 4 }, () => invokeJson('multi', { ms: 300 })));
    const spans = four.map((result) => result.body as { start: number; end: number; pid: number });
    expect(new Set(spans.map((span) => span.pid))).toEqual(new Set([warmPid]));
    const latest = Math.min(...spans.map((span) => span.end));
    expect(spans.every((span) => span.start < latest)).toBe(true);
    // 12 at once: the warm environment takes 4, and the other 8 share new environments of 4 rather than starting one each.
    const burst = await Promise.all(Array.from({ length: 12 }, () => invokeJson('multi', { ms: 300 })));
    const pids = burst.map((result) => (result.body as { pid: number }).pid);
    expect(new Set(pids).size).toBe(3);
    for (const pid of new Set(pids)) expect(pids.filter((other) => other === pid)).toHaveLength(4);
  });

  it('fails every invocation of a multi-concurrent environment that dies, the timed-out one as Sandbox.Timedout', async () => {
    harness.lambda.registerFunction({ name: 'multi-timeout', module: fixture('sleep.mjs'), environmentConcurrency: 4, timeoutSeconds: 1 });
    const [slow, other] = await Promise.all([invokeJson('multi-timeout', { ms: 5_000 }), invokeJson('multi-timeout', { ms: 1_500 })]);
    expect(slow.body).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(other.functionError).toBe('Unhandled');
    expect((other.body as FunctionError).errorType).toMatch(/Sandbox.Timedout|Runtime.ExitError/);
    const after = await invokeJson('multi-timeout', { ms: 1 });
    expect(after.functionError).toBeUndefined();
  });

  it('waits for a callback handler’s timers unless callbackWaitsForEmptyEventLoop is turned off', async () => {
    harness.lambda.registerFunction({ name: 'callback', module: fixture('callback.cjs'), timeoutSeconds: 30 });
    const waited = await invokeJson('callback', { lingerMs: 200 });
    expect(waited.body).toMatchObject({ calls: 1 });
    // The first invocation only answered after its timer ran (adding 100), so the next one sees it.
    const notWaited = await invokeJson('callback', { lingerMs: 5_000, wait: false });
    expect(notWaited.body).toMatchObject({ calls: 102 });
    const failed = await invokeJson('callback', { fail: true, wait: false });
    expect(failed.functionError).toBe('Unhandled');
    expect(failed.body).toMatchObject({ errorMessage: 'callback failure' });
  });

  it('runs new invocations with the new code after re-registration and retires the old environments', async () => {
    harness.lambda.registerFunction({ name: 'swap', module: fixture('echo.mjs'), timeoutSeconds: 30 });
    const old = (await invokeJson('swap')).body as EchoBody;
    harness.lambda.registerFunction({ name: 'swap', module: fixture('sleep.mjs'), timeoutSeconds: 30 });
    const fresh = (await invokeJson('swap', { ms: 1 })).body as { pid: number };
    expect(fresh.pid).not.toBe(old.pid);
    await waitFor(() => (isAlive(old.pid) ? undefined : true), 5_000, 'the old environment to stop');
  });

  it('prefixes each line a worker prints with the function name', async () => {
    harness.lambda.registerFunction({ name: 'printer', module: fixture('print.mjs'), timeoutSeconds: 30 });
    await invokeJson('printer', { tag: 'p' });
    await waitFor(() => (harness.output.stderr.includes('[printer] hello from stderr p') ? true : undefined));
    expect(harness.output.stdout).toContain('[printer] hello from stdout p');
  });

  it('refuses an invalid registration with a message naming the field and what came', () => {
    expect(() => harness.lambda.registerFunction({ name: 'bad', module: 'relative/path.js' })).toThrow(
      /Expected an absolute path of a JavaScript module, got "relative\/path.js"\n\s*→ at module/,
    );
    expect(() => harness.lambda.registerFunction({ name: 'bad', module: fixture('echo.mjs'), timeoutSeconds: 901 })).toThrow(/timeoutSeconds/);
    expect(() => harness.lambda.registerFunction({ name: 'bad', module: fixture('echo.mjs'), env: { AWS_REGION: 'x' } })).toThrow(
      /Expected no variables Lambda reserves for itself, got AWS_REGION\n\s*→ at env/,
    );
    expect(harness.lambda.getFunction('bad')).toBeUndefined();
  });

  it('keeps the last 4 KB of a long log for LogType Tail', async () => {
    harness.lambda.registerFunction({ name: 'tail', module: fixture('print.mjs'), timeoutSeconds: 30 });
    const result = await harness.lambda.invoke('tail', Buffer.from(JSON.stringify({ tag: 'y'.repeat(10_000) })), 'RequestResponse', {
      logType: 'Tail',
    });
    const tail = Buffer.from(result.logResult ?? '', 'base64');
    expect(tail.length).toBe(4096);
    expect(tail.toString()).toContain(`END RequestId: ${result.requestId}`);
  });
});

describe('Lambda environment lifecycle', () => {
  it('stops an environment that stayed idle longer than the idle timeout', async () => {
    const harness = await startLambdaHarness({ idleTimeoutMs: 300 });
    try {
      harness.lambda.registerFunction({ name: 'short-lived', module: fixture('echo.mjs'), timeoutSeconds: 30 });
      const first = JSON.parse((await harness.lambda.invoke('short-lived', Buffer.from('{}'), 'RequestResponse')).payload.toString()) as EchoBody;
      await waitFor(() => (isAlive(first.pid) ? undefined : true), 10_000, 'the idle environment to stop');
      const second = JSON.parse((await harness.lambda.invoke('short-lived', Buffer.from('{}'), 'RequestResponse')).payload.toString()) as EchoBody;
      expect(second.pid).not.toBe(first.pid);
      expect(second.invocations).toBe(1);
    } finally {
      await harness.close();
    }
  });

  it('kills every environment and what it started when the service closes', async () => {
    const harness = await startLambdaHarness();
    const idleDir = makeTempDir();
    const busyDir = makeTempDir();
    try {
      harness.lambda.registerFunction({ name: 'spawner', module: fixture('spawn-sleep.mjs'), timeoutSeconds: 300 });
      await harness.lambda.invoke('spawner', Buffer.from(JSON.stringify({ dir: idleDir, return: true })), 'RequestResponse');
      await harness.lambda.invoke('spawner', Buffer.from(JSON.stringify({ dir: busyDir })), 'Event');
      await waitFor(() => readIfPresent(join(busyDir, 'pids.json')), 20_000, 'the busy handler to start its processes');
    } finally {
      await harness.close();
    }
    const pids = [idleDir, busyDir].flatMap((dir) => Object.values(JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as Record<string, number>));
    expect(pids.filter((pid) => isAlive(pid))).toEqual([]);
  });

  it('turns a result over 6 MB into a Function.ResponseSizeTooLarge error', async () => {
    const harness = await startLambdaHarness();
    try {
      harness.lambda.registerFunction({ name: 'big', module: fixture('big-response.mjs'), timeoutSeconds: 30 });
      const result = await harness.lambda.invoke('big', Buffer.from(JSON.stringify({ bytes: 6 * 1024 * 1024 + 1 })), 'RequestResponse');
      expect(result.functionError).toBe('Unhandled');
      expect(JSON.parse(result.payload.toString())).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
      const fits = await harness.lambda.invoke('big', Buffer.from(JSON.stringify({ bytes: 1024 })), 'RequestResponse');
      expect(fits.payload.length).toBe(1026);
    } finally {
      await harness.close();
    }
  });
});
