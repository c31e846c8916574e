export {
  AWS_LATENCY_PROFILE,
  LATENCY_PROFILES,
  LatencyProfileError,
  LatencyProfileName,
  endpointRulesOf,
  resolveLatencyProfile,
  type LatencyProfile,
} from './profile.js';
export { createLatencySampler, createProfileSamplers, type LatencySampler, type ProfileSamplers } from './sampler.js';
