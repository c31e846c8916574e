import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultClient } from '../../../local/index.js';
import { CLI, startTestRuntime } from '../../helpers/runtime.js';

// `aws-exec serve --faults FILE` and AWS_EXEC_FAULTS, as users run them.
describe('aws-exec serve with a fault configuration', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'aws-exec-faults-serve-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('puts the file named by AWS_EXEC_FAULTS in force once the runtime is up', async () => {
    const file = join(scratch, 'env-faults.json');
    const config = { seed: 4, rules: [{ match: 'lambda:Invoke', latencyMs: 1 }] };
    writeFileSync(file, JSON.stringify(config));
    const runtime = await startTestRuntime({ env: { AWS_EXEC_FAULTS: file } });
    try {
      const { awsEndpoint, region, accessKeyId, secretAccessKey } = runtime.config;
      const state = await createFaultClient({ endpoint: awsEndpoint, region, credentials: { accessKeyId, secretAccessKey } }).get();
      expect(state.config).toEqual(config);
      expect(runtime.output()).toContain('faults: 1 rule(s) in force on the local AWS endpoint');
    } finally {
      await runtime.dispose();
    }
  });

  it('refuses a missing or invalid file with a usage error that says what is wrong, and starts nothing', () => {
    const bad = join(scratch, 'bad-faults.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ match: 's3:PutObjekt', errorRate: 0.1 }] }));
    for (const [file, message] of [
      [join(scratch, 'missing.json'), 'Expected a readable fault configuration file at'],
      [bad, 'rules.0.match: Expected an operation of s3'],
    ] as const) {
      const dataDir = join(scratch, 'data');
      const result = spawnSync(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--aws-port', '0', '--faults', file], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: expect.stringContaining(message) });
      expect(existsSync(join(dataDir, 'local.json'))).toBe(false);
    }
  });
});
