export { FAULTS_PATH, MAX_FAULTS_BODY_BYTES, sendAdminJson, serveFaultAdmin } from './admin.js';
export {
  FaultConfig,
  FaultConfigError,
  FaultRule,
  LatencySpec,
  NO_FAULTS,
  parseFaultConfig,
  parseFaultConfigText,
} from './config.js';
export { FaultInjector, type FaultCounts, type FaultDecision, type FaultKind, type FaultStats } from './injector.js';
export { serveWithFaults } from './layer.js';
export { loadFaultConfigFile, FAULTS_ENV } from './load.js';
export { createFaultClient, type FaultClient, type FaultClientOptions, type FaultState } from './remote.js';
