import { describe, expect, it } from 'vitest';
import { retry, retryDelayMs, RetryPolicy } from '../../protocol/retry.js';

const policy = RetryPolicy.parse({ retries: 3, minDelayMs: 10, maxDelayMs: 40, factor: 2 });
const noWait = () => Promise.resolve();

describe('the shared retry helper', () => {
  it('pauses with full jitter under a doubling ceiling capped by maxDelayMs', () => {
    expect([1, 2, 3, 4, 9].map((failures) => retryDelayMs(policy, failures, () => 1))).toEqual([10, 20, 40, 40, 40]);
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(10);
    expect(retryDelayMs(policy, 2, () => 0)).toBe(0);
  });

  it('tries once plus the policy retries, then throws the last error', async () => {
    let calls = 0;
    const error = await retry(
      async (attempt) => {
        calls = attempt;
        throw new Error(`failure ${attempt}`);
      },
      policy,
      { isRetryable: () => true, wait: noWait },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((error as Error).message).toBe('failure 4');
  });

  it('throws at once an error the caller says is not worth retrying', async () => {
    let calls = 0;
    const error = await retry(
      async () => {
        calls += 1;
        throw new TypeError('bad input');
      },
      policy,
      { isRetryable: (e) => !(e instanceof TypeError), wait: noWait },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(TypeError);
  });

  it('retries a retryable value and returns the last one when retries run out', async () => {
    const seen: number[] = [];
    const value = await retry(async (attempt) => (seen.push(attempt), attempt < 3 ? 503 : 200), policy, {
      isRetryable: () => false,
      isRetryableResult: (status) => status >= 500,
      wait: noWait,
    });
    expect(value).toBe(200);
    expect(seen).toEqual([1, 2, 3]);
    const last = await retry(async () => 503, policy, { isRetryable: () => false, isRetryableResult: () => true, wait: noWait });
    expect(last).toBe(503);
  });

  it('cuts the last pause short at the deadline and gives up a failure past it, after the minimum attempts', async () => {
    let clock = 0;
    const waits: number[] = [];
    const timed = { now: () => clock, wait: async (ms: number) => void (waits.push(ms), (clock += ms)), random: () => 1 };
    let calls = 0;
    const fail = async () => {
      calls += 1;
      clock += 1;
      throw new Error('down');
    };
    const many = RetryPolicy.parse({ retries: 100, minDelayMs: 10, maxDelayMs: 10 });
    await expect(retry(fail, many, { isRetryable: () => true, deadlineAt: 25, ...timed })).rejects.toThrow('down');
    // attempts end at 1, 12, 23 and 26 (the pause after the third cut to the 2 ms left)
    expect(waits).toEqual([10, 10, 2]);
    expect(calls).toBe(4);
    clock = 0;
    calls = 0;
    await expect(retry(fail, many, { isRetryable: () => true, deadlineAt: 0, minAttempts: 3, ...timed })).rejects.toThrow('down');
    expect(calls).toBe(3);
  });

  it('tells onRetry what failed and waits the pause it announced', async () => {
    const waits: number[] = [];
    const told: [unknown, number, number][] = [];
    await retry(
      async (attempt) => {
        if (attempt < 3) throw new Error(`e${attempt}`);
        return 'ok';
      },
      policy,
      {
        isRetryable: () => true,
        random: () => 1,
        onRetry: ({ error }, failures, delayMs) => void told.push([(error as Error).message, failures, delayMs]),
        wait: async (ms) => void waits.push(ms),
      },
    );
    expect(told).toEqual([
      ['e1', 1, 10],
      ['e2', 2, 20],
    ]);
    expect(waits).toEqual([10, 20]);
  });
});
