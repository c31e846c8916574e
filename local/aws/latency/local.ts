import type { FaultInjector } from '../faults/index.js';
import { createProfileSamplers, endpointRulesOf, resolveLatencyProfile, type LatencyProfile, type LatencyProfileName } from './index.js';
import type { ProfileSamplers } from './sampler.js';

/** The latency profile of a running endpoint: AWS's latencies added to each hop (see ./README.md). */
export interface LocalLatency {
  /** Puts a profile in force (an unknown name throws LatencyProfileError), or none with undefined. */
  set(name: LatencyProfileName | undefined): void;
  /** The profile in force, if any. */
  get(): LatencyProfile | undefined;
  /** Draws the API gateway's added latency for one request (0 without a profile). */
  drawGatewayMs(): number;
  /** Draws the wait between an async invoke's 202 and its handler's start (0 without a profile). */
  drawEventStartMs(): number;
}

/** The profile in force: its endpoint rules as the fault layer's baseline, and the samplers of the other hops. */
export function createLocalLatency(injector: FaultInjector): LocalLatency {
  let profile: LatencyProfile | undefined;
  let samplers: ProfileSamplers | undefined;
  return {
    set(name) {
      const next = name === undefined ? undefined : resolveLatencyProfile(name);
      injector.setBaseline(endpointRulesOf(next));
      profile = next;
      samplers = next === undefined ? undefined : createProfileSamplers(next);
    },
    get: () => profile,
    drawGatewayMs: () => samplers?.gatewayMs() ?? 0,
    drawEventStartMs: () => samplers?.eventStartMs() ?? 0,
  };
}
