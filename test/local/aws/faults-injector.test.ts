import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../local/aws/faults/injector.js';

describe('the fault injector', () => {
  it('injects each kind of fault at its rate', () => {
    const injector = new FaultInjector({
      seed: 1,
      rules: [{ match: 's3:PutObject', errorRate: 0.1, throttleRate: 0.2, resetBeforeRate: 0.05, resetAfterRate: 0.15 }],
    });
    for (let i = 0; i < 20_000; i++) injector.decide('s3', 'PutObject');
    const counts = injector.stats().byOperation['s3:PutObject'];
    expect(counts?.matched).toBe(20_000);
    expect((counts?.errors ?? 0) / 20_000).toBeCloseTo(0.1, 1);
    expect((counts?.throttles ?? 0) / 20_000).toBeCloseTo(0.2, 1);
    expect((counts?.resetsBefore ?? 0) / 20_000).toBeCloseTo(0.05, 1);
    expect((counts?.resetsAfter ?? 0) / 20_000).toBeCloseTo(0.15, 1);
  });

  it('lets requests no rule matches through without a decision or a count', () => {
    const injector = new FaultInjector({ rules: [{ match: ['s3:PutObject', 'dynamodb:*'], errorRate: 1 }] });
    expect(injector.decide('s3', 'GetObject')).toBeUndefined();
    expect(injector.decide('lambda', 'Invoke')).toBeUndefined();
    expect(injector.decide('dynamodb', 'Query')).toEqual({ latencyMs: 0, kind: 'error', diskFull: false });
    expect(Object.keys(injector.stats().byOperation)).toEqual(['dynamodb:Query']);
  });

  it('adds the latencies of every matching rule, lets the first fault drawn decide, and keeps disk full from any rule', () => {
    const injector = new FaultInjector({
      rules: [
        { match: '*', latencyMs: 10 },
        { match: 's3:*', throttleRate: 1, latencyMs: 5 },
        { match: 's3:PutObject', errorRate: 1, diskFull: true },
      ],
    });
    expect(injector.decide('s3', 'PutObject')).toEqual({ latencyMs: 15, kind: 'throttle', diskFull: true });
    expect(injector.decide('dynamodb', 'GetItem')).toEqual({ latencyMs: 10, kind: undefined, diskFull: false });
  });

  it('draws uniform latencies within bounds and exponential ones around their mean, capped', () => {
    const uniform = new FaultInjector({ seed: 2, rules: [{ match: '*', latencyMs: { min: 20, max: 40 } }] });
    const drawn = Array.from({ length: 1_000 }, () => uniform.decide('s3', 'GetObject')?.latencyMs ?? -1);
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...drawn)).toBeLessThanOrEqual(40);
    const exponential = new FaultInjector({ seed: 3, rules: [{ match: '*', latencyMs: { mean: 50, max: 120 } }] });
    const waits = Array.from({ length: 5_000 }, () => exponential.decide('s3', 'GetObject')?.latencyMs ?? -1);
    expect(Math.max(...waits)).toBe(120);
    const uncapped = waits.filter((ms) => ms < 120);
    expect(uncapped.reduce((a, b) => a + b, 0) / waits.length).toBeGreaterThan(35);
    expect(uncapped.reduce((a, b) => a + b, 0) / waits.length).toBeLessThan(50);
  });

  it('repeats its decisions for the same seed, per operation', () => {
    const config = { seed: 9, rules: [{ match: '*', errorRate: 0.5 }] };
    const a = new FaultInjector(config);
    const b = new FaultInjector(config);
    const first = Array.from({ length: 50 }, () => a.decide('s3', 'PutObject')?.kind);
    const second = Array.from({ length: 50 }, () => {
      b.decide('s3', 'GetObject');
      return b.decide('s3', 'PutObject')?.kind;
    });
    expect(second).toEqual(first);
  });
});
