// The backend's public face: the Lambda handler, and the pieces the local runtime and
// tests drive directly.
export { handler, createHandler, type HandlerContext } from './lambda.js';
export { createApp } from './http/app.js';
export type { AppDeps } from './http/env.js';
export { runJob, type RunnerDeps, type RunResult, type RunTimings, type InvocationContext } from './runner/run-job.js';
export { sweepLostJobs, type SweepDeps, type SweepOptions, type SweepResult } from './sweep/sweep.js';
export { loadConfig, type Config, type ShipConfig } from './config.js';
export { createAwsClients, type AwsClients, type AwsClientOverrides } from './aws/clients.js';
export { createBackendDeps, type BackendDeps, type BackendDepsOptions } from './deps.js';
export { createAuthKey, listAuthKeys, removeAuthKeys, type AuthAdminDeps, type AuthKeyInfo, type CreatedAuthKey, type NewKeyOptions, type RemoveOptions } from './auth/admin.js';
export { checkAccess, type Action, type JobKind } from './auth/access.js';
export type { KeyPrincipal, Principal, SharePrincipal } from './auth/principal.js';
export { authItemId, hashAuthKey, hashLegacyAuthKey } from './auth/key-hash.js';
export { createConsoleLogger, silentLogger, type Logger } from './log.js';
export * from './errors.js';
