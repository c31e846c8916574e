import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../backend/config.js';
import { readPackageVersion } from '../../backend/version.js';

const base = { PROJECT_NAME: 'demo', PROJECT_BUCKET: 'demo-bucket', AWS_LAMBDA_FUNCTION_NAME: 'demo-fn' };

describe('loadConfig', () => {
  it('reads the required variables and fills in the defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      projectName: 'demo',
      bucket: 'demo-bucket',
      table: 'demo',
      functionName: 'demo-fn',
      jobFunctionName: 'demo-fn',
      functionTimeoutSeconds: 900,
      logCapBytes: 32 * 1024 * 1024,
      authFailDelayMs: 1000,
      jobTtlSeconds: 30 * 86_400,
    });
  });

  it('sends jobs to JOB_FUNCTION_NAME when it is set (the runner deployed as its own function)', () => {
    expect(loadConfig({ ...base, JOB_FUNCTION_NAME: 'demo-jobs' })).toMatchObject({ functionName: 'demo-fn', jobFunctionName: 'demo-jobs' });
  });

  it.each(['PROJECT_NAME', 'PROJECT_BUCKET', 'AWS_LAMBDA_FUNCTION_NAME'])('says that %s is required when it is missing or blank', (name) => {
    expect(() => loadConfig({ ...base, [name]: undefined })).toThrow(`Environment variable ${name} is required`);
    expect(() => loadConfig({ ...base, [name]: '  ' })).toThrow(`Environment variable ${name} is required`);
  });

  it("runs jobs in /tmp unless JOB_WORKING_DIRECTORY names another absolute directory, and logs requests unless LOG_REQUESTS is off", () => {
    expect(loadConfig(base)).toMatchObject({ jobWorkingDirectory: '/tmp', logRequests: true });
    expect(loadConfig({ ...base, JOB_WORKING_DIRECTORY: '/srv/app', LOG_REQUESTS: 'false' })).toMatchObject({ jobWorkingDirectory: '/srv/app', logRequests: false });
    expect(() => loadConfig({ ...base, JOB_WORKING_DIRECTORY: 'relative/dir' })).toThrow('Expected environment variable JOB_WORKING_DIRECTORY to be an absolute path, got `relative/dir`');
    expect(() => loadConfig({ ...base, LOG_REQUESTS: 'maybe' })).toThrow(/Expected environment variable LOG_REQUESTS to be true or false .*got `maybe`/);
  });

  it('takes the table from PROJECT_TABLE when set', () => {
    expect(loadConfig({ ...base, PROJECT_TABLE: 'other' }).table).toBe('other');
  });

  it('reads tunables as integers within their range, saying what came otherwise', () => {
    expect(loadConfig({ ...base, LOG_CAP_BYTES: '1048576', AUTH_FAIL_DELAY_MS: '0' })).toMatchObject({ logCapBytes: 1048576, authFailDelayMs: 0 });
    expect(() => loadConfig({ ...base, LOG_CAP_BYTES: '1MB' })).toThrow(/^Expected environment variable LOG_CAP_BYTES to be an integer from \d+ to \d+, got `1MB`$/);
    expect(() => loadConfig({ ...base, FUNCTION_TIMEOUT_SECONDS: '901' })).toThrow(/FUNCTION_TIMEOUT_SECONDS .* got `901`/);
    expect(() => loadConfig({ ...base, LOG_SHIP_MIN_INTERVAL_MS: '100', LOG_SHIP_MAX_INTERVAL_MS: '50' })).toThrow(
      'Expected LOG_SHIP_MAX_INTERVAL_MS (50) to be at least LOG_SHIP_MIN_INTERVAL_MS (100)',
    );
  });

  it('sweeps orphans of jobs only on AWS Lambda by default, or as JOB_ORPHAN_SWEEP says', () => {
    expect(loadConfig(base).sweepOrphans).toBe(false);
    expect(loadConfig({ ...base, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' }).sweepOrphans).toBe(true);
    expect(loadConfig({ ...base, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', JOB_ORPHAN_SWEEP: 'off' }).sweepOrphans).toBe(false);
    expect(loadConfig({ ...base, JOB_ORPHAN_SWEEP: 'on' }).sweepOrphans).toBe(true);
    expect(() => loadConfig({ ...base, JOB_ORPHAN_SWEEP: 'yes' })).toThrow('Expected environment variable JOB_ORPHAN_SWEEP to be auto, on or off, got `yes`');
  });
});

describe('loadConfig: liveness', () => {
  it('beats every 10 s with a 30 s lease and gives the final writes 20 s by default', () => {
    expect(loadConfig(base)).toMatchObject({ heartbeatMs: 10_000, leaseMs: 30_000, finalWriteWindowMs: 20_000 });
  });

  it('refuses a lease shorter than two heartbeats, saying both', () => {
    expect(() => loadConfig({ ...base, HEARTBEAT_MS: '10000', HEARTBEAT_LEASE_MS: '15000' })).toThrow(
      'Expected HEARTBEAT_LEASE_MS (15000) to be at least twice HEARTBEAT_MS (10000)',
    );
  });
});

describe('readPackageVersion', () => {
  it("finds the project's package.json above the backend", () => {
    expect(readPackageVersion()).toMatchObject({ name: 'aws-exec', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
