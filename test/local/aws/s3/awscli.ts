import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { S3TestEndpoint } from './endpoint.js';

const run = promisify(execFile);

/** Debian's awscli v2, called by absolute path so no other install is picked up. */
export const AWS_CLI = '/usr/bin/aws';

/** awscli prepared against one endpoint. */
export interface AwsCli {
  /** A scratch directory for files to upload and download. */
  workDir: string;
  /** Runs `aws ARGS --endpoint-url URL`; rejects with stderr when it exits non-zero. */
  run(...args: string[]): Promise<string>;
  /** Like run, but returns the exit code and output instead of rejecting. */
  attempt(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  cleanup(): void;
}

/** Prepares awscli against an endpoint with a temp HOME and config, and only the endpoint's key in its environment. */
export function prepareAwsCli(endpoint: Pick<S3TestEndpoint, 'url' | 'credentials'>): AwsCli {
  const home = mkdtempSync(join(tmpdir(), 'aws-exec-awscli-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: endpoint.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoint.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const attempt = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(AWS_CLI, [...args, '--endpoint-url', endpoint.url], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
    }
  };
  return {
    workDir: home,
    attempt,
    async run(...args) {
      const result = await attempt(...args);
      if (result.code !== 0) throw new Error(`Expected \`aws ${args.join(' ')}\` to succeed, it exited ${result.code}: ${result.stderr}`);
      return result.stdout;
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
