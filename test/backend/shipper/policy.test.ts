import { describe, expect, it } from 'vitest';
import { planShipment, retryDelayMs, shipIntervalMs, type ShipState } from '../../../backend/shipper/policy.js';

const config = { minIntervalMs: 25, maxIntervalMs: 5_000, bytesPerSecond: 4 * 1024 * 1024 };
const state = (overrides: Partial<ShipState>): ShipState => ({
  now: 1_000,
  liveBytes: 0,
  shippedBytes: 0,
  lastAttemptAt: undefined,
  failures: 0,
  ...overrides,
});

/** Simulates a writer of `rate` bytes/s producing `total` bytes, with uploads taking no time. */
function simulateUploadedBytes(total: number, rate: number, stepMs = 1): { uploaded: number; uploads: number } {
  let now = 0;
  let live = 0;
  let shipped = 0;
  let last: number | undefined;
  let uploaded = 0;
  let uploads = 0;
  while (live < total) {
    now += stepMs;
    live = Math.min(total, live + (rate * stepMs) / 1000);
    const decision = planShipment(state({ now, liveBytes: live, shippedBytes: shipped, lastAttemptAt: last }), config);
    if (decision.kind === 'ship') {
      uploaded += live;
      uploads += 1;
      shipped = live;
      last = now;
    }
  }
  return { uploaded: uploaded + (shipped < total ? total : 0), uploads };
}

describe('planShipment', () => {
  it('ships the first output at once', () => {
    expect(planShipment(state({ liveBytes: 10 }), config)).toEqual({ kind: 'ship' });
  });

  it('is idle when everything is shipped', () => {
    expect(planShipment(state({ liveBytes: 10, shippedBytes: 10, lastAttemptAt: 990 }), config)).toEqual({ kind: 'idle' });
  });

  it('ships new output at once after a quiet spell longer than the interval', () => {
    expect(planShipment(state({ now: 2_000, liveBytes: 20, shippedBytes: 10, lastAttemptAt: 1_000 }), config)).toEqual({ kind: 'ship' });
  });

  it('coalesces output that comes sooner than the interval', () => {
    expect(planShipment(state({ now: 1_010, liveBytes: 20, shippedBytes: 10, lastAttemptAt: 1_000 }), config)).toEqual({
      kind: 'wait',
      ms: 15,
    });
  });

  it('waits longer the larger the log is, up to the ceiling', () => {
    expect(shipIntervalMs(100, config)).toBe(25);
    expect(shipIntervalMs(4 * 1024 * 1024, config)).toBe(1_000);
    expect(shipIntervalMs(1024 * 1024 * 1024, config)).toBe(5_000);
  });

  it('backs off after failed uploads, doubling to a ceiling', () => {
    expect(retryDelayMs(1)).toBe(100);
    expect(retryDelayMs(2)).toBe(200);
    expect(retryDelayMs(20)).toBe(5_000);
    expect(planShipment(state({ now: 1_050, liveBytes: 20, lastAttemptAt: 1_000, failures: 1 }), config)).toEqual({ kind: 'wait', ms: 50 });
  });

  it('keeps the bytes uploaded for a fast 24 MiB writer under twice the log', () => {
    const total = 24 * 1024 * 1024;
    const { uploaded } = simulateUploadedBytes(total, 100 * 1024 * 1024);
    expect(uploaded / total).toBeLessThan(2);
  });

  it('keeps the bytes uploaded linear in the log size, not quadratic, for a steady writer', () => {
    const small = simulateUploadedBytes(2 * 1024 * 1024, 1024 * 1024, 5);
    const large = simulateUploadedBytes(8 * 1024 * 1024, 1024 * 1024, 5);
    // 4x the output (and the time) costs about 4x the uploads' bytes, not 16x.
    expect(large.uploaded / small.uploaded).toBeLessThan(5);
  });

  it('makes a steady writer upload ever less often: 4x the duration costs well under 2x the uploads', async () => {
    const short = simulateUploadedBytes(10_000 * 100, 10_000, 5);
    const long = simulateUploadedBytes(10_000 * 400, 10_000, 5);
    expect(long.uploads / short.uploads).toBeLessThan(2);
  });

  it('ships a complete head at once, whatever the interval, but not while uploads fail', () => {
    const head = { now: 1_010, liveBytes: 24 << 20, shippedBytes: 4096, lastAttemptAt: 1_000, liveComplete: true };
    expect(planShipment(state(head), config)).toEqual({ kind: 'ship' });
    expect(planShipment(state({ ...head, liveComplete: false }), config).kind).toBe('wait');
    expect(planShipment(state({ ...head, failures: 1 }), config).kind).toBe('wait');
    expect(planShipment(state({ ...head, shippedBytes: 24 << 20 }), config)).toEqual({ kind: 'idle' });
  });
});
