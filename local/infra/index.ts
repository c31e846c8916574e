// `local/infra`: infra.yaml read with libaws's own semantics, as the typed model the local
// runtime provisions from. See README.md for what is mirrored and what is not modeled.
export { loadInfra, parseInfra } from './load.js';
export { resolveInfraVariables, type InfraVariableSources } from './variables.js';
export { InfraError, formatProblem, type InfraProblem } from './errors.js';
export { DEFERRED_VARIABLES } from './substitute.js';
export { s3Cors } from './s3.js';
export { policyName } from './lambda.js';
export { TRIGGER_TYPES } from './triggers.js';
export {
  nextFireTime,
  parseSchedule,
  requireSchedule,
  Schedule,
  RateSchedule,
  CronSchedule,
  ScheduleError,
} from './schedule.js';
export {
  InfraSet,
  Table,
  KeyElement,
  SecondaryIndex,
  Projection,
  Throughput,
  Billing,
  Bucket,
  CorsRule,
  Lambda,
  Entrypoint,
  ImageEntrypoint,
  ZipEntrypoint,
  Allow,
  Trigger,
  ApiTrigger,
  ScheduleTrigger,
  OtherTrigger,
  Queue,
  UnmodeledResource,
} from './model.js';
