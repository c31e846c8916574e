import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../../local/aws/lambda/process-tree.js';
import { fixture, startLambdaHarness, waitFor, type LambdaHarness } from './lambda/harness.js';

// `shutdown` is how the local runtime stops on SIGTERM: busy environments get SIGTERM (as in
// Lambda's Shutdown phase) and a grace period, then everything is killed.
describe('shutting the Lambda service down', () => {
  let harness: LambdaHarness;
  afterEach(async () => harness.close());

  it('lets a busy handler that listens for SIGTERM end its work and answer, then stops its environment', async () => {
    harness = await startLambdaHarness();
    harness.lambda.registerFunction({ name: 'graceful', module: fixture('sigterm.mjs'), timeoutSeconds: 60 });
    const running = harness.lambda.invoke('graceful', Buffer.from('{}'), 'RequestResponse');
    await waitFor(() => (harness.output.stdout.some((line) => line.includes('waiting for SIGTERM')) ? true : undefined));
    const started = Date.now();
    await harness.lambda.shutdown(3_000);
    expect(Date.now() - started).toBeLessThan(1_500);
    const result = await running;
    const body = JSON.parse(result.payload.toString('utf8')) as { stoppedBy: string; pid: number };
    expect(result.functionError).toBeUndefined();
    expect(body.stoppedBy).toBe('SIGTERM');
    expect(isAlive(body.pid)).toBe(false);
  });

  it('kills a handler that never yields once the grace period is over', async () => {
    harness = await startLambdaHarness();
    harness.lambda.registerFunction({ name: 'stuck', module: fixture('stuck.mjs'), timeoutSeconds: 60 });
    const running = harness.lambda.invoke('stuck', Buffer.from('{}'), 'RequestResponse');
    const pid = await waitFor(() => {
      const line = harness.output.stdout.find((text) => text.includes('stuck pid '));
      return line === undefined ? undefined : Number(/stuck pid (\d+)/.exec(line)?.[1]);
    });
    const started = Date.now();
    await harness.lambda.shutdown(500);
    const tookMs = Date.now() - started;
    expect(tookMs).toBeGreaterThanOrEqual(450);
    expect(tookMs).toBeLessThan(2_000);
    expect(isAlive(pid)).toBe(false);
    expect((await running).functionError).toBe('Unhandled');
  });

  it('stops idle environments at once and refuses invocations afterwards', async () => {
    harness = await startLambdaHarness();
    harness.lambda.registerFunction({ name: 'idle', module: fixture('sleep.mjs'), timeoutSeconds: 60 });
    const first = JSON.parse((await harness.lambda.invoke('idle', Buffer.from('{"ms":1}'), 'RequestResponse')).payload.toString('utf8')) as { pid: number };
    const started = Date.now();
    await harness.lambda.shutdown(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(isAlive(first.pid)).toBe(false);
    await expect(harness.lambda.invoke('idle', Buffer.from('{}'), 'RequestResponse')).rejects.toMatchObject({ status: 503, code: 'ServiceException' });
  });
});
