import { MAX_LATENCY_MS, type LatencySpec } from './config.js';
import type { Random } from './random.js';

/** The standard normal quantile at 0.99: a lognormal's p99 is its median times exp(sigma times this). */
const Z_99 = 2.3263478740408408;

/** The parameters of a lognormal with median `p50` and 99th percentile `p99`: ln X ~ N(mu, sigma²). */
export function lognormalParams(p50: number, p99: number): { mu: number; sigma: number } {
  return { mu: Math.log(p50), sigma: Math.log(p99 / p50) / Z_99 };
}

/**
 * Milliseconds drawn from a latency spec: fixed, uniform in [min, max], exponential with a
 * mean (capped), or lognormal from its p50 and p99 (Box–Muller over two draws, clamped to
 * [min, max]). Whole milliseconds, as timers wait.
 */
export function drawLatency(spec: LatencySpec, random: Random): number {
  if (typeof spec === 'number') return spec;
  if ('p50' in spec) {
    const { mu, sigma } = lognormalParams(spec.p50, spec.p99);
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const drawn = Math.exp(mu + sigma * normal);
    return Math.round(Math.min(Math.max(drawn, spec.min ?? 0), spec.max ?? MAX_LATENCY_MS));
  }
  if ('mean' in spec) {
    const drawn = -spec.mean * Math.log(1 - random());
    return Math.round(Math.min(drawn, spec.max ?? MAX_LATENCY_MS));
  }
  return Math.round(spec.min + random() * (spec.max - spec.min));
}
