// `aws-exec/local`: the local runtime (the API gateway, the backend and the AWS endpoint on
// one machine) and the AWS-compatible endpoint on its own, for tests and embedding.
export { startRuntime, type Runtime, type RuntimeOptions } from './runtime.js';
export { startLocalAws, DEFAULT_REGION, type LocalAws, type LocalAwsOptions, type LocalFaults, type Credentials } from './aws/index.js';
export {
  createFaultClient,
  FAULTS_ENV,
  FaultConfigError,
  parseFaultConfig,
  type FaultClient,
  type FaultConfig,
  type FaultCounts,
  type FaultRule,
  type FaultState,
  type FaultStats,
} from './aws/faults/index.js';
export { AWS_LATENCY_PROFILE, LATENCY_PROFILES, LatencyProfileError, LatencyProfileName, type LatencyProfile } from './aws/latency/index.js';
export type { LocalLatency } from './aws/latency/local.js';
export { readLocalJson, LocalJson, LOCAL_JSON } from './local-json.js';
