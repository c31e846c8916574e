import { join } from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, makeTempDir, readIfPresent, startLambdaHarness, waitFor, type LambdaHarness } from './lambda/harness.js';

describe('Lambda Event invocations', () => {
  let harness: LambdaHarness;

  beforeAll(async () => {
    harness = await startLambdaHarness({ retryDelaysMs: [50, 100] });
  });
  afterAll(async () => harness.close());

  const attemptsIn = (path: string): string[] => (readIfPresent(path) ?? '').split('\n').filter((line) => line !== '');

  it('retries a failing Event invocation twice by default, with the same request id', async () => {
    harness.lambda.registerFunction({ name: 'always-fails', module: fixture('fail-count.mjs'), timeoutSeconds: 30 });
    const path = join(makeTempDir(), 'attempts.txt');
    const response = await harness
      .client()
      .send(new InvokeCommand({ FunctionName: 'always-fails', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ path })) }));
    expect(response.StatusCode).toBe(202);
    await harness.lambda.whenEventsIdle();
    const attempts = attemptsIn(path);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts)).toEqual(new Set([response.$metadata.requestId]));
    expect(harness.output.stderr.some((line) => line.includes('[always-fails] Event invocation') && line.includes('giving up'))).toBe(true);
  });

  it('retries no more than maxRetryAttempts', async () => {
    harness.lambda.registerFunction({ name: 'fails-once', module: fixture('fail-count.mjs'), maxRetryAttempts: 0, timeoutSeconds: 30 });
    const path = join(makeTempDir(), 'attempts.txt');
    await harness.lambda.invoke('fails-once', Buffer.from(JSON.stringify({ path })), 'Event');
    await harness.lambda.whenEventsIdle();
    expect(attemptsIn(path)).toHaveLength(1);
  });

  it('retries an Event invocation whose environment crashed', async () => {
    harness.lambda.registerFunction({ name: 'exits', module: fixture('exit.mjs'), maxRetryAttempts: 1, timeoutSeconds: 30 });
    await harness.lambda.invoke('exits', Buffer.from('{"code":5}'), 'Event');
    await harness.lambda.whenEventsIdle();
    const failures = harness.output.stderr.filter((line) => line.startsWith('[exits] Event invocation'));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toContain('Runtime.ExitError');
    expect(failures[1]).toContain('giving up');
  });

  it('queues Event invocations beyond the reserved concurrency and runs them all, never more at once', async () => {
    harness.lambda.registerFunction({ name: 'writer', module: fixture('write-file.mjs'), reservedConcurrency: 1, timeoutSeconds: 30 });
    const dir = makeTempDir();
    const paths = Array.from({ length: 4 }, (_, index) => join(dir, `${index}.txt`));
    const results = await Promise.all(
      paths.map((path) => harness.lambda.invoke('writer', Buffer.from(JSON.stringify({ path, content: path, delayMs: 150 })), 'Event')),
    );
    expect(results.map((result) => result.statusCode)).toEqual([202, 202, 202, 202]);
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, harness.lambda.concurrencyOf('writer').running)), 10);
    try {
      for (const path of paths) expect(await waitFor(() => readIfPresent(path), 10_000, path)).toBe(path);
    } finally {
      clearInterval(watch);
    }
    expect(most).toBe(1);
  });
});
