import type { LatencySpec } from '../faults/config.js';
import { drawLatency } from '../faults/latency.js';
import { createRandom, deriveSeed } from '../faults/random.js';
import type { LatencyProfile } from './profile.js';

/** Draws milliseconds from one hop's distribution. */
export type LatencySampler = () => number;

/** A seeded sampler of `spec`: the same seed and name give the same sequence. */
export function createLatencySampler(spec: LatencySpec, seed: number, name: string): LatencySampler {
  const random = createRandom(deriveSeed(seed, name));
  return () => drawLatency(spec, random);
}

/** The samplers of a profile's hops outside the endpoint (the gateway, and Lambda's async queue). */
export interface ProfileSamplers {
  gatewayMs: LatencySampler;
  eventStartMs: LatencySampler;
}

/** Seeded samplers of a profile's gateway and event-start hops. */
export function createProfileSamplers(profile: LatencyProfile): ProfileSamplers {
  return {
    gatewayMs: createLatencySampler(profile.gatewayMs, profile.seed, 'apigateway:request'),
    eventStartMs: createLatencySampler(profile.eventStartMs, profile.seed, 'lambda:EventStart'),
  };
}
