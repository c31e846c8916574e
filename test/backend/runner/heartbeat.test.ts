import { describe, expect, it, vi } from 'vitest';
import type { LeaseResult } from '../../../backend/jobs/store.js';
import { silentLogger } from '../../../backend/log.js';
import { startHeartbeat } from '../../../backend/runner/heartbeat.js';

function recorder(answers: (LeaseResult | Error)[] = []) {
  const calls: { aliveUntil: number; pendingExit: number | undefined }[] = [];
  const renew = async (aliveUntil: number, pendingExit?: number) => {
    calls.push({ aliveUntil, pendingExit });
    const answer = answers.shift() ?? 'renewed';
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { calls, renew };
}

describe('startHeartbeat', () => {
  it('renews the lease one lease ahead at every beat until stopped', async () => {
    const { calls, renew } = recorder();
    const heartbeat = startHeartbeat({ everyMs: 20, leaseMs: 1_000, renew, onLost: () => {}, logger: silentLogger });
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(3), { timeout: 2_000, interval: 5 });
    heartbeat.stop();
    const count = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls.length).toBe(count);
    for (const call of calls) expect(call.aliveUntil).toBeGreaterThan(Date.now() + 500);
    expect(heartbeat.lost).toBe(false);
  });

  it('keeps beating after a failed renewal, and stops for good once the job turns out taken over', async () => {
    const { calls, renew } = recorder([new Error('throttled'), 'renewed', 'lost']);
    const onLost = vi.fn();
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) };
    const heartbeat = startHeartbeat({ everyMs: 15, leaseMs: 1_000, renew, onLost, logger });
    await vi.waitFor(() => expect(onLost).toHaveBeenCalledTimes(1), { timeout: 2_000, interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toHaveLength(3);
    expect(heartbeat.lost).toBe(true);
    expect(warnings).toEqual(['could not renew the job lease', 'the job was taken over by a closer: its lease had run out; stopping it']);
  });

  it("records the command's exit code at once with a renewal, and with every later one", async () => {
    const { calls, renew } = recorder();
    const heartbeat = startHeartbeat({ everyMs: 50, leaseMs: 1_000, renew, onLost: () => {}, logger: silentLogger });
    await heartbeat.recordPendingExit(3);
    expect(calls).toEqual([{ aliveUntil: expect.any(Number), pendingExit: 3 }]);
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(2), { timeout: 2_000, interval: 5 });
    expect(calls[1]?.pendingExit).toBe(3);
    heartbeat.stop();
  });
});
