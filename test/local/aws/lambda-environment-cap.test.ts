import { describe, expect, it } from 'vitest';
import { isAlive } from '../../../local/aws/lambda/process-tree.js';
import { fixture, startLambdaHarness, waitFor } from './lambda/harness.js';

// A burst does not start a worker per environmentConcurrency invocations without end, and the
// workers it did start go soon after it: on one machine each worker is about 100 MB.
type Span = { start: number; end: number; pid: number };

describe('the environments of a burst', () => {
  it('starts no more than maxEnvironments and runs the rest as room frees, each once and each to its answer', async () => {
    const harness = await startLambdaHarness({ idleTimeoutMs: 60_000 });
    try {
      harness.lambda.registerFunction({ name: 'capped', module: fixture('sleep.mjs'), environmentConcurrency: 3, maxEnvironments: 2, timeoutSeconds: 30 });
      const results = await Promise.all(Array.from({ length: 15 }, () => harness.lambda.invoke('capped', Buffer.from('{"ms":200}'), 'RequestResponse')));
      expect(results.map((result) => result.functionError)).toEqual(results.map(() => undefined));
      const spans = results.map((result) => JSON.parse(result.payload.toString()) as Span);
      expect(new Set(spans.map((span) => span.pid)).size).toBe(2);
      // Never more than 2 x 3 at once: at any start, at most 5 others are running.
      for (const span of spans) {
        const overlapping = spans.filter((other) => other !== span && other.start <= span.start && other.end > span.start);
        expect(overlapping.length).toBeLessThanOrEqual(5);
      }
      expect(harness.lambda.getFunction('capped')?.maxEnvironments).toBe(2);
    } finally {
      await harness.close();
    }
  });

  it('stops the extra environments after surplusIdleTimeoutMs and keeps the last one for idleTimeoutMs', async () => {
    const harness = await startLambdaHarness({ idleTimeoutMs: 60_000, surplusIdleTimeoutMs: 300 });
    try {
      harness.lambda.registerFunction({ name: 'bursty', module: fixture('sleep.mjs'), environmentConcurrency: 2, timeoutSeconds: 30 });
      const results = await Promise.all(Array.from({ length: 6 }, () => harness.lambda.invoke('bursty', Buffer.from('{"ms":200}'), 'RequestResponse')));
      const pids = [...new Set(results.map((result) => (JSON.parse(result.payload.toString()) as Span).pid))];
      expect(pids).toHaveLength(3);
      await waitFor(() => (pids.filter(isAlive).length === 1 ? true : undefined), 10_000, 'the extra environments to stop');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const [kept] = pids.filter(isAlive);
      expect(kept).toBeDefined();
      const next = JSON.parse((await harness.lambda.invoke('bursty', Buffer.from('{"ms":1}'), 'RequestResponse')).payload.toString()) as Span;
      expect(next.pid).toBe(kept);
    } finally {
      await harness.close();
    }
  });
});
