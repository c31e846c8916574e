import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../backend/config.js';
import { JOBS_BY_AUTH_NAME_INDEX } from '../../backend/jobs/record.js';
import { InfraError, loadInfra, resolveInfraVariables, type InfraSet, type Lambda } from '../../local/infra/index.js';
import { REPO } from '../helpers/runtime.js';

// infra.yaml read as `libaws infra-ensure infra.yaml` reads it (local/infra mirrors libaws's
// parser), with the ${VAR}s a bare shell gets from sourcing env.sh.template: nothing set by
// bin/ensure.sh, no values of the local runtime. The AWS CLI is a stub on PATH answering as the
// real one does for an account with a pushed image (or, to show the failure, without credentials).
const INFRA = join(REPO, 'infra.yaml');
const TEMPLATE = join(REPO, 'env.sh.template');
const BEFORE = { infra: join(import.meta.dirname, 'fixtures/before/infra.yaml'), template: join(import.meta.dirname, 'fixtures/before/env.sh.template') };
const ACCOUNT = '123456789012';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const bin = mkdtempSync(join(tmpdir(), 'aws-exec-fake-aws-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** The variables a bare shell has after `source env.sh.template`, with `aws` answering as signed in (or not). */
function bareShellVariables(template: string, signedIn: boolean): Record<string, string> {
  const dir = join(bin, signedIn ? 'path-in' : 'path-out');
  rmSync(dir, { recursive: true, force: true });
  const path = mkdtempSync(dir);
  const stub = join(path, 'aws');
  writeFileSync(stub, fakeAwsScript(signedIn));
  chmodSync(stub, 0o755);
  return resolveInfraVariables({ templateFile: template, env: { PATH: `${path}:/usr/bin:/bin`, HOME: bin } });
}

function fakeAwsScript(signedIn: boolean): string {
  return signedIn
    ? `#!/bin/sh\ncase "$*" in\n  *"sts get-caller-identity"*) echo ${ACCOUNT} ;;\n  *"ecr describe-images"*) echo ${DIGEST} ;;\n  *) exit 2 ;;\nesac\n`
    : '#!/bin/sh\necho "Unable to locate credentials." >&2\nexit 253\n';
}

const variables = bareShellVariables(TEMPLATE, true);
const infra: InfraSet = loadInfra(INFRA, variables);
const byName = (name: string): Lambda => {
  const found = infra.lambda.find((lambda) => lambda.name === name);
  if (!found) throw new Error(`Expected a lambda named ${name}, got ${infra.lambda.map((lambda) => lambda.name).join(', ')}`);
  return found;
};
const api = byName(variables.PROJECT_NAME as string);
const jobs = byName(`${variables.PROJECT_NAME}-jobs`);
const envOf = (lambda: Lambda, self: string) => loadConfig({ ...lambda.env, AWS_LAMBDA_FUNCTION_NAME: self });

describe('a bare `libaws infra-ensure infra.yaml` (bug 4: every ${VAR} resolvable)', () => {
  it('resolves every variable from env.sh.template alone, computing the account and the image digest', () => {
    expect(api.entrypoint).toMatchObject({ kind: 'image', account: ACCOUNT, region: variables.PROJECT_REGION, repository: variables.PROJECT_REPO, digest: DIGEST });
    expect(jobs.entrypoint).toEqual(api.entrypoint);
  });

  it('failed with the template before: PROJECT_ACCOUNT and PROJECT_IMAGE_DIGEST were empty', () => {
    const before = bareShellVariables(BEFORE.template, true);
    expect(() => loadInfra(BEFORE.infra, before)).toThrow(InfraError);
    expect(() => loadInfra(BEFORE.infra, before)).toThrow(/missing environment variable PROJECT_ACCOUNT[\s\S]*missing environment variable PROJECT_IMAGE_DIGEST/);
  });

  it('names what is missing when the shell has no AWS credentials', () => {
    const signedOut = bareShellVariables(TEMPLATE, false);
    expect(() => loadInfra(INFRA, signedOut)).toThrow(/infra\.yaml:\d+: missing environment variable PROJECT_ACCOUNT/);
  });
});

describe('infra.yaml', () => {
  it('declares the auth table and the jobs table keyed id:s:hash with TTL on `ttl` (bug 1), and a private bucket with CORS expiring with the records', () => {
    expect(infra.dynamodb.map((table) => table.name)).toEqual([variables.PROJECT_TABLE, variables.PROJECT_JOBS_TABLE]);
    expect(variables.PROJECT_JOBS_TABLE).not.toBe(variables.PROJECT_TABLE);
    for (const table of infra.dynamodb) {
      expect(table).toMatchObject({ keys: [{ attributeName: 'id', attributeType: 'S', keyType: 'HASH' }], ttlAttribute: 'ttl', billing: { mode: 'PAY_PER_REQUEST' } });
    }
    expect(infra.s3).toHaveLength(1);
    expect(infra.s3[0]).toMatchObject({ name: variables.PROJECT_BUCKET, acl: 'private', cors: true, ttlDays: Number(variables.JOB_TTL_DAYS) });
  });

  it('declares the index GET /api/jobs queries: auth-name (S) partition, started-at (N) sort, every attribute projected', () => {
    expect(infra.dynamodb.find((table) => table.name === variables.PROJECT_JOBS_TABLE)?.globalIndexes).toEqual([
      expect.objectContaining({
        name: JOBS_BY_AUTH_NAME_INDEX,
        keys: [
          { attributeName: 'auth-name', attributeType: 'S', keyType: 'HASH' },
          { attributeName: 'started-at', attributeType: 'N', keyType: 'RANGE' },
        ],
        projection: { type: 'ALL', nonKeyAttributes: [] },
      }),
    ]);
  });

  it('runs the API unreserved and the jobs in their own function with a reservation, so jobs cannot starve the API (bug 3)', () => {
    expect(infra.lambda.map((lambda) => lambda.name).sort()).toEqual([api.name, jobs.name].sort());
    expect(api).toMatchObject({ concurrency: 0, timeoutSeconds: 900 });
    expect(api.triggers.map((trigger) => trigger.type)).toEqual(['api', 'schedule']);
    expect(api.triggers[0]).toMatchObject({ dns: variables.PROJECT_DOMAIN });
    expect(api.triggers[1]).toMatchObject({ expression: 'rate(5 minutes)' });
    expect(jobs).toMatchObject({ concurrency: Number(variables.PROJECT_JOB_CONCURRENCY), timeoutSeconds: 900, triggers: [] });
    expect(jobs.concurrency).toBeGreaterThan(0);
    for (const lambda of [api, jobs]) expect(lambda.policy).toEqual(['AWSLambdaBasicExecutionRole']);
  });

  it("gives both functions an environment loadConfig accepts; the API sends jobs to the job function, whose timeout is the runner's", () => {
    const tables = { table: variables.PROJECT_TABLE, jobsTable: variables.PROJECT_JOBS_TABLE };
    expect(envOf(api, api.name)).toMatchObject({ bucket: variables.PROJECT_BUCKET, ...tables, jobFunctionName: jobs.name });
    expect(envOf(api, api.name).keyMaxRunningJobs).toBe(Number(variables.KEY_MAX_RUNNING_JOBS));
    const runner = envOf(jobs, jobs.name);
    expect(runner).toMatchObject({ bucket: variables.PROJECT_BUCKET, ...tables, jobFunctionName: jobs.name });
    expect(runner.functionTimeoutSeconds).toBe(jobs.timeoutSeconds);
    expect(envOf(api, api.name).functionTimeoutSeconds).toBe(jobs.timeoutSeconds);
    expect(runner.jobTtlSeconds).toBe(Number(variables.JOB_TTL_DAYS) * 86_400);
  });

  it("allows each function only the calls it makes, on this project's resources, no wildcard action (bug 2: ListBucket); no function may write a key", () => {
    const keys = `arn:aws:dynamodb:*:*:table/${variables.PROJECT_TABLE}`;
    const table = `arn:aws:dynamodb:*:*:table/${variables.PROJECT_JOBS_TABLE}`;
    const objects = `arn:aws:s3:::${variables.PROJECT_BUCKET}/jobs/*`;
    const bucket = `arn:aws:s3:::${variables.PROJECT_BUCKET}`;
    // Job end events: both functions send to the project's queue, and nothing else of SQS.
    const queue = `arn:aws:sqs:*:*:${variables.PROJECT_NAME}-events`;
    const lines = (lambda: Lambda) => lambda.allow.map((allow) => `${allow.action} ${allow.resource}`).sort();
    expect(lines(api)).toEqual(
      [
        `dynamodb:GetItem ${keys}`,
        `dynamodb:DeleteItem ${table}`,
        `dynamodb:GetItem ${table}`,
        `dynamodb:PutItem ${table}`,
        `dynamodb:Query ${table}/index/${JOBS_BY_AUTH_NAME_INDEX}`,
        `dynamodb:Scan ${table}`,
        `dynamodb:UpdateItem ${table}`,
        `lambda:InvokeFunction arn:aws:lambda:*:*:function:${jobs.name}`,
        `s3:GetObject ${objects}`,
        `s3:ListBucket ${bucket}`,
        `s3:PutObject ${objects}`,
        `sqs:SendMessage ${queue}`,
      ].sort(),
    );
    // The runner also aborts a failed in-place extension of a big log (a multipart upload).
    expect(lines(jobs)).toEqual(
      [
        `dynamodb:GetItem ${table}`,
        `dynamodb:UpdateItem ${table}`,
        `s3:AbortMultipartUpload ${objects}`,
        `s3:GetObject ${objects}`,
        `s3:ListBucket ${bucket}`,
        `s3:PutObject ${objects}`,
        `sqs:SendMessage ${queue}`,
      ].sort(),
    );
  });
});
