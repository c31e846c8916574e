import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultConfig, type LatencySpec } from '../../../local/aws/faults/index.js';
import { lognormalParams } from '../../../local/aws/faults/latency.js';
import { OPERATIONS } from '../../../local/aws/faults/operations.js';
import { AWS_LATENCY_PROFILE, createLatencySampler, LatencyProfileError, resolveLatencyProfile } from '../../../local/aws/latency/index.js';

/** The value below which `share` of the sorted samples fall. */
function quantile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

/** Every distinct latency spec of the profile, named by where it applies. */
function hopsOfProfile(): [string, LatencySpec & { p50: number; p99: number; min?: number }][] {
  const hops: [string, LatencySpec & { p50: number; p99: number; min?: number }][] = [
    ['gateway', AWS_LATENCY_PROFILE.gatewayMs],
    ['event start', AWS_LATENCY_PROFILE.eventStartMs],
  ];
  AWS_LATENCY_PROFILE.endpoint.rules.forEach((rule, index) => {
    const spec = rule.latencyMs;
    if (typeof spec === 'object' && 'p50' in spec) hops.push([`endpoint rule ${index}`, spec]);
  });
  return hops;
}

describe('the aws latency profile', () => {
  it('gives each hop a lognormal whose median and 99th percentile are the documented figures', () => {
    const hops = hopsOfProfile();
    expect(hops).toHaveLength(2 + AWS_LATENCY_PROFILE.endpoint.rules.length);
    for (const [name, spec] of hops) {
      const sampler = createLatencySampler(spec, 7, name);
      const samples = Array.from({ length: 40_000 }, sampler).sort((a, b) => a - b);
      // Within 5% (p50) and 10% (p99) of 40,000 draws, plus a millisecond of rounding.
      const off = { name, p50: Math.abs(quantile(samples, 0.5) - spec.p50) - spec.p50 * 0.05, p99: Math.abs(quantile(samples, 0.99) - spec.p99) - spec.p99 * 0.1 };
      expect({ name, p50: off.p50 <= 1, p99: off.p99 <= 1 }).toEqual({ name, p50: true, p99: true });
      expect(samples[0]).toBeGreaterThanOrEqual(spec.min ?? 0);
    }
  });

  it('derives sigma from the ratio of p99 to p50', () => {
    const { mu, sigma } = lognormalParams(40, 200);
    expect(mu).toBeCloseTo(Math.log(40), 12);
    expect(Math.exp(mu + 2.3263478740408408 * sigma)).toBeCloseTo(200, 9);
  });

  it('matches every operation of S3, DynamoDB and Lambda by exactly one rule, so latencies never add up', () => {
    const injector = new FaultInjector();
    injector.setBaseline(AWS_LATENCY_PROFILE.endpoint);
    for (const service of ['s3', 'dynamodb', 'lambda'] as const) {
      for (const operation of OPERATIONS[service]) injector.decide(service, operation);
    }
    const counts = injector.stats().byOperation;
    const names = (['s3', 'dynamodb', 'lambda'] as const).flatMap((service) => OPERATIONS[service].map((operation) => `${service}:${operation}`));
    expect(Object.keys(counts).sort()).toEqual([...names].sort());
    for (const name of names) expect({ name, matched: counts[name]?.matched }).toEqual({ name, matched: 1 });
  });

  it('draws the same latencies from the same seed, and others from another seed', () => {
    const spec = AWS_LATENCY_PROFILE.eventStartMs;
    const draw = (seed: number) => Array.from({ length: 50 }, createLatencySampler(spec, seed, 'lambda:EventStart'));
    expect(draw(13)).toEqual(draw(13));
    expect(draw(14)).not.toEqual(draw(13));
  });

  it('plugs into the fault layer as a baseline that faults neither replace nor perturb', () => {
    const latenciesOf = (injector: FaultInjector) =>
      Array.from({ length: 30 }, () => {
        injector.decide('dynamodb', 'UpdateItem');
        return injector.decide('s3', 'GetObject')?.latencyMs;
      });
    const plain = new FaultInjector();
    plain.setBaseline(AWS_LATENCY_PROFILE.endpoint);
    const faulty = new FaultInjector({ seed: 1, rules: [{ match: 'dynamodb:UpdateItem', latencyMs: { mean: 5 }, errorRate: 0.5 }] });
    faulty.setBaseline(AWS_LATENCY_PROFILE.endpoint);
    expect(latenciesOf(faulty)).toEqual(latenciesOf(plain));
    for (const latency of latenciesOf(plain)) expect(latency).toBeGreaterThanOrEqual(10);

    faulty.set({ rules: [{ match: 's3:GetObject', errorRate: 1 }] });
    const decision = faulty.decide('s3', 'GetObject');
    expect(decision).toEqual({ kind: 'error', diskFull: false, latencyMs: expect.any(Number) });
    expect(decision?.latencyMs).toBeGreaterThanOrEqual(10);
    expect(faulty.get()).toEqual({ rules: [{ match: 's3:GetObject', errorRate: 1 }] });
    expect(faulty.getBaseline()).toBe(AWS_LATENCY_PROFILE.endpoint);
  });

  it('is found by its name, and an unknown name is refused with the known ones', () => {
    expect(resolveLatencyProfile('aws')).toBe(AWS_LATENCY_PROFILE);
    expect(() => resolveLatencyProfile('azure')).toThrow(LatencyProfileError);
    expect(() => resolveLatencyProfile('azure')).toThrow('Expected a latency profile of aws, got `azure`');
  });

  it('lets a fault configuration name a lognormal latency, and refuses a median above its p99', () => {
    expect(parseFaultConfig({ rules: [{ match: 's3:*', latencyMs: { p50: 40, p99: 200, min: 10 } }] }, 'test').rules[0]?.latencyMs).toEqual({
      p50: 40,
      p99: 200,
      min: 10,
    });
    expect(() => parseFaultConfig({ rules: [{ match: 's3:*', latencyMs: { p50: 300, p99: 200 } }] }, 'test')).toThrow(/latencyMs/);
  });
});
